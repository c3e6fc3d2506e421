import { accountOpened, subjectOf } from '@calm/contracts';
import { Sql, sql } from '@calm/messaging';
import type { AccountRow } from './account.mapper';
import { JoinOptions, joinEventRowsSql, lockCustomersSql } from './account-join.sql';

/** The account row, and whether this statement inserted it. */
export interface OpenRow extends AccountRow {
  created: boolean;
}

export interface OpenAccountCommand {
  accountId: string;
  customerId: string;
  currency: string;
}

/**
 * The "account opened" path of the join as ONE round trip: two statements in one
 * simple-protocol message, which PostgreSQL runs as one implicit transaction. The
 * service sends `open` in a group commit (open-accounts-batch.sql.ts), whose lock
 * statement covers every member's customer; a batch of one is exactly `lock; open`.
 *
 * `lock` is the write-skew guard (account-join.sql.ts), in a statement of its own so
 * that `open` reads known_customer with a snapshot taken after the lock is granted.
 *
 * `open` inserts the account already joined (account_join of the customer's earliest
 * known creation, NULL when unknown: the same function as the customer path), writes its
 * account.opened and the event of its outcome (joinEventRowsSql; account.opened first, so the outbox publishes it first) to the outbox, and answers
 * the row; when the account id exists it answers the existing row instead (created =
 * false) and writes nothing.
 */
export function openAccountStatements(cmd: OpenAccountCommand, now: Date, options: JoinOptions = {}): { lock: Sql; open: Sql } {
  const openedAt = now.toISOString();
  const opened = accountOpened({ ...cmd, openedAt });
  const open = sql`WITH known AS (SELECT created_at FROM known_customer WHERE customer_id = ${cmd.customerId}::uuid),
ins AS (
  INSERT INTO account (account_id, customer_id, currency, status, opened_at, validated_at)
  SELECT ${cmd.accountId}::uuid, ${cmd.customerId}::uuid, ${cmd.currency}, j.status, o.opened_at, j.validated_at
  FROM (SELECT ${openedAt}::timestamptz AS opened_at) o LEFT JOIN known k ON true CROSS JOIN LATERAL account_join(o.opened_at, k.created_at) j
  ON CONFLICT (account_id) DO NOTHING
  RETURNING account_id, customer_id, currency, status, opened_at, validated_at
),
events AS (
  INSERT INTO outbox (event_id, subject, payload)
  SELECT ${opened.id}, ${subjectOf('account.opened', cmd.accountId)}, ${JSON.stringify(opened)}::jsonb FROM ins
  UNION ALL (${joinEventRowsSql(sql`ins`, [cmd], openedAt)})
  ON CONFLICT (event_id) DO NOTHING
)
SELECT true AS created, * FROM ins
UNION ALL
SELECT false, account_id, customer_id, currency, status, opened_at, validated_at FROM account
WHERE account_id = ${cmd.accountId}::uuid AND NOT EXISTS (SELECT 1 FROM ins)`;
  return { lock: lockCustomersSql([cmd.customerId], options), open };
}
