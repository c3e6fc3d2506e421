import { Client } from 'pg';
import { OUTCOME_SCRATCH } from './outcome-scratch';
import { SCRATCH } from './scratch-tables';

export interface OutcomeDifference {
  accountId: string;
  /** What is wrong, one line: "valid in the fold, but the stream holds no account.validated". */
  problem: string;
}

const iso = (col: string) => `regexp_replace(to_char(${col} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'), '000Z$', 'Z')`;
const eventName = `o.type || ' ' || o.event_id || ' (' || o.place || ') '`;
const foldTime = `CASE a.status WHEN 'valid' THEN a.validated_at ELSE a.rejected_at END`;

/**
 * The stream's outcome events against the fold (both already in scratch tables: the fold's
 * state, written as data, and every account.validated / account.rejected read): each
 * decided account has its event, and each event has the derived id, the fold's time and
 * customer, for an account the fold decided that way. A rejected event for an account the
 * fold holds valid is no difference: valid wins, and an account.rejected already published
 * stays published (libs/folds/src/accounts.ts). One line per account or event.
 */
const DIFFERENCES = `
  SELECT a.account_id, a.status || ' in the fold, but the stream holds no ' || CASE a.status WHEN 'valid' THEN 'account.validated' ELSE 'account.rejected' END AS problem
  FROM ${SCRATCH.account} a
  WHERE a.status <> 'pending' AND NOT EXISTS (SELECT 1 FROM ${OUTCOME_SCRATCH} o WHERE o.account_id = a.account_id AND o.status = a.status)
  UNION ALL
  SELECT o.account_id, ${eventName} || CASE
      WHEN a.account_id IS NULL THEN 'for an account the history never opened'
      WHEN a.status = 'pending' THEN 'for an account the fold leaves pending'
      WHEN o.status = 'valid' AND a.status <> 'valid' THEN 'for an account the fold holds ' || a.status
      WHEN o.status <> a.status THEN NULL
      WHEN NOT o.derived THEN 'is not the id derived from the account id (exactly one ' || o.type || ' id per account)'
      WHEN o.at IS DISTINCT FROM ${foldTime} THEN
        'says ' || CASE o.status WHEN 'valid' THEN 'validatedAt' ELSE 'rejectedAt' END || '=' || ${iso('o.at')} || ', the fold''s is ' || ${iso(foldTime)}
      WHEN o.customer_id <> a.customer_id THEN 'names customer ' || o.customer_id || ', the fold''s is ' || a.customer_id
    END
  FROM ${OUTCOME_SCRATCH} o LEFT JOIN ${SCRATCH.account} a USING (account_id)`;

/** Every difference counted; the first `limit` returned, by account id. */
export async function compareOutcomes(db: Client, limit: number): Promise<{ total: number; differences: OutcomeDifference[] }> {
  const { rows: count } = await db.query(`SELECT count(*)::int AS n FROM (${DIFFERENCES}) d WHERE problem IS NOT NULL`);
  const { rows } = await db.query(`SELECT account_id::text AS "accountId", problem FROM (${DIFFERENCES}) d WHERE problem IS NOT NULL ORDER BY 1, 2 LIMIT $1`, [
    limit,
  ]);
  return { total: count[0].n, differences: rows };
}

export const describeOutcomeDifference = (d: OutcomeDifference): string => `account ${d.accountId}: ${d.problem}`;
