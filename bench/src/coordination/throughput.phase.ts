import { median, round1 } from '../report';
import type { DesignStack } from './design-stack';
import { settle } from './settle';
import { runScenarioLoad } from './run-scenario-load';
import type { ScenarioLoadRequest } from './scenario-load';

export interface DesignFigures {
  openPerS: number[];
  p50Ms: number[];
  p99Ms: number[];
  failures: number[];
  /** CPU of the design's Node processes per completed scenario at saturation. */
  cpuMsPerScenario: number[];
}

export interface ThroughputFigures {
  halfRate: number;
  byDesign: Map<DesignStack, DesignFigures>;
  /** calm only: scenario start until the account reads valid, at the half rate. */
  calmConvergenceMs: number[];
}

/** Every design's background work drained before a measured phase starts. */
export async function settleAll(stacks: DesignStack[], log: (m: string) => void): Promise<void> {
  const settled = await Promise.all(stacks.map((s) => settle({ customers: s.customersDbUrl, accounts: s.accountsDbUrl }, 60_000)));
  stacks.forEach((s, i) => settled[i] || log(`${s.design}: background work not drained after 60 s; measuring anyway`));
}

const load = (s: DesignStack, extra: Partial<ScenarioLoadRequest> & { connections: number; durationS: number }) =>
  runScenarioLoad({ mode: s.design === 'calm' ? 'calm' : 'coordinated', urls: s.urls, ...extra });

/**
 * Scenarios per second at saturation (closed loop, `connections` scenarios in flight),
 * then p50/p99 at half the slowest design's rate (open loop: the same offered load for
 * every design), each the median of `rounds` rounds, designs one after the other.
 */
export async function throughputPhase(
  stacks: DesignStack[],
  opts: { rounds: number; durationS: number; warmupS: number; connections: number; log: (m: string) => void; calmConvergence: boolean },
): Promise<ThroughputFigures> {
  const byDesign = new Map<DesignStack, DesignFigures>(stacks.map((s) => [s, { openPerS: [], p50Ms: [], p99Ms: [], failures: [], cpuMsPerScenario: [] }]));
  for (const s of stacks) {
    // JIT warm-up of every process on the path.
    if (opts.warmupS > 0) await load(s, { connections: opts.connections, durationS: opts.warmupS });
    await settleAll(stacks, opts.log);
    for (let r = 0; r < opts.rounds; r++) {
      const cpuBefore = s.cpuMs();
      const sat = await load(s, { connections: opts.connections, durationS: opts.durationS });
      const f = byDesign.get(s)!;
      f.openPerS.push(sat.completedPerS);
      f.failures.push(sat.failed);
      f.cpuMsPerScenario.push((s.cpuMs() - cpuBefore) / sat.completed);
      opts.log(
        `${s.design}: round ${r + 1} ${Math.round(sat.completedPerS)} scenarios/s (failed ${sat.failed}, ${f.cpuMsPerScenario[r].toFixed(2)} ms CPU each)`,
      );
    }
  }
  const halfRate = Math.min(...stacks.map((s) => median(byDesign.get(s)!.openPerS))) / 2;
  for (const s of stacks) {
    await settleAll(stacks, opts.log);
    for (let r = 0; r < opts.rounds; r++) {
      const half = await load(s, { connections: opts.connections, durationS: opts.durationS, rate: halfRate });
      byDesign.get(s)!.p50Ms.push(half.p50Ms);
      byDesign.get(s)!.p99Ms.push(half.p99Ms);
      opts.log(`${s.design}: at ${Math.round(halfRate)}/s p50 ${round1(half.p50Ms)} ms, p99 ${round1(half.p99Ms)} ms (failed ${half.failed})`);
    }
  }
  let calmConvergenceMs: number[] = [];
  const calm = stacks.find((s) => s.design === 'calm');
  if (calm && opts.calmConvergence) {
    await settleAll(stacks, opts.log);
    // Its own round, so the polling does not weigh on calm's latency figures above; one scenario in 10 is followed.
    calmConvergenceMs = (await load(calm, { connections: opts.connections, durationS: opts.durationS, rate: halfRate, pollValid: 10 })).convergenceMs;
  }
  return { halfRate, byDesign, calmConvergenceMs };
}
