import { accountRejected, accountValidated, subjectOf } from '@calm/contracts';
import { Sql, sql } from '@calm/pg';

/**
 * The pieces both paths of the join share (the join itself is the database function
 * account_join, account-join.function.ts):
 * the write-skew guard and the events an outcome publishes.
 */

/**
 * Write-skew guard: the transaction-scoped advisory lock of each customer, in key order
 * (two batches cannot deadlock), taken by BOTH paths in a statement of its own BEFORE
 * they read. Under READ COMMITTED each statement takes a new snapshot, so the statement
 * after this one sees every other path of the same customer that committed before the
 * lock was granted. Lock and read in ONE statement would not: its snapshot would
 * predate the lock. Invariant: an account and its customer's creation are never both
 * committed with neither path having seen the other.
 */
export function lockCustomersSql(customerIds: readonly string[]): Sql {
  return sql`SELECT pg_advisory_xact_lock(k) FROM (SELECT DISTINCT hashtextextended(c, 0) AS k FROM unnest(${sql.array(customerIds, 'text')}) c) s ORDER BY k`;
}

/** JavaScript's Date#toISOString in SQL: both truncate to milliseconds, so an event carries what the REST answer shows. */
const isoMs = (column: Sql): Sql => sql`to_jsonb(to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'))`;

/**
 * What an outcome of the join publishes on the customer path: the status that triggers
 * it, the event, and the column whose time goes into the event's data. The envelope
 * (derived id, subject, time) is built in JavaScript, the time read from the row in SQL,
 * so the event carries exactly the value stored. Exactly one id per account and outcome
 * (derived from the account id): one account.validated, one account.rejected. The
 * account path's open_account builds its one outcome event in SQL instead
 * (open-account.function.ts, OPEN_ACCOUNT_V4); account.store.int-spec.ts holds
 * its events equal to the contract's builders, and both paths to the same event.
 */
const OUTCOMES = [
  {
    status: 'valid',
    column: 'validated_at',
    field: 'validatedAt',
    type: 'account.validated',
    build: (a: { accountId: string; customerId: string }, time: string) =>
      accountValidated({ accountId: a.accountId, customerId: a.customerId, validatedAt: time }, time),
  },
  {
    status: 'rejected',
    column: 'rejected_at',
    field: 'rejectedAt',
    type: 'account.rejected',
    build: (a: { accountId: string; customerId: string }, time: string) =>
      accountRejected({ accountId: a.accountId, customerId: a.customerId, rejectedAt: time }, time),
  },
] as const;

/** One outcome's event as the outbox stores it before its time is filled in from the row. */
export interface OutcomeEnvelope {
  status: 'valid' | 'rejected';
  eventId: string;
  subject: string;
  payload: string;
}

/** An account the customer path decided; `status`, when known, is the outcome it reached. */
export interface DecidedAccount {
  accountId: string;
  customerId: string;
  status?: 'pending' | 'valid' | 'rejected';
}

/** The outcomes an account's events are built for: the one its `status` names, or both when it is not given. */
const outcomesOf = (a: DecidedAccount) => OUTCOMES.filter((o) => a.status === undefined || o.status === a.status);

/** The subjects of the events outcomeEnvelopes builds for `a`, without building them. */
export const outcomeSubjects = (a: DecidedAccount): string[] => outcomesOf(a).map((o) => subjectOf(o.type, a.accountId));

/**
 * The envelopes of an account's outcome events: the one its `status` names, or, when the
 * status is not given, both possible ones (account.validated then account.rejected).
 */
export function outcomeEnvelopes(a: DecidedAccount, time: string): OutcomeEnvelope[] {
  return outcomesOf(a).map((o) => {
    const event = o.build(a, time);
    return { status: o.status, eventId: event.id, subject: subjectOf(o.type, a.accountId), payload: JSON.stringify(event) };
  });
}

/**
 * The outbox rows (event_id, subject, payload) of the event of each account's outcome, read from `rows`
 * (a relation with account_id, status and the outcome's time column: the account path's
 * inserted row, or the account table on the customer path). An account whose row does
 * not carry the outcome's status gets nothing; an account given with the status its row has
 * gets only that outcome's envelope (the customer path knows it from apply_customer_facts,
 * in the same transaction, under the customer's lock). One id per account and outcome (derived),
 * so a repeat insert is a no-op (ON CONFLICT at the caller). `time` is the event's envelope time.
 */
export function joinEventRowsSql(rows: Sql, accounts: readonly DecidedAccount[], time: string): Sql {
  if (accounts.length === 0) throw new Error('joinEventRowsSql: no accounts');
  const values = accounts.flatMap((a) =>
    outcomeEnvelopes(a, time).map((e) => sql`(${a.accountId}::uuid, ${e.status}, ${e.eventId}, ${e.subject}, ${e.payload}::jsonb)`),
  );
  const fill = sql.join(
    OUTCOMES.map((o) => sql`WHEN ${o.status} THEN jsonb_set(e.payload, ${`{data,${o.field}}`}, ${isoMs(sql.trusted(`r.${o.column}`))})`),
    ' ',
  );
  return sql`SELECT e.event_id, e.subject, CASE e.status ${fill} END
  FROM (VALUES ${sql.join(values)}) e(account_id, status, event_id, subject, payload)
  JOIN ${rows} r ON r.account_id = e.account_id AND r.status = e.status`;
}
