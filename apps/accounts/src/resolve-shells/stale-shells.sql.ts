import type { Pool, PoolClient } from 'pg';

/** A customer id with shells older than the grace: how many, and since when. */
export interface StaleCustomer {
  customerId: string;
  shells: number;
  oldestOpenedAt: Date;
}

/**
 * The customer ids whose shells (pending accounts) are older than the grace, oldest
 * first. Non-monotone ("still pending", "older than"), but it only chooses whom to ASK:
 * nothing is decided from it. A shell resolved meanwhile is simply not asked about.
 */
export async function staleCustomers(db: Pool | PoolClient, graceSeconds: number, limit: number): Promise<StaleCustomer[]> {
  const { rows } = await db.query<{ customer_id: string; shells: number; oldest: Date }>(
    `SELECT customer_id, count(*)::int AS shells, min(opened_at) AS oldest FROM account
     WHERE status = 'pending' AND opened_at <= now() - make_interval(secs => $1)
     GROUP BY customer_id ORDER BY oldest, customer_id LIMIT $2`,
    [graceSeconds, limit],
  );
  return rows.map((r) => ({ customerId: r.customer_id, shells: r.shells, oldestOpenedAt: r.oldest }));
}

/**
 * The sweep's claim on one customer id, so that several instances never ask about (and
 * apply) the same customer at once: a transaction-scoped advisory lock in the two-key
 * space (class SWEEP_LOCK_CLASS), which never meets the join's one-key customer lock. A
 * hash collision only makes an instance skip an unrelated customer until its next sweep.
 * Taken with try: an instance that does not get it moves on instead of waiting.
 */
export const SWEEP_LOCK_CLASS = 13;

export async function tryClaimCustomer(client: PoolClient, customerId: string, graceSeconds: number): Promise<boolean> {
  await client.query('BEGIN');
  const claim = await client.query<{ claimed: boolean }>(`SELECT pg_try_advisory_xact_lock($1, hashtext($2)) AS claimed`, [SWEEP_LOCK_CLASS, customerId]);
  if (!claim.rows[0].claimed) return false;
  // A statement of its own, so its snapshot follows the claim: an instance that resolved
  // this customer and let go of it is seen here, and the customer is not asked about again.
  const stale = await client.query(
    `SELECT 1 FROM account WHERE customer_id = $1::uuid AND status = 'pending' AND opened_at <= now() - make_interval(secs => $2) LIMIT 1`,
    [customerId, graceSeconds],
  );
  return stale.rowCount === 1;
}
