import { AckPolicy, jetstream } from '@nats-io/jetstream';
import { connect, headers, NatsConnection, nanos } from '@nats-io/transport-node';
import { Database } from '@calm/pg';
import { freshDatabase, queryDatabase, TestDatabase, waitFor } from '@calm/testing';
import { startNatsServer, TestNatsServer } from '@calm/local-infra';
import { accountsMigrations } from '../../../../migrations/accounts';
import { DEAD_LETTER_EXHAUSTED_ONCE, DEAD_LETTER_V1 } from '../../../../migrations/shared/messaging-tables';
import { DeadLetterStore } from '../dead-letter';
import { exhaustedLetter, MaxDeliveriesListener } from './max-deliveries.listener';
import { NatsClient } from '../nats-client';

const MESSAGES = 12;
let nats: TestNatsServer;
let dbInfo: TestDatabase;
let nc: NatsConnection;
const instances: { db: Database; client: NatsClient; listener: MaxDeliveriesListener }[] = [];

beforeAll(async () => {
  [nats, dbInfo] = await Promise.all([startNatsServer(), freshDatabase('exhausted')]);
  nc = await connect({ servers: nats.url });
  // Two instances of a service: each its own connection, pool and listener, one database.
  for (const name of ['one', 'two']) {
    const db = new Database({ name, url: dbInfo.url, migrations: accountsMigrations });
    const client = new NatsClient({ name, servers: [nats.url], streams: [{ name: 'EXH', subjects: ['exh.>'] }] });
    await Promise.all([db.ready, client.ready]);
    instances.push({ db, client, listener: new MaxDeliveriesListener(client, new DeadLetterStore(db), { stream: 'EXH', durable: 'exh' }) });
  }
});
afterAll(async () => {
  for (const i of instances) {
    await i.listener.close();
    await i.client.close();
    await i.db.close();
  }
  await nc.close();
  await nats.stop();
  await dbInfo.drop();
});

it('every message a consumer runs out of deliveries for is one dead letter, whichever instances hear the advisory', async () => {
  const jsm = instances[0].client.jsm;
  await jsm.consumers.add('EXH', { durable_name: 'exh', ack_policy: AckPolicy.Explicit, max_deliver: 2, ack_wait: nanos(300) });
  instances.forEach((i) => i.listener.listen());
  const js = jetstream(nc);
  for (let n = 0; n < MESSAGES; n++) {
    const h = headers();
    h.set('Nats-Msg-Id', `evt-${n}`);
    await js.publish(`exh.e.${n}`, JSON.stringify({ id: `evt-${n}`, type: 'test.event' }), { headers: h });
  }
  // A consumer that takes every message and never answers (a crash loop's view from the server).
  const consumer = await js.consumers.get('EXH', 'exh');
  const letters = () =>
    queryDatabase<{ stream_seq: string; reason: string; event_id: string; event_type: string; subject: string }>(
      dbInfo.url,
      'SELECT * FROM dead_letter ORDER BY stream_seq',
    );
  await waitFor(
    'every message to be dead-lettered',
    async () => {
      const batch = await consumer.fetch({ max_messages: MESSAGES, expires: 1000 });
      for await (const m of batch) void m; // taken, never acknowledged
      return (await letters()).length >= MESSAGES;
    },
    30_000,
    0,
  );
  await new Promise((r) => setTimeout(r, 1000));
  const rows = await letters();
  expect(rows.map((r) => [Number(r.stream_seq), r.reason, r.event_id, r.event_type, r.subject])).toEqual(
    Array.from({ length: MESSAGES }, (_, n) => [n + 1, 'max deliveries', `evt-${n}`, 'test.event', `exh.e.${n}`]),
  );
});

it('two instances recording the same exhausted message at the same moment write one letter', async () => {
  const stores = instances.map((i) => new DeadLetterStore(i.db));
  const letter = (seq: number) => exhaustedLetter({ stream: 'RACE', consumer: 'race', seq, deliveries: 2 }, null);
  const written = await Promise.all(Array.from({ length: 40 }, (_, n) => Promise.all(stores.map((s) => s.recordExhausted(letter(n + 1))))));
  const rows = await queryDatabase<{ n: string }>(
    dbInfo.url,
    `SELECT count(*) AS n FROM dead_letter WHERE stream = 'RACE' GROUP BY stream_seq HAVING count(*) > 1`,
  );
  expect(rows).toEqual([]);
  expect(written.map(([a, b]) => Number(a) + Number(b))).toEqual(Array(40).fill(1));
});

it('an exhausted message whose event was applied (its id in the inbox) is no dead letter: the server gave up on a delivery whose work was done', async () => {
  const store = new DeadLetterStore(instances[0].db);
  await queryDatabase(dbInfo.url, `INSERT INTO inbox (event_id, event_type) VALUES ('applied-late', 'test.event')`);
  const stored = { subject: 'exh.e.late', data: Buffer.from(JSON.stringify({ id: 'applied-late', type: 'test.event' })), header: undefined };
  const applied = exhaustedLetter({ stream: 'LATE', consumer: 'late', seq: 1, deliveries: 3 }, stored as never);
  const notApplied = exhaustedLetter({ stream: 'LATE', consumer: 'late', seq: 2, deliveries: 3 }, {
    ...stored,
    data: Buffer.from(JSON.stringify({ id: 'never-applied', type: 'test.event' })),
  } as never);
  expect(await store.recordExhausted(applied)).toBe(false);
  expect(await store.recordExhausted(notApplied)).toBe(true);
  const rows = await queryDatabase<{ event_id: string }>(dbInfo.url, `SELECT event_id FROM dead_letter WHERE stream = 'LATE' ORDER BY stream_seq`);
  expect(rows.map((r) => r.event_id)).toEqual(['never-applied']);
});

it('a database without an inbox (the customer service) records every exhausted message', async () => {
  const other = await freshDatabase('exhausted_no_inbox', { create: true });
  await queryDatabase(other.url, DEAD_LETTER_V1);
  await queryDatabase(other.url, DEAD_LETTER_EXHAUSTED_ONCE);
  const db = new Database({ name: 'no-inbox', url: other.url, migrations: [] });
  await db.ready;
  try {
    const letter = exhaustedLetter({ stream: 'P', consumer: 'p', seq: 1, deliveries: 3 }, {
      subject: 'p.1',
      data: Buffer.from(JSON.stringify({ id: 'announced', type: 'test.event' })),
      header: undefined,
    } as never);
    expect(await new DeadLetterStore(db).recordExhausted(letter)).toBe(true);
  } finally {
    await db.close();
    await other.drop();
  }
});

it('gives the consumer its ack wait, once the database answers, to commit a copy it still holds: applied then, no dead letter', async () => {
  const jsm = instances[0].client.jsm;
  await jsm.streams.add({ name: 'SETTLE', subjects: ['settle.>'] });
  await jsm.consumers.add('SETTLE', { durable_name: 'settle', ack_policy: AckPolicy.Explicit, max_deliver: 2, ack_wait: nanos(300) });
  let heard = 0;
  const listener = new MaxDeliveriesListener(instances[0].client, new DeadLetterStore(instances[0].db), { stream: 'SETTLE', durable: 'settle' }, undefined, {
    // The advisory came while a copy of the message was held; the consumer commits that copy 500 ms later.
    checkHealth: async () => {
      if (heard++ === 0) setTimeout(() => void queryDatabase(dbInfo.url, `INSERT INTO inbox (event_id, event_type) VALUES ('held-copy', 'test.event')`), 500);
    },
    settleMs: 1500,
  });
  listener.listen();
  try {
    const h = headers();
    h.set('Nats-Msg-Id', 'held-copy');
    await jetstream(nc).publish('settle.e.1', JSON.stringify({ id: 'held-copy', type: 'test.event' }), { headers: h });
    const consumer = await jetstream(nc).consumers.get('SETTLE', 'settle');
    await waitFor(
      'the server to give up on the message',
      async () => {
        const batch = await consumer.fetch({ max_messages: 1, expires: 1000 });
        for await (const m of batch) void m; // taken, never acknowledged
        return heard > 0;
      },
      20_000,
      0,
    );
    await new Promise((r) => setTimeout(r, 2500));
    expect(await queryDatabase(dbInfo.url, `SELECT * FROM dead_letter WHERE stream = 'SETTLE'`)).toEqual([]);
  } finally {
    await listener.close();
  }
});
