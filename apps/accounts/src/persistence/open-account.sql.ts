import type { AccountRow } from './account.mapper';

/** The account row, and whether this statement inserted it. */
export interface OpenRow extends AccountRow {
  created: boolean;
}

/**
 * One POST /accounts: the "account opened" path of the join. The service sends it as a
 * member of a group commit, one call of open_accounts (open-accounts-batch.sql.ts),
 * which takes the write-skew guard for all its members and then calls open_account
 * for each (join/open-account.function.ts: the account
 * inserted already joined, its account.opened and the event of its outcome written to
 * the outbox, or the existing row answered with created = false).
 */
export interface OpenAccountCommand {
  accountId: string;
  customerId: string;
  currency: string;
}
