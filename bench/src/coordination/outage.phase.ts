import type { TestPostgresServer } from '@calm/testing';
import { sleep } from '../infra';
import type { DesignStack } from './design-stack';
import { FinalState, checkFinalState } from './final-state';
import { runScenarioLoad } from './run-scenario-load';
import type { ScenarioRecord } from './scenario-load';

export interface OutageFigures {
  /** Scenarios started while the database was stopped. */
  issued: number;
  /** Of those, answered 2xx before it was started again. */
  answered2xx: number;
  acceptedFraction: number | null;
  /** calm: both POSTs answered 2xx at their first attempt, while stopped (the customer's own creation needs its database under every design). */
  bothFirstTryFraction: number | null;
  acceptedTotal: number;
  /** ms from the restart's start to the first 2xx answer of a scenario started after it (null: none in the phase). */
  first2xxAfterRestartMs: number | null;
  final: FinalState;
}

/**
 * Availability: the same steady load on every design at once, and one outage of the
 * customer service's database cluster (`pg_ctl stop -m immediate`, like a crash) for
 * `outageS` seconds. One outage for all designs is the fairest comparison: same moment,
 * same length, same recovery. `rate` is per design.
 */
export async function outagePhase(stacks: DesignStack[], cluster: TestPostgresServer, opts: { rate: number; beforeS: number; outageS: number; afterS: number; deadlineMs: number; connections: number }): Promise<{ figures: Map<DesignStack, OutageFigures>; window: { stoppedAt: number; restartedAt: number } }> {
  const durationS = opts.beforeS + opts.outageS + opts.afterS;
  // Every load's schedule starts at the same instant, once all three generators are forked and loaded.
  const startAt = Date.now() + 2000;
  const loads = stacks.map((s) =>
    runScenarioLoad({ mode: s.design === 'calm' ? 'calm' : 'coordinated', urls: s.urls, connections: opts.connections, durationS, rate: opts.rate, retryCustomer: true, record: true, startAt }),
  );
  await sleep(startAt + opts.beforeS * 1000 - Date.now());
  const stoppedAt = Date.now();
  await cluster.stopImmediate();
  await sleep(Math.max(0, stoppedAt + opts.outageS * 1000 - Date.now()));
  const restartedAt = Date.now();
  await cluster.start();
  const results = await Promise.all(loads);
  // Every design's final state is checked at once, from the same moment after the restart.
  const finals = await Promise.all(stacks.map((s, i) => checkFinalState(results[i].records, { customers: s.customersDbUrl, accounts: s.accountsDbUrl }, opts.deadlineMs)));
  const figures = new Map<DesignStack, OutageFigures>();
  for (const [i, s] of stacks.entries()) {
    const records = results[i].records;
    const during = records.filter((r) => r.startedAt >= stoppedAt && r.startedAt < restartedAt);
    const answeredWhileDown = (r: ScenarioRecord) => r.answeredAt < restartedAt;
    const frac = (xs: ScenarioRecord[]) => (during.length ? xs.length / during.length : null);
    const ok = during.filter((r) => r.accepted && answeredWhileDown(r));
    figures.set(s, {
      issued: during.length,
      answered2xx: ok.length,
      acceptedFraction: frac(ok),
      bothFirstTryFraction: frac(during.filter((r) => r.bothFirstTry && answeredWhileDown(r))),
      acceptedTotal: records.filter((r) => r.accepted).length,
      first2xxAfterRestartMs: firstAfter(records, restartedAt),
      final: finals[i],
    });
  }
  return { figures, window: { stoppedAt, restartedAt } };
}

function firstAfter(records: ScenarioRecord[], restartedAt: number): number | null {
  const after = records.filter((r) => r.accepted && r.startedAt >= restartedAt).map((r) => r.answeredAt - restartedAt);
  return after.length ? Math.min(...after) : null;
}
