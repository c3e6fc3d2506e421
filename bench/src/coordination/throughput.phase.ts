import { median, round1 } from '../report';
import type { DesignStack } from './design-stack';
import { settle } from './settle';
import { runScenarioLoad } from './run-scenario-load';
import type { ScenarioLoadRequest } from './scenario-load';

export interface DesignFigures {
  /** Accounts opened per second at saturation (with k = 1, scenarios per second). */
  openPerS: number[];
  /** At saturation (closed loop): the whole scenario, the customer and its k accounts. */
  saturatedP99Ms: number[];
  p50Ms: number[];
  p99Ms: number[];
  failures: number[];
  /** CPU of each of the design's processes per account opened at saturation, one record per round. */
  cpuMsByProcess: Record<string, number>[];
}

export interface ThroughputFigures {
  /** Injected round-trip time, ms; k accounts per customer. */
  rttMs: number;
  k: number;
  halfRate: number | null;
  byDesign: Map<DesignStack, DesignFigures>;
  /** calm only: scenario start until the account reads valid, at the half rate. */
  calmConvergenceMs: number[];
}

export interface PhaseOptions {
  rounds: number;
  durationS: number;
  warmupS: number;
  connections: number;
  log: (m: string) => void;
  k: number;
  /** Also measure p50/p99 in an open loop at half the slowest design's rate. */
  halfRate: boolean;
  calmConvergence: boolean;
}

/** Every design's background work drained before a measured phase starts. */
export async function settleAll(stacks: DesignStack[], log: (m: string) => void): Promise<void> {
  const settled = await Promise.all(stacks.map((s) => settle({ customers: s.customersDbUrl, accounts: s.accountsDbUrl }, 60_000)));
  stacks.forEach((s, i) => settled[i] || log(`${s.design}: background work not drained after 60 s; measuring anyway`));
}

const load = (s: DesignStack, extra: Partial<ScenarioLoadRequest> & { connections: number; durationS: number }) =>
  runScenarioLoad({ mode: s.design === 'calm' ? 'calm' : 'coordinated', urls: s.urls, ...extra });

const perOpen = (before: Record<string, number>, after: Record<string, number>, opens: number): Record<string, number> =>
  Object.fromEntries(Object.keys(after).map((p) => [p, (after[p] - before[p]) / opens]));

/**
 * Accounts opened per second at saturation (closed loop, `connections` requests in
 * flight), then, if asked, p50/p99 at half the slowest design's rate (open loop: the same
 * offered load for every design), each the median of `rounds` rounds, designs one after
 * the other, at the injected latency the stacks are set to.
 */
export async function throughputPhase(stacks: DesignStack[], rttMs: number, opts: PhaseOptions): Promise<ThroughputFigures> {
  const byDesign = new Map<DesignStack, DesignFigures>(
    stacks.map((s) => [s, { openPerS: [], saturatedP99Ms: [], p50Ms: [], p99Ms: [], failures: [], cpuMsByProcess: [] }]),
  );
  const tag = `+${rttMs} ms, k=${opts.k}`;
  for (const s of stacks) {
    // JIT warm-up of every process on the path.
    if (opts.warmupS > 0) await load(s, { connections: opts.connections, durationS: opts.warmupS, k: opts.k });
    await settleAll(stacks, opts.log);
    for (let r = 0; r < opts.rounds; r++) {
      const cpuBefore = s.cpuMsByProcess();
      const sat = await load(s, { connections: opts.connections, durationS: opts.durationS, k: opts.k });
      const f = byDesign.get(s)!;
      const opens = sat.completed * opts.k;
      f.openPerS.push(sat.opensPerS);
      f.saturatedP99Ms.push(sat.p99Ms);
      f.failures.push(sat.failed);
      f.cpuMsByProcess.push(perOpen(cpuBefore, s.cpuMsByProcess(), opens));
      const cpu = Object.values(f.cpuMsByProcess[r]).reduce((a, b) => a + b, 0);
      opts.log(
        `${s.design} ${tag}: round ${r + 1} ${Math.round(sat.opensPerS)} opens/s, p99 ${round1(sat.p99Ms)} ms (failed ${sat.failed}, ${cpu.toFixed(2)} ms CPU each)`,
      );
    }
  }
  let halfRate: number | null = null;
  if (opts.halfRate) {
    halfRate = Math.min(...stacks.map((s) => median(byDesign.get(s)!.openPerS))) / opts.k / 2;
    for (const s of stacks) {
      await settleAll(stacks, opts.log);
      for (let r = 0; r < opts.rounds; r++) {
        const half = await load(s, { connections: opts.connections, durationS: opts.durationS, rate: halfRate, k: opts.k });
        byDesign.get(s)!.p50Ms.push(half.p50Ms);
        byDesign.get(s)!.p99Ms.push(half.p99Ms);
        opts.log(`${s.design} ${tag}: at ${Math.round(halfRate)}/s p50 ${round1(half.p50Ms)} ms, p99 ${round1(half.p99Ms)} ms (failed ${half.failed})`);
      }
    }
  }
  let calmConvergenceMs: number[] = [];
  const calm = stacks.find((s) => s.design === 'calm');
  if (calm && opts.calmConvergence && halfRate !== null) {
    await settleAll(stacks, opts.log);
    // Its own round, so the polling does not weigh on calm's latency figures above; one scenario in 10 is followed.
    calmConvergenceMs = (await load(calm, { connections: opts.connections, durationS: opts.durationS, rate: halfRate, pollValid: 10 })).convergenceMs;
  }
  return { rttMs, k: opts.k, halfRate, byDesign, calmConvergenceMs };
}
