import { Sql, sql } from '@calm/messaging';
import type { AccountRow } from './account.mapper';
import { JoinOptions, lockCustomersSql } from './account-join.sql';
import { openMember } from './open-accounts-batch.sql';

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
 * The "account opened" path of the join for ONE account, as its two statements: `lock`
 * then `open`. The service does not send these: its group commit makes one call of
 * open_accounts (open-accounts-batch.sql.ts), which takes the same lock for all its
 * members and then calls the same open_account for each. The interleaving test
 * (test/reorder/interleaving.ts) sends them one at a time, to step two paths
 * statement by statement around the lock.
 *
 * `lock` is the write-skew guard (account-join.sql.ts), in a statement of its own so
 * that `open` reads known_customer with a snapshot taken after the lock is granted.
 *
 * `open` calls the database function open_account
 * (migrations/accounts/1763780015001-open-account-function.ts: planned once per
 * connection, not per POST). It inserts the account already joined (account_join of
 * the customer's earliest known creation and of its id's seal, NULL when unknown: the
 * same function as the customer paths; a sealed customer's account is rejected at
 * once), writes its account.opened and the event of its outcome to the outbox
 * (account.opened first, so the outbox publishes it first), and answers the row; when
 * the account id exists it answers the existing row instead (created = false) and
 * writes nothing. The events' envelopes are built by openMember, the outcome's time in
 * SQL from the row, as on the customer path (outcomeEnvelopes, joinEventRowsSql).
 */
export function openAccountStatements(cmd: OpenAccountCommand, now: Date, options: JoinOptions = {}): { lock: Sql; open: Sql } {
  // The same envelopes (ids, subjects, JSON) as the service's group commit builds.
  const m = openMember(cmd, now);
  const open = sql`SELECT * FROM open_account(${m.accountId}::uuid, ${m.customerId}::uuid, ${m.currency}, ${m.openedAt}::timestamptz,
  ${m.opened.id}, ${m.opened.subject}, ${m.opened.payload}::jsonb,
  ${sql.array([m.validated.id, m.rejected.id], 'text')}, ${sql.array([m.validated.subject, m.rejected.subject], 'text')}, ${sql.array(
    [m.validated.payload, m.rejected.payload],
    'jsonb',
  )})`;
  return { lock: lockCustomersSql([cmd.customerId], options), open };
}
