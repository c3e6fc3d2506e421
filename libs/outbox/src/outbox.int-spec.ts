import { randomUUID } from 'node:crypto';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect, headers, nanos } from '@nats-io/transport-node';
import { Database } from '@calm/pg';
import { freshDatabase, queryDatabase, TestDatabase, waitFor } from '@calm/testing';
import { startNatsServer, TestNatsServer } from '@calm/local-infra';
import { accountsMigrations } from '../../../migrations/accounts';
import { NatsClient } from '@calm/jetstream';
import { enqueueEvents, OutboxRelay } from './outbox';
import { RetentionSweeper } from './retention';

let nats: TestNatsServer;
let dbInfo: TestDatabase;
let db: Database;
let client: NatsClient;

beforeAll(async () => {
  [nats, dbInfo] = await Promise.all([startNatsServer(), freshDatabase('outbox')]);
  db = new Database({ name: 'outbox-test', url: dbInfo.url, migrations: accountsMigrations });
  client = new NatsClient({ name: 'outbox-test', servers: [nats.url], streams: [{ name: 'ACCOUNTS', subjects: ['account.>'] }] });
  await Promise.all([db.ready, client.ready]);
});
afterAll(async () => {
  await client.close();
  await db.close();
  await nats.stop();
  await dbInfo.drop();
});

const event = (id: string) => ({
  subject: `account.opened.${id}`,
  event: { specversion: '1.0' as const, id, source: '/accounts', type: 'account.opened', data: { accountId: id } },
});

async function publishedIds(): Promise<string[]> {
  const nc = await connect({ servers: nats.url });
  try {
    const js = jetstream(nc);
    const info = await (await jetstreamManager(nc)).streams.info('ACCOUNTS');
    const ids: string[] = [];
    for (let seq = 1; seq <= info.state.last_seq; seq++) {
      const m = await (await jetstreamManager(nc)).streams.getMessage('ACCOUNTS', { seq });
      ids.push(m!.json<{ id: string }>().id);
    }
    void js;
    return ids;
  } finally {
    await nc.close();
  }
}

it('never skips a row whose transaction committed after a later row was published', async () => {
  const relay = new OutboxRelay(db, client, { batchSize: 10 });
  const [early, late] = [randomUUID(), randomUUID()];
  // T1 takes the lower outbox id but commits last.
  const runner = db.dataSource.createQueryRunner();
  await runner.connect();
  await runner.startTransaction();
  await enqueueEvents(runner.manager, [event(early)]);
  await db.transaction((m) => enqueueEvents(m, [event(late)]));

  expect(await relay.publishBatch()).toBe(1);
  expect(await publishedIds()).toEqual([late]);

  await runner.commitTransaction();
  await runner.release();
  expect(await relay.publishBatch()).toBe(1);
  expect(await publishedIds()).toEqual([late, early]);
  expect(await relay.publishBatch()).toBe(0);
});

it('two relays share the rows without publishing one twice (SKIP LOCKED)', async () => {
  const ids = Array.from({ length: 40 }, () => randomUUID());
  await db.transaction((m) => enqueueEvents(m, ids.map(event)));
  const before = (await publishedIds()).length;
  const [a, b] = [new OutboxRelay(db, client, { batchSize: 7 }), new OutboxRelay(db, client, { batchSize: 7 })];
  let total = 0;
  for (;;) {
    const [x, y] = await Promise.all([a.publishBatch(), b.publishBatch()]);
    total += x + y;
    if (x + y === 0) break;
  }
  expect(total).toBe(40);
  const after = await publishedIds();
  expect(after.slice(before).sort()).toEqual([...ids].sort());
});

it('writing the same event id twice leaves one outbox row', async () => {
  const id = randomUUID();
  await db.transaction((m) => enqueueEvents(m, [event(id), event(id)]));
  await db.transaction((m) => enqueueEvents(m, [event(id)]));
  const rows = await db.manager().query('SELECT count(*)::int AS n FROM outbox WHERE event_id = $1', [id]);
  expect(rows[0].n).toBe(1);
});

it('a row whose id someone published first on another subject stays unpublished, alerts, and is published after the window', async () => {
  // A stream with a short dedupe window, so "after the window" comes within the test.
  const jsm = await jetstreamManager(client.nc);
  await jsm.streams.add({ name: 'COLLIDE', subjects: ['collide.>'], duplicate_window: nanos(1500) });
  const id = randomUUID();
  const h = headers();
  h.set('Nats-Msg-Id', id);
  await jetstream(client.nc).publish('collide.other', '{"forged":true}', { headers: h });
  const alerts: number[] = [];
  while ((await new OutboxRelay(db, client).publishBatch()) > 0); // rows other tests left
  const relay = new OutboxRelay(db, client, { duplicateWindowMs: 1500, onCollision: (n) => alerts.push(n) });
  await db.transaction((m) => enqueueEvents(m, [{ ...event(id), subject: `collide.real.${id}` }]));

  expect(await relay.publishBatch()).toBe(0);
  expect(alerts).toEqual([1]);
  const unpublished = () =>
    db
      .manager()
      .query('SELECT published_at FROM outbox WHERE event_id = $1', [id])
      .then((r) => r[0].published_at);
  expect(await unpublished()).toBeNull();
  // Deferred, not hammered: inside the window the row is not even tried again.
  expect(await relay.publishBatch()).toBe(0);
  expect(alerts).toEqual([1]);

  await waitFor('the row to be published after the dedupe window', async () => (await relay.publishBatch()) === 1, 20_000);
  expect(await unpublished()).not.toBeNull();
  const last = await jsm.streams.getMessage('COLLIDE', { last_by_subj: `collide.real.${id}` });
  expect(last?.json<{ id: string }>().id).toBe(id);
});

const outboxCount = async (where: string) => (await queryDatabase<{ n: number }>(dbInfo.url, `SELECT count(*)::int AS n FROM outbox WHERE ${where}`))[0].n;

it('purges the outbox while the relay never idles (sustained load)', async () => {
  // A backlog far larger than the relay can drain while the sweeper runs: with a batch of
  // one, every claim finds a full batch, so the relay never reaches its idle path (where
  // the purge used to run). The sweeper's own timer must purge regardless.
  const backlog = 3_000;
  for (let i = 0; i < backlog; i += 500) {
    await db.transaction((m) =>
      enqueueEvents(
        m,
        Array.from({ length: 500 }, () => event(randomUUID())),
      ),
    );
  }
  const relay = new OutboxRelay(db, client, { batchSize: 1, pollMs: 50 });
  const sweeper = new RetentionSweeper(db, { outboxMs: 7 * 24 * 3_600_000, everyMs: 100 });
  try {
    relay.start();
    await waitFor('the relay to be publishing', async () => (await outboxCount('published_at IS NOT NULL')) > 0);
    await queryDatabase(
      dbInfo.url,
      `INSERT INTO outbox (event_id, subject, payload, created_at, published_at)
       SELECT gen_random_uuid()::text, 'under-load.' || i, '{}'::jsonb, now() - interval '10 days', now() - interval '10 days' FROM generate_series(1, 30) i`,
    );
    sweeper.start();
    await waitFor('the expired rows to be purged under load', async () => (await outboxCount(`subject LIKE 'under-load.%'`)) === 0, 30_000);
    // The relay was still busy with full batches when the purge happened.
    expect(await outboxCount('published_at IS NULL')).toBeGreaterThan(0);
  } finally {
    await sweeper.stop();
    await relay.flush(0); // stop the loop; the rest of the backlog is not this test's concern
  }
});
