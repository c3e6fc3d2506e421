import type { Pool, PoolClient, QueryResult } from 'pg';
import { OutgoingEvent, claimEventsSql, enqueueEventsSql, sqlArray } from '@calm/messaging';

/** What the customer path needs of a customer.created or customer.sealed: its id (inbox), its customer and its time. */
export type CustomerFact =
  | { id: string; type: 'customer.created'; customerId: string; time: string }
  | { id: string; type: 'customer.sealed'; customerId: string; time: string };

export interface JoinedRow {
  account_id: string;
  customer_id: string;
  status: 'valid' | 'rejected';
  validated_at: Date | null;
  rejected_at: Date | null;
  opened_at: Date;
  was: 'pending' | 'valid' | 'rejected';
}

/** Back-compat name for the rows a customer.created batch validated. */
export type ValidatedRow = JoinedRow;

/**
 * The customer paths of the join (customer.created and customer.sealed) for a batch, in
 * two round trips instead of one per statement. The first message opens the transaction
 * and runs, each with its own READ COMMITTED snapshot:
 *
 * 1. the inbox claim (first, so a concurrent duplicate waits for it: libs/messaging inbox);
 * 2. the write-skew guard: the advisory lock of every customer of the batch, in key
 *    order (two batches cannot deadlock), the same lock as the account path;
 * 3. one statement that records the facts in the replicas (known_customer for creations,
 *    sealed_customer for seals; earliest time wins: a monotone min, a row changes only
 *    when the time moves earlier) and joins their customers' accounts again:
 *    valid at GREATEST(opened_at, created_at) when the customer is known, else rejected
 *    at GREATEST(opened_at, sealed_at) when its id is sealed (`join` of domain/account.ts
 *    in SQL; valid wins, see there).
 *
 * Step 3 does not filter on "fresh": it is idempotent (a duplicate event cannot move
 * a min that already holds its time, and the accounts it could resolve already are),
 * so a redelivered event still takes effect at most once. The second message writes the
 * account.validated / account.rejected events (their ids are derived in JavaScript) and
 * commits. No parameters in the simple protocol: every value is an escaped literal.
 */
export function claimAndJoinSql(facts: CustomerFact[]): string {
  const of = (type: CustomerFact['type']) => facts.filter((f) => f.type === type);
  const [created, sealed] = [of('customer.created'), of('customer.sealed')];
  const customers = facts.map((f) => f.customerId);
  const seen = (list: CustomerFact[]) =>
    `SELECT c::uuid AS customer_id, min(t) AS at FROM unnest(${sqlArray(list.map((f) => f.customerId), 'text')}, ${sqlArray(list.map((f) => f.time), 'timestamptz')}) AS e(c, t) GROUP BY c`;
  return `BEGIN;
${claimEventsSql(facts)};
SELECT pg_advisory_xact_lock(k) FROM (SELECT DISTINCT hashtextextended(c, 0) AS k FROM unnest(${sqlArray(customers, 'text')}) c) s ORDER BY k;
WITH created AS (
  INSERT INTO known_customer (customer_id, created_at) SELECT customer_id, at FROM (${seen(created)}) s
  ON CONFLICT (customer_id) DO UPDATE SET created_at = EXCLUDED.created_at WHERE EXCLUDED.created_at < known_customer.created_at
  RETURNING customer_id, created_at
), sealed AS (
  INSERT INTO sealed_customer (customer_id, sealed_at) SELECT customer_id, at FROM (${seen(sealed)}) s
  ON CONFLICT (customer_id) DO UPDATE SET sealed_at = EXCLUDED.sealed_at WHERE EXCLUDED.sealed_at < sealed_customer.sealed_at
  RETURNING customer_id, sealed_at
), changed AS (
  SELECT customer_id FROM created UNION SELECT customer_id FROM sealed
), joined AS (
  -- the CTEs' rows are not visible to a read of the tables in the same statement: take the new times from them
  SELECT c.customer_id, coalesce(cr.created_at, k.created_at) AS created_at, coalesce(se.sealed_at, s.sealed_at) AS sealed_at
  FROM changed c LEFT JOIN created cr USING (customer_id) LEFT JOIN known_customer k USING (customer_id)
  LEFT JOIN sealed se USING (customer_id) LEFT JOIN sealed_customer s USING (customer_id)
), target AS (
  SELECT a.account_id, a.status AS was,
         CASE WHEN j.created_at IS NOT NULL THEN 'valid' ELSE 'rejected' END AS status,
         CASE WHEN j.created_at IS NOT NULL THEN GREATEST(a.opened_at, j.created_at) END AS validated_at,
         CASE WHEN j.created_at IS NULL THEN GREATEST(a.opened_at, j.sealed_at) END AS rejected_at
  FROM account a JOIN joined j USING (customer_id)
  FOR UPDATE OF a
)
UPDATE account a SET status = t.status, validated_at = t.validated_at, rejected_at = t.rejected_at FROM target t
WHERE a.account_id = t.account_id AND (a.status, a.validated_at, a.rejected_at) IS DISTINCT FROM (t.status, t.validated_at, t.rejected_at)
RETURNING a.account_id, a.customer_id, a.status, a.validated_at, a.rejected_at, a.opened_at, t.was`;
}

/**
 * Runs the batch on one pooled connection. `events` builds the outbox rows from the
 * accounts whose outcome changed. Any failure rolls back (the first message leaves an
 * explicit transaction open) and rethrows the database's own error, so the transport can
 * tell a transient outage from a bad event.
 */
export async function runCustomersCreated(
  pool: Pool,
  batch: CustomerFact[],
  events: (joined: JoinedRow[]) => OutgoingEvent[],
): Promise<{ fresh: number; validated: JoinedRow[] }> {
  const client: PoolClient = await pool.connect();
  let broken: Error | undefined;
  // A checked-out client has no listener of its own: without this, a connection lost
  // mid-batch would be an unhandled 'error' event (a crash) instead of this query failing.
  const onError = (e: Error) => (broken = e);
  client.on('error', onError);
  try {
    const results = (await client.query(claimAndJoinSql(batch))) as unknown as QueryResult[];
    const fresh = results[1].rowCount ?? 0;
    const validated = results[3].rows as JoinedRow[];
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
