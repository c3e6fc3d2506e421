import type { TestPostgresServer } from '@calm/local-infra';
import { sleep } from '../infra';
import type { DesignStack } from './design-stack';
import { FinalState, checkFinalState } from './final-state';
import { JsonHttpClient, is2xx } from '../http-client';
import { runScenarioLoad } from './run-scenario-load';
import { newScenario } from './scenario';
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
  /** ms from the restart's start until a probe scenario (one at a time, every 100 ms) completed in full (null: not within 60 s). */
  completedAgainAfterMs: number | null;
  final: FinalState;
}

/**
 * Availability: the same steady load on every design at once, and one outage of the
 * customer service's database cluster (`pg_ctl stop -m immediate`, like a crash) for
 * `outageS` seconds. One outage for all designs is the fairest comparison: same moment,
 * same length, same recovery. `rate` is per design.
 */
export async function outagePhase(
  stacks: DesignStack[],
  cluster: TestPostgresServer,
  opts: { rate: number; beforeS: number; outageS: number; afterS: number; deadlineMs: number; connections: number },
): Promise<{ figures: Map<DesignStack, OutageFigures>; window: { stoppedAt: number; restartedAt: number; clusterBackMs: number } }> {
  const durationS = opts.beforeS + opts.outageS + opts.afterS;
  // Every load's schedule starts at the same instant, once all three generators are forked and loaded.
  const startAt = Date.now() + 2000;
  const loads = stacks.map((s) =>
    runScenarioLoad({
      mode: s.design === 'calm' ? 'calm' : 'coordinated',
      urls: s.urls,
      connections: opts.connections,
      durationS,
      rate: opts.rate,
      retryCustomer: true,
      record: true,
      startAt,
    }),
  );
  await sleep(startAt + opts.beforeS * 1000 - Date.now());
  await cluster.stopImmediate();
  // The window opens once the stop has returned (the server is gone for sure), not when it was asked for.
  const stoppedAt = Date.now();
  await sleep(opts.outageS * 1000);
  const restartedAt = Date.now();
  const back = stacks.map((s) => untilCompleted(s, restartedAt));
  await cluster.start();
  const clusterBackMs = Date.now() - restartedAt;
  const [results, recoveredMs] = await Promise.all([Promise.all(loads), Promise.all(back)]);
  // Every design's final state is checked at once, from the same moment after the restart.
  const finals = await Promise.all(
    stacks.map((s, i) => checkFinalState(results[i].records, { customers: s.customersDbUrl, accounts: s.accountsDbUrl }, opts.deadlineMs)),
  );
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
      completedAgainAfterMs: recoveredMs[i],
      final: finals[i],
    });
  }
  return { figures, window: { stoppedAt, restartedAt, clusterBackMs } };
}

function firstAfter(records: ScenarioRecord[], restartedAt: number): number | null {
  const after = records.filter((r) => r.accepted && r.startedAt >= restartedAt).map((r) => r.answeredAt - restartedAt);
  return after.length ? Math.min(...after) : null;
}

/** Probes a design with one full scenario at a time (calm: both POSTs) until one completes; ms since `since`. */
async function untilCompleted(s: DesignStack, since: number): Promise<number | null> {
  const clients = Object.fromEntries(Object.entries(s.urls).map(([k, url]) => [k, new JsonHttpClient(url!, 2, 5000)]));
  try {
    let last = '';
    while (Date.now() - since < 60_000) {
      const sc = newScenario();
      const answers =
        s.design === 'calm'
          ? await Promise.all([
              clients.accounts.call('POST', '/accounts', { accountId: sc.accountId, customerId: sc.customerId }),
              clients.customers.call('POST', '/customers', { customerId: sc.customerId, name: sc.name, email: sc.email }),
            ])
          : [await clients.coordinator.call('POST', '/scenarios', sc)];
      if (answers.every((a) => is2xx(a.status))) return Date.now() - since;
      last = answers.map((a) => `${a.status} ${JSON.stringify(a.body)?.slice(0, 200)}`).join('; ');
      await sleep(100);
    }
    process.stderr.write(`${s.design}: no scenario completed within 60 s of the restart; last answer: ${last}\n`);
    return null;
  } finally {
    Object.values(clients).forEach((c) => c.close());
  }
}
