import { ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort, sleep } from './infra';

export interface ServiceSpec {
  name: 'accounts' | 'customers';
  databaseUrl: string;
  natsUrl: string;
  /** Runs bench/src/tuned-service.main.js with this AccountsTuning instead of the service's own main.js. */
  tuning?: object;
  /** Directory for `node --cpu-prof` output; unset: no profile. */
  cpuProfDir?: string;
  logFile: string;
}

/** Largest VmRSS seen per process, sampled from /proc while the bench runs. */
export class RssSampler {
  private readonly maxByPid = new Map<number, { name: string; kb: number }>();
  private timer?: NodeJS.Timeout;

  watch(pid: number, name: string): void {
    if (!this.maxByPid.has(pid)) this.maxByPid.set(pid, { name, kb: 0 });
    this.timer ??= setInterval(() => this.sample(), 100);
  }

  private sample(): void {
    for (const [pid, entry] of this.maxByPid) {
      try {
        const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
        if (m) entry.kb = Math.max(entry.kb, Number(m[1]));
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

/** One service running from dist/ as a child process, on its own free port. */
export class ServiceProcess {
  child?: ChildProcess;
  port = 0;

  constructor(
    private readonly spec: ServiceSpec,
    private readonly rss: RssSampler,
  ) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    this.port = await freePort();
    const upper = this.spec.name.toUpperCase();
    const script = this.spec.tuning ? join(__dirname, 'tuned-service.main.js') : join(__dirname, '..', '..', 'apps', this.spec.name, 'src', 'main.js');
    // The flag the npm scripts, start-all.js and the Dockerfile run the services with.
    const node = ['--max-semi-space-size=4'];
    const args = this.spec.cpuProfDir ? [...node, '--cpu-prof', '--cpu-prof-dir', this.spec.cpuProfDir, script] : [...node, script];
    const log = createWriteStream(this.spec.logFile, { flags: 'a' });
    this.child = spawn(process.execPath, args, {
      env: {
        ...process.env,
        NATS_URL: this.spec.natsUrl,
        [`${upper}_DATABASE_URL`]: this.spec.databaseUrl,
        [`${upper}_HTTP_PORT`]: String(this.port),
        HTTP_HOST: '127.0.0.1',
        BENCH_SERVICE: this.spec.name,
        BENCH_TUNING: this.spec.tuning ? JSON.stringify(this.spec.tuning) : '',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child.stdout!.pipe(log);
    this.child.stderr!.pipe(log);
    this.rss.watch(this.child.pid!, this.spec.name);
    await this.waitReady();
  }

  /** Ready when /health/ready answers 200, or (before that endpoint exists) when a GET reaches the database. */
  private async waitReady(timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    const probe = `/${this.spec.name}/00000000-0000-4000-8000-000000000000`;
    while (Date.now() < deadline) {
      if (this.child!.exitCode !== null) throw new Error(`${this.spec.name} exited with ${this.child!.exitCode}; see ${this.spec.logFile}`);
      try {
        const health = await fetch(`${this.url}/health/ready`);
        if (health.status === 200) return;
        if (health.status === 404 && (await fetch(this.url + probe)).status === 404) return;
      } catch {
        // not listening yet
      }
      await sleep(50);
    }
    throw new Error(`${this.spec.name} not ready after ${timeoutMs} ms; see ${this.spec.logFile}`);
  }

  /**
   * CPU time (user + system) the process has used so far, in ms: per-request CPU is a
   * figure that a busy shared machine disturbs far less than a rate does.
   */
  cpuMs(): number {
    return processCpuMs(this.child!.pid!);
  }

  /** SIGTERM and wait for a clean exit (the contract allows 10 s). */
  async stop(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    const killed = await Promise.race([exited.then(() => false), sleep(15_000).then(() => true)]);
    if (killed) {
      child.kill('SIGKILL');
      await exited;
    }
  }
}
