import type { Pool, QueryResult } from 'pg';
import { accountOpened, accountValidated, subjectOf } from '@calm/contracts';
import { sqlLiteral } from '@calm/messaging';
import type { AccountRow } from './account.mapper';

/** The account row, and whether this statement inserted it. */
export interface OpenRow extends AccountRow {
  created: boolean;
}

const lit = sqlLiteral;
/** JavaScript's Date#toISOString in SQL: both truncate to milliseconds, so the event carries what the REST answer shows. */
const ISO_MS = `'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'`;

/**
 * The "account opened" path of the join as ONE round trip: two statements in one
 * simple-protocol message, which PostgreSQL runs as one implicit transaction.
 *
 * Write-skew guard: the first statement takes the customer's advisory lock
 * (transaction-scoped, the same lock as the customer path). Under READ COMMITTED
 * each statement of the message takes a new snapshot, so the second statement,
 * which reads known_customer, sees every customer path that committed before the
 * lock was granted. Lock and read in ONE statement would not: its snapshot would
 * predate the lock. The simple protocol has no parameters, so every value is a
 * quoted literal (the ids are validated UUIDs, the currency a validated code;
 * sqlLiteral quotes them anyway).
 *
 * The second statement inserts the account already joined (valid at
 * GREATEST(opened_at, created_at) when the customer is known: `join` of
 * domain/account.ts in SQL, the same expression as the customer path), writes its account.opened and, if valid, account.validated to
 * the outbox, and answers the row; when the account id exists it answers the
 * existing row instead (created = false).
 */
export function openAccountSql(cmd: { accountId: string; customerId: string; currency: string }, now: Date): string {
  const { lock, open } = openAccountStatements(cmd, now);
  return `${lock};\n${open}`;
}

/** The two statements of openAccountSql apart: the lock, and the statement that opens (group commit takes one lock for many). */
export function openAccountStatements(cmd: { accountId: string; customerId: string; currency: string }, now: Date): { lock: string; open: string } {
  const openedAt = now.toISOString();
  const opened = accountOpened({ ...cmd, openedAt });
  const validated = accountValidated({ accountId: cmd.accountId, customerId: cmd.customerId, validatedAt: openedAt }, openedAt);
  const [acc, cust] = [lit(cmd.accountId), lit(cmd.customerId)];
  const lock = `SELECT pg_advisory_xact_lock(hashtextextended(${cust}, 0))`;
  const open = `WITH known AS (SELECT created_at FROM known_customer WHERE customer_id = ${cust}::uuid),
ins AS (
  INSERT INTO account (account_id, customer_id, currency, status, opened_at, validated_at)
  SELECT ${acc}::uuid, ${cust}::uuid, ${lit(cmd.currency)}, CASE WHEN k.created_at IS NULL THEN 'pending' ELSE 'valid' END,
         -- GREATEST skips NULLs: a shell account must keep validated_at NULL
         ${lit(openedAt)}::timestamptz, CASE WHEN k.created_at IS NOT NULL THEN GREATEST(${lit(openedAt)}::timestamptz, k.created_at) END
  FROM (VALUES (1)) one LEFT JOIN known k ON true
  ON CONFLICT (account_id) DO NOTHING
  RETURNING account_id, customer_id, currency, status, opened_at, validated_at
),
events AS (
  INSERT INTO outbox (event_id, subject, payload)
  SELECT e.id, e.subject, e.payload FROM ins, LATERAL (VALUES
    (${lit(opened.id)}, ${lit(subjectOf('account.opened', cmd.accountId))}, ${lit(JSON.stringify(opened))}::jsonb),
    (${lit(validated.id)}, ${lit(subjectOf('account.validated', cmd.accountId))},
     jsonb_set(${lit(JSON.stringify(validated))}::jsonb, '{data,validatedAt}', to_jsonb(to_char(ins.validated_at AT TIME ZONE 'UTC', ${ISO_MS}))))
  ) e(id, subject, payload)
  WHERE e.id = ${lit(opened.id)} OR ins.status = 'valid'
  ON CONFLICT (event_id) DO NOTHING
)
SELECT true AS created, * FROM ins
UNION ALL
SELECT false, account_id, customer_id, currency, status, opened_at, validated_at FROM account
WHERE account_id = ${acc}::uuid AND NOT EXISTS (SELECT 1 FROM ins)`;
  return { lock, open };
}

/** Runs it; null when the account exists but committed after this statement's snapshot (the caller reads it again). */
export async function runOpenAccount(pool: Pool, sql: string): Promise<OpenRow | null> {
  const results = (await pool.query(sql)) as unknown as QueryResult<OpenRow>[];
  return results[1].rows[0] ?? null;
}
