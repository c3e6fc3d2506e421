import type { ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ServiceProcess as TestingServiceProcess, answersOk, startServiceProcess } from '@calm/testing';
import { SERVICE_NODE_FLAGS } from '@calm/config';
import { withPg } from './infra';
import { RssKinds, rssKinds } from './rss-kinds';

export interface ServiceSpec {
  name: 'accounts' | 'customers';
  databaseUrl: string;
  natsUrl: string;
  /** Runs bench/src/tuned-service.main.js with this AccountsTuning instead of the service's own main.js. */
  tuning?: object;
  /** Directory for `node --cpu-prof` output; unset: no profile. */
  cpuProfDir?: string;
  logFile: string;
  /** More environment for the service (TWOPC_PARTICIPANT=true in the coordination bench). */
  env?: Record<string, string>;
}

/**
 * Largest VmRSS seen per process, sampled from /proc while the bench runs, and what it
 * was made of at that moment (/proc/<pid>/smaps read on each new maximum: rss-kinds.ts).
 */
export class RssSampler {
  private readonly maxByPid = new Map<number, { name: string; kb: number; kinds?: RssKinds | null }>();
  private timer?: NodeJS.Timeout;

  watch(pid: number, name: string): void {
    if (!this.maxByPid.has(pid)) this.maxByPid.set(pid, { name, kb: 0 });
    this.timer ??= setInterval(() => this.sample(), 100);
  }

  private sample(): void {
    for (const [pid, entry] of this.maxByPid) {
      try {
        const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
        if (m && Number(m[1]) > entry.kb) {
          entry.kb = Number(m[1]);
          entry.kinds = rssKinds(pid) ?? entry.kinds;
        }
      } catch {
        // the process has exited; its maximum stays recorded
      }
    }
  }

  stop(): void {
    this.sample();
    clearInterval(this.timer);
  }

  maxMb(): number | null {
    const kbs = [...this.maxByPid.values()].map((e) => e.kb);
    return kbs.length ? Math.round(Math.max(...kbs) / 1024) : null;
  }

  perProcess(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const { name, kb } of this.maxByPid.values()) out[name] = Math.max(out[name] ?? 0, Math.round(kb / 1024));
    return out;
  }

  /** Per service, the make-up of its largest resident set (of whichever of its processes peaked highest). */
  kindsAtPeak(): Record<string, RssKinds | null> {
    const best = new Map<string, { kb: number; kinds?: RssKinds | null }>();
    for (const e of this.maxByPid.values()) if (e.kb > (best.get(e.name)?.kb ?? -1)) best.set(e.name, e);
    return Object.fromEntries([...best].map(([name, e]) => [name, e.kinds ?? null]));
  }
}

/** CPU time (user + system) process `pid` has used so far, in ms; NaN once it has gone. */
export function processCpuMs(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    // utime and stime are fields 14 and 15 of stat(5), in clock ticks (100 per second on Linux).
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
  } catch {
    return NaN;
  }
}

/** One service running from dist/ as a child process (the tests' spawner, @calm/testing), on its own free port. */
export class ServiceProcess {
  private proc?: TestingServiceProcess;
  /** The process spawned last: known from its spawn, before it is ready (the events phase measures its consumer from then). */
  private current?: ChildProcess;

  constructor(
    private readonly spec: ServiceSpec,
    private readonly rss: RssSampler,
  ) {}

  get child(): ChildProcess | undefined {
    return this.current;
  }

  get port(): number {
    return this.proc?.port ?? 0;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    const upper = this.spec.name.toUpperCase();
    const entry = this.spec.tuning ? join(__dirname, 'tuned-service.main.js') : join(__dirname, '..', '..', 'apps', this.spec.name, 'src', 'main.js');
    // The heap settings the npm scripts, npm start and the Dockerfile run the services with,
    // then BENCH_SERVICE_NODE_FLAGS (space-separated): an A/B's variant of them.
    const variant = (process.env.BENCH_SERVICE_NODE_FLAGS ?? '').split(' ').filter(Boolean);
    const nodeArgs = [...SERVICE_NODE_FLAGS, ...variant, ...(this.spec.cpuProfDir ? ['--cpu-prof', '--cpu-prof-dir', this.spec.cpuProfDir] : [])];
    this.proc = await startServiceProcess({
      entry,
      nodeArgs,
      logFile: this.spec.logFile,
      portVariable: `${upper}_HTTP_PORT`,
      env: {
        NATS_URL: this.spec.natsUrl,
        [`${upper}_DATABASE_URL`]: this.spec.databaseUrl,
        BENCH_SERVICE: this.spec.name,
        BENCH_TUNING: this.spec.tuning ? JSON.stringify(this.spec.tuning) : '',
        ...this.spec.env,
      },
      ready: answersOk('/health/ready'),
      onSpawn: (child) => {
        this.current = child;
        this.rss.watch(child.pid!, this.spec.name);
      },
    });
  }

  /**
   * CPU time (user + system) the process has used so far, in ms: per-request CPU is a
   * figure that a busy shared machine disturbs far less than a rate does.
   */
  cpuMs(): number {
    return processCpuMs(this.current!.pid!);
  }

  /** SIGTERM and wait for a clean exit (the contract allows 10 s; SIGKILL after 15). */
  async stop(): Promise<void> {
    await this.proc?.terminate(15_000);
  }
}

/**
 * CPU time used so far by the PostgreSQL backends connected to `database` (client
 * backends, found in pg_stat_activity through a connection to another database, so the
 * reading itself is not counted), by pid. Needs the server on this machine and its
 * /proc readable, as the bench's other CPU figures do.
 */
export async function backendCpuMs(serverUrl: string, database: string): Promise<Map<number, number>> {
  const { rows } = await withPg(serverUrl, (c) =>
    c.query<{ pid: number }>(`SELECT pid FROM pg_stat_activity WHERE datname = $1 AND backend_type = 'client backend'`, [database]),
  );
  const out = new Map<number, number>();
  for (const { pid } of rows) {
    const ms = processCpuMs(pid);
    if (!Number.isNaN(ms)) out.set(pid, ms);
  }
  return out;
}

/** CPU the backends used between two readings; a backend that started in between counts from zero. */
export function backendCpuSpentMs(before: Map<number, number>, after: Map<number, number>): number {
  let ms = 0;
  for (const [pid, now] of after) ms += now - (before.get(pid) ?? 0);
  return ms;
}
