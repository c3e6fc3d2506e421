import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startPostgresServer } from '@calm/local-infra';
import { machine, snapshot } from '../infra';
import { writeJson } from '../report';
import { RssSampler } from '../service-process';
import { coordinationDoc, coordinationTable } from './coordination-report';
import { CoordinationInfra, DesignStack, startDesign } from './design-stack';
import { startAccountsNats } from './nats-accounts';
import { outagePhase } from './outage.phase';
import { DESIGNS } from './scenario';
import { PhaseOptions, ThroughputFigures, settleAll, throughputPhase } from './throughput.phase';

/**
 * The blocks measured, in order: distance (injected round-trip time between services and
 * between each service and its database) with one account per customer, then contention
 * (k accounts opened at once for one new customer) at the middle distance. Latency
 * percentiles at half the slowest rate where a contract key needs them; under contention
 * the p99 is the closed loop's (every design with the same requests in flight), since
 * half the slowest design's rate there is a fraction of a scenario per second.
 */
const BLOCKS: { rttMs: number; k: number; halfRate: boolean }[] = [
  { rttMs: 0, k: 1, halfRate: true },
  { rttMs: 5, k: 1, halfRate: false },
  { rttMs: 5, k: 4, halfRate: false },
  { rttMs: 5, k: 16, halfRate: false },
  { rttMs: 20, k: 1, halfRate: true },
];

export interface CoordinationOptions {
  quick: boolean;
  connections: number;
  rounds?: number;
  duration?: number;
  out: string;
  /** Directory for `node --cpu-prof` profiles of every process of every design; unset: none. */
  cpuProfDir?: string;
}

/**
 * Both clusters run with fsync and synchronous commit on (PostgreSQL's defaults, what a
 * deployment runs): the forced log writes are the known price of PREPARE and of the
 * decision record, and a bench with fsync off would hide exactly that.
 */
const CLUSTER = { durable: true, settings: { max_prepared_transactions: 100, max_connections: 300 } };

/** The machine's load as `uptime` prints it: the machine is shared, so the figures carry it. */
const uptime = (): string => execFileSync('uptime', { encoding: 'utf8' }).trim();

/** CPU ms per second each process of each design uses with no load at all (relays, consumers, metrics, timers). */
async function idleCpu(stacks: DesignStack[], ms: number): Promise<Record<string, Record<string, number>>> {
  const before = stacks.map((s) => s.cpuMsByProcess());
  await new Promise((r) => setTimeout(r, ms));
  return Object.fromEntries(
    stacks.map((s, i) => {
      const after = s.cpuMsByProcess();
      return [s.design, Object.fromEntries(Object.keys(after).map((p) => [p, Math.round(((after[p] - before[i][p]) * 10000) / ms) / 10]))];
    }),
  );
}

export async function coordinationBench(opts: CoordinationOptions): Promise<void> {
  const rounds = opts.rounds ?? (opts.quick ? 1 : 3);
  const durationS = opts.duration ?? (opts.quick ? 2 : 5);
  const warmupS = opts.quick ? 0 : 3;
  const outage = { beforeS: opts.quick ? 1 : 2, outageS: 5, afterS: opts.quick ? 1 : 5, deadlineMs: opts.quick ? 20_000 : 60_000 };
  const before = snapshot();
  const uptimeBefore = uptime();
  const t0 = Date.now();
  const log = (m: string) => process.stderr.write(`[coordination ${((Date.now() - t0) / 1000).toFixed(1)}s] ${m}\n`);
  const logDir = mkdtempSync(join(tmpdir(), 'calm-coord-logs-'));
  const rss = new RssSampler();

  const [customersCluster, accountsCluster, nats] = await Promise.all([startPostgresServer(CLUSTER), startPostgresServer(CLUSTER), startAccountsNats(DESIGNS)]);
  const infra: CoordinationInfra = { customersCluster, accountsCluster, nats };
  const stacks: DesignStack[] = [];
  try {
    log(`private clusters on ${customersCluster.port} (customers) and ${accountsCluster.port} (accounts), nats on ${nats.port}; logs in ${logDir}`);
    // One design after the other: six services booting at once on a small machine can starve each other past their readiness timeout.
    for (const d of DESIGNS) stacks.push(await startDesign(d, infra, { logDir, rss, cpuProfDir: opts.cpuProfDir }));
    const idle = await idleCpu(stacks, 3000);
    log(`idle CPU ms/s: ${JSON.stringify(idle)}`);
    const phases: ThroughputFigures[] = [];
    // --quick leaves out k = 4 (no key reads it) to stay a smoke test of under two minutes.
    for (const b of BLOCKS.filter((x) => !opts.quick || x.k !== 4)) {
      stacks.forEach((s) => s.setLatency(b.rttMs));
      log(`block: +${b.rttMs} ms injected, k=${b.k}`);
      const phase: PhaseOptions = {
        rounds,
        durationS,
        warmupS: phases.length ? 0 : warmupS,
        connections: opts.connections,
        log,
        ...b,
        calmConvergence: b.rttMs === 0,
      };
      phases.push(await throughputPhase(stacks, b.rttMs, phase));
    }
    stacks.forEach((s) => s.setLatency(0));
    // Last, since it crashes the customers cluster. The same steady load in total as the
    // latency figures without injected latency (half the slowest design's rate), shared by the three designs.
    const rate = phases[0].halfRate! / stacks.length;
    log(`outage: ${outage.outageS} s of the customers cluster, ${Math.round(rate)} scenarios/s per design`);
    await settleAll(stacks, log);
    const o = await outagePhase(stacks, customersCluster, { ...outage, rate, connections: opts.connections });
    for (const [s, f] of o.figures) log(`${s.design}: ${f.answered2xx}/${f.issued} accepted while down, converged ${f.final.converged}, lost ${f.final.lost}`);
    rss.stop();
    const after = snapshot();
    const doc = coordinationDoc({
      phases,
      outage: { ...o, rate, settings: outage },
      context: {
        mode: opts.quick ? 'quick' : 'full',
        ...machine(),
        uptime_before: uptimeBefore,
        uptime_after: uptime(),
        loadavg_before: before.loadavg,
        loadavg_after: after.loadavg,
        started_at: before.at,
        finished_at: after.at,
        seconds: Math.round((Date.now() - t0) / 100) / 10,
        rounds,
        round_seconds: durationS,
        connections: opts.connections,
        cluster_settings: { fsync: 'on', ...CLUSTER.settings },
        rss_mb_by_process: rss.perProcess(),
        idle_cpu_ms_per_s_by_process: idle,
      },
    });
    writeJson(opts.out, doc);
    process.stdout.write(coordinationTable(doc) + `\n(written to ${opts.out})\n`);
  } finally {
    rss.stop();
    await Promise.all(stacks.map((s) => s.stop().catch(() => undefined)));
    await Promise.all([customersCluster.destroy(), accountsCluster.destroy(), nats.stop()]);
  }
}
