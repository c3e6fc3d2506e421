import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startPostgresServer } from '@calm/testing';
import { machine, snapshot } from '../infra';
import { writeJson } from '../report';
import { RssSampler } from '../service-process';
import { coordinationDoc, coordinationTable } from './coordination-report';
import { CoordinationInfra, DesignStack, startDesign } from './design-stack';
import { startAccountsNats } from './nats-accounts';
import { outagePhase } from './outage.phase';
import { DESIGNS } from './scenario';
import { ThroughputFigures, settleAll, throughputPhase } from './throughput.phase';

export interface CoordinationOptions {
  quick: boolean;
  connections: number;
  rounds?: number;
  duration?: number;
  /** Injected round-trip time for the second block; 0 skips it. */
  latencyMs: number;
  out: string;
}

/**
 * Both clusters run with fsync and synchronous commit on (PostgreSQL's defaults, what a
 * deployment runs): the forced log writes are the known price of PREPARE and of the
 * decision record, and a bench with fsync off would hide exactly that.
 */
const CLUSTER = { durable: true, settings: { max_prepared_transactions: 100, max_connections: 300 } };

export async function coordinationBench(opts: CoordinationOptions): Promise<void> {
  const rounds = opts.rounds ?? (opts.quick ? 1 : 3);
  const durationS = opts.duration ?? (opts.quick ? 2 : 5);
  const warmupS = opts.quick ? 0 : 3;
  const outage = { beforeS: opts.quick ? 1 : 2, outageS: 5, afterS: opts.quick ? 1 : 5, deadlineMs: opts.quick ? 20_000 : 60_000 };
  const before = snapshot();
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
    for (const d of DESIGNS) stacks.push(await startDesign(d, infra, { logDir, rss }));
    log('designs up, no injected latency');
    const phase = { rounds, durationS, warmupS, connections: opts.connections, log, calmConvergence: true };
    const throughput = await throughputPhase(stacks, phase);
    let remote: ThroughputFigures | null = null;
    if (opts.latencyMs > 0) {
      stacks.forEach((s) => s.setLatency(opts.latencyMs));
      log(`${opts.latencyMs} ms injected on every cross-service round trip`);
      remote = await throughputPhase(stacks, { ...phase, warmupS: 0 });
      stacks.forEach((s) => s.setLatency(0));
    }
    // Last, since it crashes the customers cluster. The same steady load in total as the
    // latency figures (half the slowest design's rate), shared by the three designs.
    const rate = throughput.halfRate / stacks.length;
    log(`outage: ${outage.outageS} s of the customers cluster, ${Math.round(rate)} scenarios/s per design`);
    await settleAll(stacks, log);
    const o = await outagePhase(stacks, customersCluster, { ...outage, rate, connections: opts.connections });
    for (const [s, f] of o.figures) log(`${s.design}: ${f.answered2xx}/${f.issued} accepted while down, converged ${f.final.converged}, lost ${f.final.lost}`);
    const local = { throughput, outage: o, outageRate: rate };
    rss.stop();
    const after = snapshot();
    const doc = coordinationDoc({
      local,
      remote,
      latencyMs: opts.latencyMs,
      outage,
      context: {
        mode: opts.quick ? 'quick' : 'full',
        ...machine(),
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
