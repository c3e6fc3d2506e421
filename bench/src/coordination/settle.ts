import { withPg } from '../infra';

/**
 * Waits until a design's background work has caught up: no unpublished outbox row on
 * either side, and every customer.created the customer side wrote applied by the account
 * service (its inbox). Run before each measured phase, so a design is never measured while
 * another (or its own previous phase) is still draining on the same two cores.
 * Returns false if the deadline passed first (the phase then runs anyway, and says so).
 */
export async function settle(db: { customers: string; accounts: string }, deadlineMs: number): Promise<boolean> {
  const deadline = Date.now() + deadlineMs;
  for (;;) {
    const [c, a] = await Promise.all([
      withPg(db.customers, (q) =>
        q.query<{ unpublished: number; created: number }>(
          `SELECT count(*) FILTER (WHERE published_at IS NULL)::int AS unpublished, count(*) FILTER (WHERE subject LIKE 'customer.created.%')::int AS created FROM outbox`,
        ),
      ),
      withPg(db.accounts, (q) =>
        q.query<{ unpublished: number; applied: number }>(
          `SELECT (SELECT count(*) FROM outbox WHERE published_at IS NULL)::int AS unpublished, (SELECT count(*) FROM inbox WHERE event_type = 'customer.created')::int AS applied`,
        ),
      ),
    ]);
    const [cs, as] = [c.rows[0], a.rows[0]];
    if (cs.unpublished === 0 && as.unpublished === 0 && as.applied >= cs.created) return true;
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 200));
  }
}
