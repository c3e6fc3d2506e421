import { randomUUID } from 'node:crypto';
import { startAccountsService } from '../../apps/accounts/src';
import {
  awaitWorkInFlight,
  describeConvergence,
  describeKillWindows,
  expectConverged,
  expectKillsLanded,
  FAULT_DUPLICATE_WINDOW_MS,
  FaultLoad,
  KillWindow,
  queryDatabase,
  sampleKillWindow,
  waitFor,
} from '@calm/testing';
import { startPostgresServer, TestPostgresServer } from '@calm/local-infra';
import { http, TestSystem } from '../support/system';
import { consumers } from '@calm/contracts';

/**
 * Database faults under load: a private PostgreSQL (initdb in a temporary directory) is
 * stopped in immediate mode, as in a crash, and started again, twice. No request that
 * was answered 2xx is lost, readiness reports the outage, writes are refused with 503
 * meanwhile, and the consumer holds its events instead of dead-lettering them.
 * Reproduce: npx jest test/e2e/faults-database.e2e-spec.ts --selectProjects integration
 */
jest.setTimeout(180_000);

const ACK_WAIT_MS = 2000;
const MAX_DELIVER = 3;
let system: TestSystem;
let pg: TestPostgresServer;
let url: string;
let dbUrl: string;

beforeAll(async () => {
  [system, pg] = await Promise.all([TestSystem.start('dbfault', { duplicateWindowMs: FAULT_DUPLICATE_WINDOW_MS }), startPostgresServer()]);
  dbUrl = pg.urlFor('calm_test_dbfault');
  const svc = await startAccountsService(
    { ...system.config('accounts'), databaseUrl: dbUrl },
    { relay: { pollMs: 200 }, consumer: { ackWaitMs: ACK_WAIT_MS, maxDeliver: MAX_DELIVER, backoffMs: [ACK_WAIT_MS, ACK_WAIT_MS] } },
  );
  system.accounts.push(svc);
  url = svc.url;
  await waitFor('the service to reach its database', async () => (await http(url, 'GET', `/accounts?customerId=${randomUUID()}`)).status === 200, 60_000);
});
afterAll(async () => {
  await system?.stop();
  await pg?.destroy();
});

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

it('loses no acknowledged request when PostgreSQL stops in immediate mode under load', async () => {
  const traffic = new FaultLoad({
    accountsUrl: () => url,
    publishCustomerCreated: (c) => system.publishCustomerCreated(c).then(() => undefined),
    workers: 4,
  }).start();
  const inFlight: number[] = [];
  const windows: KillWindow[] = [];
  const OUTAGES = 2;
  for (let i = 0; i < OUTAGES; i++) {
    await waitFor('some load before the fault', async () => traffic.stats.acknowledged.size >= 25 * (i + 1), 60_000);
    await awaitWorkInFlight(dbUrl, system.jsm);
    // The outbox cannot be read once the database is down: its part is sampled just
    // before the stop; the consumer's unacked messages just after it.
    const before = await sampleKillWindow(dbUrl, system.jsm);
    inFlight.push(traffic.inFlightNow().posts);
    await pg.stopImmediate();
    windows.push({
      unpublishedRows: before.unpublishedRows,
      unackedMessages: (
        await system.jsm.consumers.info(consumers.validateAccountsWhenCustomerCreated.stream, consumers.validateAccountsWhenCustomerCreated.durable)
      ).num_ack_pending,
    });
    // During the outage: writes are refused cleanly, and readiness names the database.
    const post = await waitFor('POST to be refused with 503', async () => {
      const res = await http(url, 'POST', '/accounts', { customerId: randomUUID() });
      return res.status === 503 ? res : null;
    });
    expect(post.body).toEqual(expect.objectContaining({ statusCode: 503 }));
    const ready = await http(url, 'GET', '/health/ready');
    expect(ready.status).toBe(503);
    expect(JSON.stringify(ready.body)).toMatch(/database/i);
    await pause(2000);
    await pg.start();
  }
  await waitFor('load after the last restart', async () => traffic.stats.acknowledged.size >= 25 * (OUTAGES + 1), 60_000);
  const stats = await traffic.stop();
  expect(stats.serverErrors).toEqual([]);
  const report = await expectConverged(stats.acknowledged, { ...system.probe(() => url), databaseUrl: dbUrl });
  // An outage is transient: nothing was dead-lettered for it.
  expect(await queryDatabase(dbUrl, 'SELECT * FROM dead_letter')).toEqual([]);
  await waitFor('readiness to recover', async () => (await http(url, 'GET', '/health/ready')).status === 200);
  process.stdout.write(
    `postgres stop -m immediate: ${OUTAGES} outages; POSTs in flight at each: ${inFlight.join(', ')}, ${stats.cutOff} cut off; ${describeKillWindows(windows)}; acknowledged ${stats.acknowledged.size}, events ${stats.published.size}, refused and retried ${stats.refused}; ${describeConvergence(report)}; readiness 503 naming the database during each outage\n`,
  );
  expectKillsLanded(windows);
});

it('holds an event through an outage longer than ack_wait x max_deliver, then applies it: never dead-lettered', async () => {
  const [accountId, customerId] = [randomUUID(), randomUUID()];
  expect((await http(url, 'POST', '/accounts', { accountId, customerId })).status).toBe(201);
  const consumer = () => system.jsm.consumers.info(consumers.validateAccountsWhenCustomerCreated.stream, consumers.validateAccountsWhenCustomerCreated.durable);
  const redeliveredBefore = (await consumer()).num_redelivered;
  let held = 0;
  let redeliveries = 0;
  await pg.stopImmediate();
  try {
    await system.publishCustomerCreated(customerId);
    await waitFor('the event to be delivered and held', async () => (await consumer()).num_ack_pending === 1);
    // Without working() it would be redelivered every ack_wait and exhausted after max_deliver.
    const until = Date.now() + ACK_WAIT_MS * (MAX_DELIVER + 1);
    await waitFor('the outage to outlast ack_wait x max_deliver', async () => Date.now() > until, ACK_WAIT_MS * (MAX_DELIVER + 2));
    const info = await consumer();
    [held, redeliveries] = [info.num_ack_pending, info.num_redelivered - redeliveredBefore];
    expect(held).toBe(1);
    expect(redeliveries).toBe(0);
  } finally {
    await pg.start();
  }
  await waitFor('the held event to apply', async () => (await http(url, 'GET', `/accounts/${accountId}`)).body.status === 'valid', 60_000);
  const dead = await queryDatabase(dbUrl, 'SELECT * FROM dead_letter');
  process.stdout.write(
    `postgres down ${ACK_WAIT_MS * (MAX_DELIVER + 1)} ms+ (> ack_wait x max_deliver): ${held} event held, ${redeliveries} redeliveries, ${dead.length} dead letters; the account it validates is valid\n`,
  );
  expect(dead).toEqual([]);
});
