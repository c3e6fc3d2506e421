import { randomUUID } from 'node:crypto';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect, NatsConnection } from '@nats-io/transport-node';
import { customerCreated } from '@calm/contracts';
import { Database } from '@calm/pg';
import { freshDatabase, queryDatabase, TestDatabase } from '@calm/testing';
import { startNatsServer, TestNatsServer } from '@calm/local-infra';
import { accountsMigrations } from '../../../migrations/accounts';
import { customersMigrations } from '../../../migrations/customers';
import { CliIo } from './cli/cli-io';
import { run } from './main';

/**
 * Publisher-controlled text (subjects, types, sources, names, reasons) reaches the
 * operator's terminal through tail, dlq list, verify and inspect: no control character
 * or bidi override may go through unescaped, and each printed line stays one line.
 */
const HOSTILE = '\u001b]0;owned\u0007\u001b[2J\r\nFAKE LINE\u202e\u009b31m';
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const UNSAFE = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069\u2028\u2029]/;

let nats: TestNatsServer;
let nc: NatsConnection;
let accountsDb: TestDatabase;
let customersDb: TestDatabase;
const customerId = randomUUID();

beforeAll(async () => {
  [nats, accountsDb, customersDb] = await Promise.all([startNatsServer(), freshDatabase('tty_acc'), freshDatabase('tty_cus')]);
  for (const [info, migrations] of [
    [accountsDb, accountsMigrations],
    [customersDb, customersMigrations],
  ] as const) {
    const db = new Database({ name: 'tty', url: info.url, migrations: [...migrations] });
    await db.ready;
    await db.close();
  }
  nc = await connect({ servers: nats.url });
  const jsm = await jetstreamManager(nc);
  await jsm.streams.add({ name: 'CUSTOMERS', subjects: ['customer.>'] });
  await jsm.streams.add({ name: 'ACCOUNTS', subjects: ['account.>'] });
  const js = jetstream(nc);
  // A decodable event whose name and email carry the payload, and undecodable ones whose reasons quote it.
  await js.publish(
    `customer.created.${customerId}`,
    JSON.stringify(customerCreated({ customerId, name: `N${HOSTILE}`, email: `e${HOSTILE}@x.io` }, '2024-01-01T00:00:00Z')),
  );
  await js.publish(
    `customer.created.${randomUUID()}`,
    JSON.stringify({ ...customerCreated({ customerId, name: 'n', email: 'e@x.io' }, '2024-01-01T00:00:00Z'), type: `customer.${HOSTILE}` }),
  );
  await js.publish(
    `customer.created.${customerId}.x`,
    JSON.stringify({ ...customerCreated({ customerId, name: 'n', email: 'e@x.io' }, '2024-01-01T00:00:00Z'), subject: HOSTILE }),
  );
  // The live customer row differs from the history in a hostile way (verify prints both sides).
  await queryDatabase(customersDb.url, `INSERT INTO customer (customer_id, name, email, created_at) VALUES ($1, $2, 'e@x.io', '2024-01-01T00:00:00Z')`, [
    customerId,
    `L${HOSTILE}`,
  ]);
  await queryDatabase(
    accountsDb.url,
    `INSERT INTO dead_letter (stream, consumer, subject, stream_seq, payload, reason, deliveries, event_id, event_type)
     VALUES ('CUSTOMERS', 'c', $1, 1, '\\x00', $1, 1, $1, $1)`,
    [`customer.created.${HOSTILE}`],
  );
});
afterAll(async () => {
  await nc.close();
  await nats.stop();
  await Promise.all([accountsDb.drop(), customersDb.drop()]);
});

async function cli(...argv: string[]): Promise<string[]> {
  const lines: string[] = [];
  const io: CliIo = {
    out: (t) => lines.push(t),
    err: (t) => lines.push(t),
    isTTY: false,
    env: { NATS_URL: nats.url, ACCOUNTS_DATABASE_URL: accountsDb.url, CUSTOMERS_DATABASE_URL: customersDb.url },
  };
  await run(argv, io);
  return lines;
}

it.each([
  ['tail', ['tail', '--all', '--count', '3', '--type', 'customer.created'], 2],
  ['dlq list', ['dlq', 'list'], 2],
  ['verify', ['verify', 'customers'], 1],
  ['inspect', ['inspect', 'customer', customerId], 2],
])('%s prints no control character from a message, one line per line', async (_what, argv, atLeast) => {
  const lines = await cli(...(argv as string[]));
  const hostile = lines.filter((l) => l.includes('owned'));
  expect(hostile.length).toBeGreaterThanOrEqual(atLeast as number);
  for (const l of lines) {
    expect(l).not.toMatch(UNSAFE);
    expect(l.replace(/\n$/, '')).not.toContain('\n');
  }
  expect(hostile.join('\n')).toContain('\\u001b]0;owned\\u0007');
});
