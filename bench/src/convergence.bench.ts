import { randomUUID } from 'node:crypto';
import { JetStreamClient } from '@nats-io/jetstream';
import { publishCustomersCreated } from './events.bench';
import { JsonHttpClient } from './http-client';
import { sleep, withPg } from './infra';
import { stageNow } from '@calm/config';
import type { AccountTrace, CustomerTrace } from './convergence-stages';

export interface ConvergenceResult {
  /** Every sample, both paths, in ms. */
  samples: number[];
  accountSecondMs: number[];
  customerSecondMs: number[];
  /** The bench's own times of each measured account (stageNow, wall-clock ms), for the stage breakdown (convergence-stages.ts). */
  traces: { account: AccountTrace[]; customer: CustomerTrace[] };
}

const POLL_MS = 2;

async function postAccount(http: JsonHttpClient, accountId: string, customerId: string): Promise<{ status: string }> {
  const res = await http.post('/accounts', { accountId, customerId });
  if (res.status !== 201) throw new Error(`POST /accounts answered ${res.status}`);
  return res.body as { status: string };
}

/** Polls until "valid"; answers how many GETs it took and when the one that saw it was sent and answered. */
async function pollValid(http: JsonHttpClient, accountId: string, deadlineMs = 30_000): Promise<{ gets: number; sentAt: number; answeredAt: number }> {
  const deadline = Date.now() + deadlineMs;
  for (let gets = 1; Date.now() < deadline; gets++) {
    const sentAt = stageNow();
    const res = await http.get(`/accounts/${accountId}`);
    if (res.status === 200 && (res.body as { status: string }).status === 'valid') return { gets, sentAt, answeredAt: stageNow() };
    await sleep(POLL_MS);
  }
  throw new Error(`account ${accountId} not valid after ${deadlineMs} ms`);
}

async function inParallel<T>(items: T[], width: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < items.length) await work(items[next++]);
    }),
  );
}

/**
 * Time from an account's second fact to "valid" readable over REST, on both paths:
 * - account second: the customer is known, then POST /accounts (the answer itself is a REST read);
 * - customer second: the account is pending, then customer.created is published and
 *   GET /accounts/{id} is polled every 2 ms.
 * `width` accounts are in flight at a time: latency at a modest load, not at saturation.
 */
export async function convergence(
  url: string,
  js: JetStreamClient,
  accountsDbUrl: string,
  perPath: number,
  width = 4,
  measured: (at: 'start' | 'end') => Promise<void> = async () => undefined,
): Promise<ConvergenceResult> {
  const http = new JsonHttpClient(url);
  try {
    // Warm-up, not recorded: the service comes to this phase freshly restarted (every
    // events round restarts it), and its first requests run on code the JIT has not
    // compiled yet and on pool connections still being opened: a run of 200 per path on
    // a fresh service had p99s of 0.3 to 0.9 s, the next runs 20 to 80 ms, the third 12 to
    // 18 ms. The REST phase warms up for the same reason. The figure is the service's
    // steady convergence; a restart's first seconds are the service's start, not this.
    await measure(http, js, accountsDbUrl, Math.min(perPath, 200), width);
    await measured('start');
    const result = await measure(http, js, accountsDbUrl, perPath, width);
    await measured('end');
    return result;
  } finally {
    http.close();
  }
}

async function measure(http: JsonHttpClient, js: JetStreamClient, accountsDbUrl: string, perPath: number, width: number): Promise<ConvergenceResult> {
  const accountSecondMs: number[] = [];
  const customerSecondMs: number[] = [];
  const traces: ConvergenceResult['traces'] = { account: [], customer: [] };

  const known = Array.from({ length: perPath }, () => randomUUID());
  await publishCustomersCreated(js, known);
  for (const deadline = Date.now() + 60_000; ; await sleep(20)) {
    const [{ n }] = await withPg(accountsDbUrl, (c) =>
      c.query(`SELECT count(*)::int AS n FROM known_customer WHERE customer_id = ANY($1::uuid[])`, [known]).then((r) => r.rows),
    );
    if (n === perPath) break;
    if (Date.now() > deadline) throw new Error(`only ${n}/${perPath} customers reached the account service`);
  }
  await inParallel(known, width, async (customerId) => {
    const accountId = randomUUID();
    const t0 = stageNow();
    const account = await postAccount(http, accountId, customerId);
    const answeredAt = stageNow();
    const polled = account.status === 'valid' ? undefined : await pollValid(http, accountId);
    accountSecondMs.push(stageNow() - t0);
    traces.account.push({ accountId, sentAt: t0, answeredAt, polled: polled?.gets ?? 0 });
  });

  const pending = Array.from({ length: perPath }, () => ({ accountId: randomUUID(), customerId: randomUUID() }));
  await inParallel(pending, width, async (p) => {
    await postAccount(http, p.accountId, p.customerId);
  });
  await inParallel(pending, width, async (p) => {
    const t0 = stageNow();
    await publishCustomersCreated(js, [p.customerId]);
    const pubAckAt = stageNow();
    const seen = await pollValid(http, p.accountId);
    customerSecondMs.push(seen.answeredAt - t0);
    traces.customer.push({ ...p, publishAt: t0, pubAckAt, ...seen });
  });
  return { samples: [...accountSecondMs, ...customerSecondMs], accountSecondMs, customerSecondMs, traces };
}
