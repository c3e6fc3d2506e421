import type { Pool, PoolClient, QueryResult } from 'pg';
import { CustomerCreated } from '@calm/contracts';
import { OutgoingEvent, claimEventsSql, enqueueEventsSql, sqlArray } from '@calm/messaging';
import { GUARDED_JOIN, JoinSqlOptions } from './join-sql.options';

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
 * 1. the inbox claim (first, so a concurrent duplicate waits for it: libs/messaging inbox);
 * 2. the write-skew guard: the advisory lock of every customer of the batch, in key
 *    order (two batches cannot deadlock), the same lock as the account path;
 * 3. one statement that records the customers in the replica (earliest time wins: a
 *    monotone min; a row changes only when the time moves earlier) and validates their
 *    accounts at GREATEST(opened_at, created_at), `join` of domain/account.ts in SQL.
 *
 * Step 3 does not filter on "fresh": it is idempotent (a duplicate event cannot move
 * a min that already holds its time, and the accounts it could validate already are),
 * so a redelivered event still takes effect at most once. The second message writes the
 * account.validated events (their ids are derived in JavaScript) and commits.
 * No parameters in the simple protocol: every value is an escaped literal.
 */
export function claimAndJoinSql(events: CustomerCreated[], join: JoinSqlOptions = GUARDED_JOIN): string {
  const customers = events.map((e) => e.data.customerId);
  // Unguarded (negative control only, join-sql.options.ts): a no-op keeps the result positions.
  const locks = join.lockCustomers
    ? `SELECT pg_advisory_xact_lock(k) FROM (SELECT DISTINCT hashtextextended(c, 0) AS k FROM unnest(${sqlArray(customers, 'text')}) c) s ORDER BY k`
    : 'SELECT NULL';
  return `BEGIN;
${claimEventsSql(events)};
${locks};
WITH seen AS (
  SELECT c::uuid AS customer_id, min(t) AS created_at
  FROM unnest(${sqlArray(customers, 'text')}, ${sqlArray(events.map((e) => e.time), 'timestamptz')}) AS e(c, t) GROUP BY c
), replica AS (
  INSERT INTO known_customer (customer_id, created_at) SELECT customer_id, created_at FROM seen
  ON CONFLICT (customer_id) DO UPDATE SET created_at = EXCLUDED.created_at WHERE EXCLUDED.created_at < known_customer.created_at
  RETURNING customer_id, created_at
), target AS (
  SELECT a.account_id, a.status AS was, GREATEST(a.opened_at, r.created_at) AS v
  FROM account a JOIN replica r USING (customer_id)
  WHERE a.status = 'pending' OR a.validated_at > GREATEST(a.opened_at, r.created_at)
  FOR UPDATE OF a
)
UPDATE account a SET status = 'valid', validated_at = t.v FROM target t
WHERE a.account_id = t.account_id
RETURNING a.account_id, a.customer_id, a.validated_at, a.opened_at, t.was`;
}

/**
 * Runs the batch on one pooled connection. `events` builds the outbox rows from the
 * validated accounts. Any failure rolls back (the first message leaves an explicit
 * transaction open) and rethrows the database's own error, so the transport can tell
 * a transient outage from a bad event.
 */
export async function runCustomersCreated(
  pool: Pool,
  batch: CustomerCreated[],
  events: (validated: ValidatedRow[]) => OutgoingEvent[],
  join: JoinSqlOptions = GUARDED_JOIN,
): Promise<{ fresh: number; validated: ValidatedRow[] }> {
  const client: PoolClient = await pool.connect();
  let broken: Error | undefined;
  // A checked-out client has no listener of its own: without this, a connection lost
  // mid-batch would be an unhandled 'error' event (a crash) instead of this query failing.
  const onError = (e: Error) => (broken = e);
  client.on('error', onError);
  try {
    const results = (await client.query(claimAndJoinSql(batch, join))) as unknown as QueryResult[];
    const fresh = results[1].rowCount ?? 0;
    const validated = results[3].rows as ValidatedRow[];
    const outgoing = events(validated);
    await client.query(outgoing.length ? `${enqueueEventsSql(outgoing)}; COMMIT` : 'COMMIT');
    return { fresh, validated };
  } catch (err) {
    await client.query('ROLLBACK').catch((e: Error) => (broken = e));
    throw err;
  } finally {
    client.removeListener('error', onError);
    client.release(broken);
  }
}
