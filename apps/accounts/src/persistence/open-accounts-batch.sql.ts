import type { Pool } from 'pg';
import { Queryable, Sql, queryNamed } from '@calm/messaging';
import { JoinOptions, lockCustomersSql } from './account-join.sql';
import type { OpenRow } from './open-account.sql';

/** One POST's share of a group commit: its customer, its account id and its own "open" statement (openAccountStatements). */
export interface OpenMember {
  accountId: string;
  customerId: string;
  open: Sql;
}

/**
 * Several POSTs' "account opened" paths in ONE transaction (group commit, see
 * group-commit.ts): one simple-protocol message, which PostgreSQL runs as one implicit
 * transaction with one commit.
 *
 * 1. The write-skew guard for every member at once (lockCustomersSql, the same lock
 *    statement as the customer path): the advisory lock of each customer, distinct keys
 *    in key order, so two batches, or a batch and a customer batch, cannot deadlock on
 *    them. It is a statement of its own, before any member reads known_customer.
 * 2. Each member's own open statement, unchanged, in account id order (two batches
 *    holding the same ids insert them in the same order, so their unique-key waits
 *    cannot form a cycle). Under READ COMMITTED each statement takes a new snapshot,
 *    after all the locks were granted: every member sees every customer path that
 *    committed before, exactly as alone. A member that repeats an earlier member's
 *    account id sees that row (its own transaction's write) and answers it as existing:
 *    200 or 409, decided per member by the caller.
 *
 * Answers one row per member, in the members' order (null: the account exists but
 * committed after that statement's snapshot; the caller reads it again).
 */
export function openAccountsBatchStatements(members: readonly OpenMember[], options: JoinOptions = {}): { statements: Record<string, Sql>; order: number[] } {
  // Lower case: a UUID may arrive in any case, and the order must be the same in every batch.
  const key = members.map((m) => m.accountId.toLowerCase());
  const order = members.map((_, i) => i).sort((a, b) => (key[a] < key[b] ? -1 : key[a] > key[b] ? 1 : a - b));
  const statements: Record<string, Sql> = {
    lock: lockCustomersSql(
      members.map((m) => m.customerId),
      options,
    ),
  };
  order.forEach((member, position) => (statements[`open_${position}`] = members[member].open));
  return { statements, order };
}

export async function runOpenAccounts(db: Pool | Queryable, members: readonly OpenMember[], options: JoinOptions = {}): Promise<(OpenRow | null)[]> {
  const { statements, order } = openAccountsBatchStatements(members, options);
  const results = await queryNamed(db, statements);
  const rows: (OpenRow | null)[] = new Array(members.length);
  order.forEach((member, position) => (rows[member] = (results[`open_${position}`].rows[0] as OpenRow | undefined) ?? null));
  return rows;
}
