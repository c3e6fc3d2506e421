import type { Pool, PoolClient } from 'pg';
import { CustomerCreated } from '@calm/contracts';
import { Sql, claimEventsSql, queryNamed, sql } from '@calm/messaging';
import { JoinOptions, joinEventRowsSql, lockCustomersSql } from './account-join.sql';

export interface ValidatedRow {
  account_id: string;
  customer_id: string;
  validated_at: Date;
  opened_at: Date;
  was: 'pending' | 'valid';
}

/**
 * The "customer created" path of the join for a batch, in two round trips instead of
 * one per statement. The first message opens the transaction and runs, each with its
 * own READ COMMITTED snapshot:
 *
 * 1. `claim`: the inbox claim (first, so a concurrent duplicate waits for it: libs/messaging inbox);
 * 2. `lock`: the write-skew guard of every customer of the batch (account-join.sql.ts);
 * 3. `join`: records the customers in the replica (earliest time wins: a monotone min;
 *    a row changes only when the time moves earlier) and sets each of their accounts to
 *    account_join(opened_at, created_at) where that answer differs from the row: the
 *    same function as the account path.
 *
 * `join` does not filter on "fresh": it is idempotent (a duplicate event cannot move a
 * min that already holds its time, and the accounts it could validate already are), so
 * a redelivered event still takes effect at most once. The second message writes the
 * events of the accounts that changed outcome (joinEventRowsSql; their ids are derived in
 * JavaScript) and commits.
 */
export function customersCreatedStatements(events: CustomerCreated[], options: JoinOptions = {}): { claim: Sql; lock: Sql; join: Sql } {
  const customers = events.map((e) => e.data.customerId);
  const join = sql`WITH seen AS (
  SELECT c::uuid AS customer_id, min(t) AS created_at
  FROM unnest(${sql.array(customers, 'text')}, ${sql.array(events.map((e) => e.time), 'timestamptz')}) AS e(c, t) GROUP BY c
), replica AS (
  INSERT INTO known_customer (customer_id, created_at) SELECT customer_id, created_at FROM seen
  ON CONFLICT (customer_id) DO UPDATE SET created_at = EXCLUDED.created_at WHERE EXCLUDED.created_at < known_customer.created_at
  RETURNING customer_id, created_at
), target AS (
  SELECT a.account_id, a.status AS was, j.status, j.validated_at
  FROM account a JOIN replica r USING (customer_id) CROSS JOIN LATERAL account_join(a.opened_at, r.created_at) j
  WHERE (a.status, a.validated_at) IS DISTINCT FROM (j.status, j.validated_at)
  FOR UPDATE OF a
)
UPDATE account a SET status = t.status, validated_at = t.validated_at FROM target t
WHERE a.account_id = t.account_id
RETURNING a.account_id, a.customer_id, a.validated_at, a.opened_at, t.was`;
  return { claim: claimEventsSql(events), lock: lockCustomersSql(customers, options), join };
}

/** The events of the accounts a batch turned valid (`was` pending), read from their rows. */
export function outcomeEventsSql(validated: ValidatedRow[], now: Date): Sql | undefined {
  const newly = validated.filter((v) => v.was === 'pending').map((v) => ({ accountId: v.account_id, customerId: v.customer_id }));
  return newly.length
    ? sql`INSERT INTO outbox (event_id, subject, payload) ${joinEventRowsSql(sql`account`, newly, now.toISOString())} ON CONFLICT (event_id) DO NOTHING`
    : undefined;
}

/**
 * Runs the batch on one pooled connection. Any failure rolls back (the first message
 * leaves an explicit transaction open) and rethrows the database's own error, so the
 * transport can tell a transient outage from a bad event.
 */
export async function runCustomersCreated(pool: Pool, batch: CustomerCreated[], now: Date, options: JoinOptions = {}): Promise<{ fresh: number; validated: ValidatedRow[] }> {
  const client: PoolClient = await pool.connect();
  let broken: Error | undefined;
  // A checked-out client has no listener of its own: without this, a connection lost
  // mid-batch would be an unhandled 'error' event (a crash) instead of this query failing.
  const onError = (e: Error) => (broken = e);
  client.on('error', onError);
  try {
    const { claim, join } = await queryNamed(client, { begin: sql`BEGIN`, ...customersCreatedStatements(batch, options) });
    const validated = join.rows as ValidatedRow[];
    const events = outcomeEventsSql(validated, now);
    await (events ? queryNamed(client, { events, commit: sql`COMMIT` }) : queryNamed(client, { commit: sql`COMMIT` }));
    return { fresh: claim.rowCount ?? 0, validated };
  } catch (err) {
    await client.query('ROLLBACK').catch((e: Error) => (broken = e));
    throw err;
  } finally {
    client.removeListener('error', onError);
    client.release(broken);
  }
}
