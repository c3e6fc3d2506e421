import { Client } from 'pg';
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
  waitFor,
} from '@calm/testing';
import { databaseNow, notPublishedSince, stillUnpublished, unpublishedIds } from '../support/held-at-kill';
import { TestSystem } from '../support/system';
import { consumers } from '@calm/contracts';

/**
 * Broker faults under load: the private nats-server is killed with SIGKILL and restarted
 * on the same port and store; then the consumer stalls for longer than ack_wait. The
 * services reconnect by themselves, the outbox catches up, and nothing is lost: every
 * acknowledged account is valid with exactly one account.validated event.
 * Reproduce: npx jest test/e2e/faults-broker.e2e-spec.ts --selectProjects integration
 */
jest.setTimeout(180_000);

const ACK_WAIT_MS = 1000;
let system: TestSystem;
let url: string;
const tuning = { consumer: { ackWaitMs: ACK_WAIT_MS, backoffMs: [ACK_WAIT_MS, ACK_WAIT_MS, 2 * ACK_WAIT_MS] } };

beforeAll(async () => {
  system = await TestSystem.start('broker', { duplicateWindowMs: FAULT_DUPLICATE_WINDOW_MS });
  ({ url } = await system.startAccounts(tuning));
  // The test's own connection must outlast the outages too.
  await system.nc.close();
  const { connect } = await import('@nats-io/transport-node');
  const { jetstream, jetstreamManager } = await import('@nats-io/jetstream');
  system.nc = await connect({ servers: system.nats.url, maxReconnectAttempts: -1, reconnectTimeWait: 200 });
  system.js = jetstream(system.nc);
  system.jsm = await jetstreamManager(system.nc);
});
afterAll(() => system?.stop());

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));
const probe = () => system.probe(() => url);
const load = () =>
  new FaultLoad({
    accountsUrl: () => url,
    publishCustomerCreated: (c) => system.publishCustomerCreated(c, { time: new Date().toISOString() }).then(() => undefined),
    workers: 4,
  }).start();

it('survives kill -9 of the nats-server under load: reconnects, the outbox catches up, nothing lost', async () => {
  const traffic = load();
  const inFlight: number[] = [];
  const windows: KillWindow[] = [];
  /** Per kill: the rows it caught unpublished, and when the broker was started again (the database's clock). */
  const held: { ids: string[]; restartedAt: Date }[] = [];
  const KILLS = 2;
  for (let i = 0; i < KILLS; i++) {
    await waitFor('some load before the fault', async () => traffic.stats.acknowledged.size >= 20 * (i + 1), 30_000);
    await awaitWorkInFlight(system.accountsDb.url, system.jsm);
    inFlight.push(traffic.inFlightNow().publishes);
    // Recorded before the kill; counted only if still unpublished after it (rows POSTs
    // commit while the broker is down are not the kill's).
    const before = await unpublishedIds(system.accountsDb.url);
    await system.nats.kill();
    const ids = await stillUnpublished(system.accountsDb.url, before);
    windows.push({ unpublishedRows: ids.length, unackedMessages: 0 });
    await pause(1500);
    held.push({ ids, restartedAt: await databaseNow(system.accountsDb.url) });
    await system.nats.restart();
  }
  await waitFor('load after the last restart', async () => traffic.stats.acknowledged.size >= 20 * (KILLS + 1), 60_000);
  const stats = await traffic.stop();
  const report = await expectConverged(stats.acknowledged, probe());
  const outbox = await queryDatabase<{ n: string }>(system.accountsDb.url, 'SELECT count(*) AS n FROM outbox WHERE published_at IS NULL');
  expect(Number(outbox[0].n)).toBe(0);
  // The rows each kill caught were published, and only once the broker was back.
  for (const h of held) expect(await notPublishedSince(system.accountsDb.url, h.ids, h.restartedAt)).toEqual([]);
  expect(stats.serverErrors).toEqual([]);
  process.stdout.write(
    `broker kill -9: ${KILLS} kills; publishes in flight at each kill: ${inFlight.join(', ')}; ${describeKillWindows(windows)}; acknowledged accounts ${stats.acknowledged.size}, events published ${stats.published.size}, refused and retried ${stats.refused}; ${describeConvergence(report)}\n`,
  );
  expectKillsLanded(windows);
});

it('recovers a consumer that stalls for longer than ack_wait, without loss or duplicate effects', async () => {
  const traffic = load();
  await waitFor('some load', async () => traffic.stats.acknowledged.size >= 10, 30_000);
  // The consumer's next batch blocks on this lock: no error, so no working() either.
  const locker = new Client({ connectionString: system.accountsDb.url });
  await locker.connect();
  await locker.query('BEGIN');
  await locker.query('LOCK TABLE known_customer IN ACCESS EXCLUSIVE MODE');
  const before = (await system.jsm.consumers.info(consumers.validateAccountsWhenCustomerCreated.stream, consumers.validateAccountsWhenCustomerCreated.durable))
    .num_redelivered;
  await waitFor(
    'redeliveries while the consumer is stalled',
    async () =>
      (await system.jsm.consumers.info(consumers.validateAccountsWhenCustomerCreated.stream, consumers.validateAccountsWhenCustomerCreated.durable))
        .num_redelivered > before,
    20_000,
  );
  await pause(4 * ACK_WAIT_MS);
  const held = (await system.jsm.consumers.info(consumers.validateAccountsWhenCustomerCreated.stream, consumers.validateAccountsWhenCustomerCreated.durable))
    .num_ack_pending;
  await locker.query('COMMIT');
  await locker.end();
  const stats = await traffic.stop();
  const report = await expectConverged(stats.acknowledged, probe());
  const dead = await queryDatabase(system.accountsDb.url, 'SELECT * FROM dead_letter');
  expect(dead).toEqual([]);
  process.stdout.write(
    `consumer stall > ack_wait: 1 stall of ${4 * ACK_WAIT_MS} ms+; ${held} messages unacked at the release; acknowledged ${stats.acknowledged.size}; ${describeConvergence(report)}\n`,
  );
  expect(held).toBeGreaterThan(0);
});

it('catches up when the only consumer stops for longer than ack_wait and another comes back', async () => {
  const traffic = load();
  await waitFor('some load', async () => traffic.stats.acknowledged.size >= 10, 30_000);
  const consumerInfo = () =>
    system.jsm.consumers.info(consumers.validateAccountsWhenCustomerCreated.stream, consumers.validateAccountsWhenCustomerCreated.durable);
  // The first instance keeps serving HTTP; its consumer stops (in-hand messages are given back).
  await system.accounts[0].consumer.close();
  await waitFor('events to pile up while nobody consumes', async () => (await consumerInfo()).num_pending >= 10, 30_000);
  await pause(3 * ACK_WAIT_MS);
  const piled = (await consumerInfo()).num_pending;
  await system.startAccounts(tuning);
  const stats = await traffic.stop();
  const report = await expectConverged(stats.acknowledged, probe());
  expect(await queryDatabase(system.accountsDb.url, 'SELECT * FROM dead_letter')).toEqual([]);
  await waitFor('the new consumer to drain the backlog', async () => (await consumerInfo()).num_pending === 0);
  process.stdout.write(
    `consumer stopped > ack_wait: 1 stop of ${3 * ACK_WAIT_MS} ms+; ${piled} events piled up; acknowledged ${stats.acknowledged.size}; ${describeConvergence(report)}\n`,
  );
});
