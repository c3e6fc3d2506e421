import { jetstreamManager } from '@nats-io/jetstream';
import { connect, NatsConnection } from '@nats-io/transport-node';
import { Client } from 'pg';
import { Database } from '@calm/pg';
import { freshDatabase, queryDatabase, TestDatabase } from '@calm/testing';
import { startNatsServer, TestNatsServer } from '@calm/local-infra';
import { accountsMigrations } from '../../../migrations/accounts';
import { CliIo } from './cli/cli-io';
import { run } from './main';

/** dlq retry --all walks the dead letters a page at a time: memory holds one page of payloads, not the table. */
let nats: TestNatsServer;
let nc: NatsConnection;
let dbInfo: TestDatabase;

beforeAll(async () => {
  [nats, dbInfo] = await Promise.all([startNatsServer(), freshDatabase('dlqpages')]);
  const db = new Database({ name: 'dlq-pages', url: dbInfo.url, migrations: accountsMigrations });
  await db.ready;
  await db.close();
  nc = await connect({ servers: nats.url });
  await (await jetstreamManager(nc)).streams.add({ name: 'CUSTOMERS', subjects: ['customer.>'] });
});
afterAll(async () => {
  await nc.close();
  await nats.stop();
  await dbInfo.drop();
});

it('republishes 250 letters in pages of 40, each once, and marks every one retried', async () => {
  await queryDatabase(
    dbInfo.url,
    `INSERT INTO dead_letter (stream, consumer, subject, stream_seq, payload, reason, deliveries)
     SELECT 'CUSTOMERS', 'c', 'customer.created.' || gen_random_uuid(), n, convert_to('{"n":' || n || '}', 'UTF8'), 'bad', 1 FROM generate_series(1, 250) n`,
  );
  const spy = jest.spyOn(Client.prototype, 'query');
  const printed: string[] = [];
  const io: CliIo = { out: (t) => printed.push(t), err: (t) => printed.push(t), isTTY: false, env: { NATS_URL: nats.url, ACCOUNTS_DATABASE_URL: dbInfo.url } };
  expect(await run(['dlq', 'retry', '--all', '--page-size', '40'], io)).toBe(0);
  const pages = spy.mock.calls
    .filter(([sql]) => typeof sql === 'string' && sql.startsWith('SELECT * FROM dead_letter'))
    .map(([, params]) => params as unknown[]);
  spy.mockRestore();
  // 7 pages of at most 40 (the last one empty ends the walk), each asking for 40 rows.
  expect(pages).toHaveLength(8);
  expect(pages.every((p) => p[1] === 40)).toBe(true);
  expect(printed.filter((l) => / republished to customer\.created\./.test(l))).toHaveLength(250);
  const [open] = await queryDatabase<{ n: number }>(dbInfo.url, 'SELECT count(*)::int AS n FROM dead_letter WHERE retried_at IS NULL');
  expect(open.n).toBe(0);
  expect((await (await jetstreamManager(nc)).streams.info('CUSTOMERS')).state.messages).toBe(250);
});
