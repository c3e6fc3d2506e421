import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { accountValidated, customerCreated, subjectOf } from '@calm/contracts';
import { OUTBOX_CLAIM } from '@calm/outbox';
import { withPg } from './infra';

/**
 * The raw PostgreSQL limit of the customer path, in events per second: for each batch
 * of `batchSize` customer.created events, the writes the service makes, as plain
 * prepared statements from one client (the service applies one batch at a time):
 *
 *   BEGIN; inbox claim; replica upsert (earliest time wins); pending accounts -> valid;
 *   account.validated outbox rows; COMMIT;
 *   BEGIN; relay: its own claim (OUTBOX_CLAIM: unpublished rows FOR UPDATE SKIP LOCKED); mark them published; COMMIT
 *
 * No service, no broker, no advisory locks (the write-skew guard is the design's cost,
 * not the database's), and the events' JSON is built before the clock starts. Each event
 * is a new customer with one pending account, inserted beforehand, as in the events phase.
 * The tables are the service's own (prepareRawTables runs its migrations).
 */
export async function rawPgBatchPerS(url: string, n: number, batchSize: number): Promise<number> {
  const time = new Date().toISOString();
  const batches: { ids: string[]; types: string[]; customers: string[]; times: string[]; outIds: string[]; subjects: string[]; payloads: string[] }[] = [];
  const customers = Array.from({ length: n }, () => randomUUID());
  const accounts = customers.map(() => randomUUID());
  for (let i = 0; i < n; i += batchSize) {
    const cs = customers.slice(i, i + batchSize);
    const created = cs.map((customerId) => customerCreated({ customerId, name: 'Bench Customer', email: 'bench@example.com' }, time, '/bench'));
    const validated = cs.map((customerId, j) => accountValidated({ accountId: accounts[i + j], customerId, validatedAt: time }, time));
    batches.push({
      ids: created.map((e) => e.id),
      types: created.map((e) => e.type),
      customers: cs,
      times: created.map((e) => e.time),
      outIds: validated.map((e) => e.id),
      subjects: validated.map((e) => subjectOf('account.validated', e.data.accountId)),
      payloads: validated.map((e) => JSON.stringify(e)),
    });
  }
  await withPg(url, async (c) => {
    await c.query(
      `INSERT INTO account (account_id, customer_id, currency, status, opened_at) SELECT a, c, 'EUR', 'pending', now() FROM unnest($1::uuid[], $2::uuid[]) AS x(a, c)`,
      [accounts, customers],
    );
    // The raw pg_txn rounds leave their outbox rows unpublished; in the service the relay
    // has published them by now. Left pending, the relay claim below would mark those
    // instead of the batch's own rows, and the figure would fall with every earlier round.
    await c.query(`UPDATE outbox SET published_at = now() WHERE published_at IS NULL`);
  });
  const c = new Client({ connectionString: url });
  await c.connect();
  try {
    const started = performance.now();
    for (const b of batches) {
      await c.query('BEGIN');
      await c.query({
        name: 'raw-inbox',
        text: `INSERT INTO inbox (event_id, event_type) SELECT * FROM unnest($1::text[], $2::text[]) ON CONFLICT (event_id) DO NOTHING`,
        values: [b.ids, b.types],
      });
      await c.query({
        name: 'raw-replica',
        text: `INSERT INTO known_customer (customer_id, created_at) SELECT * FROM unnest($1::uuid[], $2::timestamptz[])
               ON CONFLICT (customer_id) DO UPDATE SET created_at = EXCLUDED.created_at WHERE EXCLUDED.created_at < known_customer.created_at`,
        values: [b.customers, b.times],
      });
      await c.query({
        name: 'raw-validate',
        // The service's filter (a row changes only if its outcome does), not "status = 'pending'":
        // with the keyset index on (status, ...) and statistics not yet caught up with a fast
        // insert, the planner walks every pending account instead of the customers' ones.
        text: `UPDATE account a SET status = 'valid', validated_at = GREATEST(a.opened_at, k.created_at) FROM known_customer k
               WHERE k.customer_id = ANY($1::uuid[]) AND a.customer_id = k.customer_id
                 AND (a.status, a.validated_at) IS DISTINCT FROM ('valid', GREATEST(a.opened_at, k.created_at))`,
        values: [b.customers],
      });
      await c.query({
        name: 'raw-outbox-batch',
        text: `INSERT INTO outbox (event_id, subject, payload) SELECT * FROM unnest($1::text[], $2::text[], $3::jsonb[]) ON CONFLICT (event_id) DO NOTHING`,
        values: [b.outIds, b.subjects, b.payloads],
      });
      await c.query('COMMIT');
      await c.query('BEGIN');
      await c.query(OUTBOX_CLAIM.planner);
      const { rows } = await c.query<{ id: string }>({ name: 'raw-relay-claim', text: OUTBOX_CLAIM.select, values: [batchSize, []] });
      await c.query({ name: 'raw-relay-mark', text: `UPDATE outbox SET published_at = now() WHERE id = ANY($1::bigint[])`, values: [rows.map((r) => r.id)] });
      await c.query('COMMIT');
    }
    return n / ((performance.now() - started) / 1000);
  } finally {
    await c.end();
  }
}
