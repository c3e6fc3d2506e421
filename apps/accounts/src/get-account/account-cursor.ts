import { isCanonicalUuid } from '@calm/contracts';
import type { AccountCursor } from '../persistence/list-accounts.sql';

/*
 * The keyset cursor of GET /accounts (AccountCursor: the store's position in the list's
 * stable order) on the wire: opaque to clients (base64url of JSON) and exact to the
 * microsecond (PostgreSQL's precision), so no row is skipped or shown twice between
 * pages. Any string the API did not produce is refused, never guessed at.
 */

const OPENED_AT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;

export function encodeCursor(cursor: AccountCursor): string {
  return Buffer.from(JSON.stringify([cursor.openedAt, cursor.accountId]), 'utf8').toString('base64url');
}

/** The cursor, or null when the string is not one this API returned. */
export function decodeCursor(text: string): AccountCursor | null {
  if (text.length > 200 || !/^[A-Za-z0-9_-]+$/.test(text)) return null;
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    return null;
  }
  if (!Array.isArray(value) || value.length !== 2) return null;
  const [openedAt, accountId] = value as unknown[];
  if (typeof openedAt !== 'string' || typeof accountId !== 'string') return null;
  if (!OPENED_AT.test(openedAt) || !isCanonicalUuid(accountId)) return null;
  // The pattern admits impossible dates (2024-02-30): PostgreSQL would refuse them with a 500.
  if (Number.isNaN(Date.parse(openedAt)) || new Date(Date.parse(openedAt)).toISOString().slice(0, 10) !== openedAt.slice(0, 10)) return null;
  return { openedAt, accountId };
}
