import { Database } from '@calm/pg';

export interface AccountStats {
  pending: number;
  valid: number;
  rejected: number;
  /** Seconds since the oldest pending account was opened; 0 when there is none. */
  oldestPendingAge: number;
}

/** Above this many rows the planner's estimate stands in for an exact count of valid accounts. */
const EXACT_UP_TO = 1_000_000;

/**
 * Counts for the gauges. Pending and rejected accounts are few by design (shells wait for
 * their customer) and are counted exactly through account_status_keyset_idx; valid ones
 * are most of the table, which grows by every account ever opened, so past a million rows
 * their number is pg_class.reltuples minus the others (refreshed by autovacuum's
 * ANALYZE) instead of a scan of the whole table on each refresh.
 */
export async function accountStats(db: Database): Promise<AccountStats> {
  const [row]: { pending: string; rejected: string; age: number | null; estimate: number }[] = await db.manager().query(
    `SELECT (SELECT count(*) FROM account WHERE status = 'pending') AS pending,
            (SELECT count(*) FROM account WHERE status = 'rejected') AS rejected,
            (SELECT EXTRACT(EPOCH FROM now() - min(opened_at))::float8 FROM account WHERE status = 'pending') AS age,
            (SELECT reltuples::float8 FROM pg_class WHERE oid = 'account'::regclass) AS estimate`,
  );
  const pending = Number(row.pending);
  const rejected = Number(row.rejected);
  let valid: number;
  if (row.estimate > EXACT_UP_TO) valid = Math.max(0, Math.round(row.estimate) - pending - rejected);
  else valid = Number((await db.manager().query(`SELECT count(*) AS n FROM account WHERE status = 'valid'`))[0].n);
  return { pending, valid, rejected, oldestPendingAge: Math.max(0, row.age ?? 0) };
}
