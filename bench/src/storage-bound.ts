import 'reflect-metadata';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect, headers } from '@nats-io/transport-node';
import { customerCreated } from '@calm/contracts';
import { Database } from '@calm/pg';
import { defaultLimits } from '@calm/config';
import { accountsMigrations } from '../../migrations/accounts';
import { customersMigrations } from '../../migrations/customers';
import { AccountStore } from '../../apps/accounts/src';
import { CustomerOrmEntity, CustomerStore } from '../../apps/customers/src';
import { benchDatabase, startNats, withPg } from './infra';

/**
 * The storage a year at a steady rate costs with the default retention, from row sizes
 * MEASURED here: N accounts and customers written through the services' own store code,
 * their outbox rows marked published, then pg_total_relation_size (heap, TOAST and every
 * index) per row after VACUUM; and the JetStream bytes per event from a real stream.
 *
 *   npm run build && node dist/bench/src/storage-bound.js [N] [accounts per second]
 *
 * Writes bench/results/storage.json and prints the table docs/security.md quotes.
 */
const N = Number(process.argv[2] ?? 20_000);
const RATE = Number(process.argv[3] ?? 100);
const YEAR_S = 365 * 24 * 3600;

async function main(): Promise<void> {
  const [accDb, cusDb, nats] = await Promise.all([benchDatabase('storage_acc'), benchDatabase('storage_cus'), startNats()]);
  const accounts = new Database({ name: 'storage-acc', url: accDb.url, migrations: accountsMigrations });
  const customers = new Database({ name: 'storage-cus', url: cusDb.url, migrations: customersMigrations, entities: [CustomerOrmEntity] });
  try {
    await Promise.all([accounts.ready, customers.ready]);
    // No relay here: this bench marks the outbox rows published itself (below).
    const noRelay = { wake: () => undefined };
    const accountStore = new AccountStore(accounts, noRelay);
    const customerStore = new CustomerStore(customers, noRelay);
    const ids = Array.from({ length: N }, (_, i) => ({ accountId: randomUUID(), customerId: randomUUID(), i }));
    // Realistic text: names and emails of ordinary length.
    const person = (i: number) => ({ name: `Customer Number ${i}`, email: `customer.${i}@example.com` });
    for (let from = 0; from < N; from += 200) {
      const slice = ids.slice(from, from + 200);
      await Promise.all(slice.map((a) => accountStore.open({ accountId: a.accountId, customerId: a.customerId, currency: 'EUR' }, new Date())));
      await Promise.all(slice.map((a) => customerStore.create({ customerId: a.customerId, ...person(a.i) }, new Date())));
      const events = slice.map((a) => customerCreated({ customerId: a.customerId, ...person(a.i) }, new Date().toISOString()));
      await accountStore.applyCustomersCreated(events, new Date());
    }
    // Steady state: every outbox row published (kept for the retention window).
    // With where the stream stored each (the audit's columns and index count in the bound).
    for (const [db, stream] of [
      [accounts, 'ACCOUNTS'],
      [customers, 'CUSTOMERS'],
    ] as const)
      await db.manager().query(`UPDATE outbox SET published_at = now(), stream = $1, stream_seq = id`, [stream]);

    const measure = async (url: string, tables: string[]) =>
      withPg(url, async (c) => {
        await c.query('VACUUM ANALYZE');
        const out: Record<string, { rows: number; bytesPerRow: number }> = {};
        for (const t of tables) {
          const { rows } = await c.query(`SELECT count(*)::bigint AS n, pg_total_relation_size($1::regclass) AS bytes FROM ${t}`, [t]);
          out[t] = { rows: Number(rows[0].n), bytesPerRow: Math.round(Number(rows[0].bytes) / Math.max(1, Number(rows[0].n))) };
        }
        return out;
      });
    const acc = await measure(accDb.url, ['account', 'known_customer', 'outbox', 'inbox']);
    const cus = await measure(cusDb.url, ['customer', 'outbox']);

    // JetStream: the same events, with their Nats-Msg-Id, in a file-backed stream.
    const nc = await connect({ servers: nats.url });
    const jsm = await jetstreamManager(nc);
    await jsm.streams.add({ name: 'MEASURE', subjects: ['account.>', 'customer.>'] });
    const js = jetstream(nc);
    let published = 0;
    for (const db of [accounts, customers]) {
      const rows: { event_id: string; subject: string; payload: unknown }[] = await db
        .manager()
        .query(`SELECT event_id, subject, payload FROM outbox LIMIT 3000`);
      for (const r of rows) {
        const h = headers();
        h.set('Nats-Msg-Id', r.event_id);
        await js.publish(r.subject, JSON.stringify(r.payload), { headers: h });
        published++;
      }
    }
    const state = (await jsm.streams.info('MEASURE')).state;
    await nc.close();
    const streamBytesPerEvent = Math.round(state.bytes / state.messages);

    const { retention } = defaultLimits();
    const days = (ms: number) => ms / 86_400_000;
    const perSecond = RATE;
    // Rows held at steady state after a year, by table (one customer per account: the upper bound).
    const held: { table: string; rows: number; bytesPerRow: number; kept: string }[] = [
      { table: 'accounts.account', rows: perSecond * YEAR_S, bytesPerRow: acc.account.bytesPerRow, kept: 'for ever (the state)' },
      { table: 'accounts.known_customer', rows: perSecond * YEAR_S, bytesPerRow: acc.known_customer.bytesPerRow, kept: 'for ever (the state)' },
      {
        table: 'accounts.outbox',
        rows: (2 * perSecond * retention.outboxMs) / 1000,
        bytesPerRow: acc.outbox.bytesPerRow,
        kept: `${days(retention.outboxMs)} days after publication`,
      },
      { table: 'accounts.inbox', rows: (perSecond * retention.inboxMs) / 1000, bytesPerRow: acc.inbox.bytesPerRow, kept: `${days(retention.inboxMs)} days` },
      { table: 'customers.customer', rows: perSecond * YEAR_S, bytesPerRow: cus.customer.bytesPerRow, kept: 'for ever (the state)' },
      {
        table: 'customers.outbox',
        rows: (perSecond * retention.outboxMs) / 1000,
        bytesPerRow: cus.outbox.bytesPerRow,
        kept: `${days(retention.outboxMs)} days after publication`,
      },
      {
        table: 'JetStream ACCOUNTS + CUSTOMERS',
        rows: 3 * perSecond * YEAR_S,
        bytesPerRow: streamBytesPerEvent,
        kept: 'for ever (no max_age: the history replay folds)',
      },
    ];
    const gb = (b: number) => Math.round(b / 1e9);
    const lines = held.map((h) => ({ ...h, gigabytes: gb(h.rows * h.bytesPerRow) }));
    const bounded = lines.filter((l) => /outbox|inbox/.test(l.table)).reduce((s, l) => s + l.gigabytes, 0);
    const postgres = lines.filter((l) => !l.table.startsWith('JetStream')).reduce((s, l) => s + l.gigabytes, 0);
    const result = {
      at: new Date().toISOString(),
      command: `node dist/bench/src/storage-bound.js ${N} ${RATE}`,
      measuredRows: N,
      accountsPerSecond: RATE,
      retention: { outboxDays: days(retention.outboxMs), inboxDays: days(retention.inboxMs), deadLetterDays: days(retention.deadLetterMs) },
      measured: { accounts: acc, customers: cus, streamBytesPerEvent, streamEventsMeasured: published },
      year: lines,
      boundedTablesGigabytes: bounded,
      postgresGigabytesAfterOneYear: postgres,
      jetstreamGigabytesAfterOneYear: lines[lines.length - 1].gigabytes,
    };
    writeFileSync(join(process.cwd(), 'bench/results/storage.json'), `${JSON.stringify(result, null, 2)}\n`);
    console.log(`| table | bytes per row (measured) | rows held after a year at ${RATE} accounts/s | kept | GB |`);
    console.log('| --- | ---: | ---: | --- | ---: |');
    for (const l of lines) console.log(`| ${l.table} | ${l.bytesPerRow} | ${l.rows.toExponential(2)} | ${l.kept} | ${l.gigabytes} |`);
    console.log(
      `\nbounded by retention (outbox + inbox): ${bounded} GB; PostgreSQL in all: ${postgres} GB; JetStream: ${result.jetstreamGigabytesAfterOneYear} GB`,
    );
  } finally {
    await Promise.all([accounts.close(), customers.close()]);
    await nats.stop();
    await Promise.all([accDb.drop(), cusDb.drop()]);
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
