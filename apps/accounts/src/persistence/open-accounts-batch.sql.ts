import type { Pool, PoolClient } from 'pg';
import { accountOpened, subjectOf, eventIds } from '@calm/contracts';
import { Sql, sql } from '@calm/pg';
import { TraceCarrier, activeTraceCarrier } from '@calm/tracing';
import type { OpenAccountCommand, OpenRow } from './open-account.sql';

/**
 * One POST's share of a group commit: its command, its account.opened event, and the ids
 * of the two events its outcome may publish. open_account builds the outcome's event
 * itself, from the row it inserts (join/open-account.function.ts, OPEN_ACCOUNT_V4),
 * so only the event that is written is ever built.
 */
export interface OpenMember {
  accountId: string;
  customerId: string;
  currency: string;
  openedAt: string;
  opened: { id: string; subject: string; payload: string };
  validatedId: string;
  rejectedId: string;
  /** The POST's trace context, stored with its outbox rows (none with tracing off). */
  trace?: TraceCarrier;
}

/** A member of a group commit for this command at this instant. */
export function openMember(cmd: OpenAccountCommand, now: Date): OpenMember {
  // PostgreSQL's text cannot hold NUL: refused here, so it fails this request only, not its group.
  for (const [field, value] of Object.entries(cmd)) if (value.includes('\u0000')) throw new Error(`open account: ${field} contains NUL`);
  const openedAt = now.toISOString();
  const event = accountOpened({ ...cmd, openedAt });
  return {
    ...cmd,
    openedAt,
    opened: { id: event.id, subject: subjectOf('account.opened', cmd.accountId), payload: JSON.stringify(event) },
    validatedId: eventIds.accountValidated(cmd.accountId),
    rejectedId: eventIds.accountRejected(cmd.accountId),
    trace: activeTraceCarrier(),
  };
}

/** The arrays open_accounts takes, in its parameters' order: their SQL type and each member's value. */
const COLUMNS: readonly [type: string, pick: (m: OpenMember) => string | null][] = [
  ['uuid', (m) => m.accountId],
  ['uuid', (m) => m.customerId],
  ['text', (m) => m.currency],
  ['timestamptz', (m) => m.openedAt],
  ['text', (m) => m.opened.id],
  ['text', (m) => m.opened.subject],
  ['jsonb', (m) => m.opened.payload],
  ['text', (m) => m.validatedId],
  ['text', (m) => m.rejectedId],
  ['text', (m) => m.trace?.traceparent ?? null],
  ['text', (m) => m.trace?.tracestate ?? null],
];

/**
 * The statement of a group commit: ONE call of the database function open_accounts
 * (join/open-account.function.ts, OPEN_ACCOUNT_V4), prepared once per
 * connection (named), its members' values as array parameters. Without an explicit
 * BEGIN, PostgreSQL runs it as one implicit transaction: one commit for the group. The
 * function takes the write-skew guard for every member's customer first, in key order,
 * then opens each member with open_account, in account id order; see its comment.
 */
export const OPEN_ACCOUNTS = {
  name: 'open-accounts-v4',
  text: `SELECT * FROM open_accounts(${COLUMNS.map((_, i) => `$${i + 1}`).join(', ')})`,
};

/**
 * The same call with its values as literals, to run inside a caller's simple-protocol
 * message (the reordering suite's SQL level, and the interleaving test, which steps this
 * statement against the customer path's).
 */
export function openAccountsSql(members: readonly OpenMember[]): Sql {
  const arrays = COLUMNS.map(([type, pick]) => sql.array(members.map(pick), type));
  return sql`SELECT * FROM open_accounts(${sql.join(arrays)})`;
}

/**
 * Several POSTs' "account opened" paths in one round trip and one transaction. Answers
 * one row per member, in the members' order (null: the account exists but committed
 * after that member's snapshot, a concurrent first POST; the caller reads it again).
 */
export async function runOpenAccounts(db: Pool | PoolClient, members: readonly OpenMember[]): Promise<(OpenRow | null)[]> {
  const { rows } = await db.query<OpenRow & { member: number }>({
    ...OPEN_ACCOUNTS,
    values: COLUMNS.map(([, pick]) => members.map(pick)),
  });
  const answers: (OpenRow | null)[] = members.map(() => null);
  for (const { member, ...row } of rows) {
    if (!(member >= 1 && member <= members.length) || answers[member - 1]) throw new Error(`open_accounts: unexpected answer for member ${member}`);
    answers[member - 1] = row;
  }
  return answers;
}
