import type { Pool } from 'pg';
import { Account } from '@calm/folds';
import { ACCOUNT_COLUMNS, AccountRow, fromRow } from './account.mapper';

/** A position in the list's stable order: the (opened_at, account_id) of the last account of a page. */
export interface AccountCursor {
  /** opened_at as UTC text with microseconds, e.g. 2025-01-31T09:30:00.123456Z. */
  openedAt: string;
  accountId: string;
}

/** What a page of accounts is asked for: optional filters, a bounded page, an optional position. */
export interface ListAccountsFilter {
  customerId?: string;
  status?: 'pending' | 'valid' | 'rejected';
  /** Only accounts opened more than this many seconds ago (stale shells: with status=pending). */
  olderThanSeconds?: number;
  after?: AccountCursor;
  limit: number;
}

/**
 * One page of GET /accounts in the stable order (opened_at, account_id), by keyset: the
 * page after a cursor is the rows strictly greater than it, so concurrent inserts never
 * shift a page (an account opened meanwhile appears in its place or not at all, never
 * twice). Only the conditions asked for are written into the SQL, so each shape uses its
 * index (account_customer_keyset_idx, account_status_keyset_idx) and reads at most
 * limit + 1 rows of it; the extra row only says whether there is a next page.
 */
export async function listAccounts(pool: Pool, f: ListAccountsFilter): Promise<{ items: Account[]; next: AccountCursor | null }> {
  const where: string[] = [];
  const values: unknown[] = [];
  const param = (v: unknown) => `$${values.push(v)}`;
  if (f.customerId !== undefined) where.push(`customer_id = ${param(f.customerId)}::uuid`);
  if (f.status !== undefined) where.push(`status = ${param(f.status)}`);
  if (f.olderThanSeconds !== undefined) where.push(`opened_at < now() - make_interval(secs => ${param(f.olderThanSeconds)}::float8)`);
  if (f.after) where.push(`(opened_at, account_id) > (${param(f.after.openedAt)}::timestamptz, ${param(f.after.accountId)}::uuid)`);
  const { rows } = await pool.query<AccountRow & { cursor_at: string }>(
    `SELECT ${ACCOUNT_COLUMNS}, to_char(opened_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS cursor_at
     FROM account ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
     ORDER BY opened_at, account_id LIMIT ${param(f.limit + 1)}`,
    values,
  );
  const page = rows.slice(0, f.limit);
  const last = page[page.length - 1];
  return { items: page.map(fromRow), next: rows.length > f.limit ? { openedAt: last.cursor_at, accountId: last.account_id } : null };
}
