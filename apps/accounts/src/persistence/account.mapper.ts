import type { QueryConfig, QueryResult, QueryResultRow } from 'pg';
import { Account, AccountStatus } from '@calm/folds';

/** A raw row of the account table, as the hot paths select it. */
export interface AccountRow {
  account_id: string;
  customer_id: string;
  currency: string;
  status: AccountStatus;
  opened_at: Date;
  validated_at: Date | null;
  rejected_at: Date | null;
}

export const ACCOUNT_COLUMNS = 'account_id, customer_id, currency, status, opened_at, validated_at, rejected_at';

export function fromRow(row: AccountRow): Account {
  return {
    accountId: row.account_id,
    customerId: row.customer_id,
    currency: row.currency,
    status: row.status,
    openedAt: row.opened_at.toISOString(),
    validatedAt: row.validated_at ? row.validated_at.toISOString() : null,
    rejectedAt: row.rejected_at ? row.rejected_at.toISOString() : null,
  };
}

/** A pg Pool or Client. */
export interface Queryable {
  query<R extends QueryResultRow>(config: QueryConfig): Promise<QueryResult<R>>;
}

/** One account as the service answers it (GET /accounts/{id}), or null when there is none. */
export async function readAccount(db: Queryable, accountId: string): Promise<Account | null> {
  const { rows } = await db.query<AccountRow>({
    name: 'account-get',
    text: `SELECT ${ACCOUNT_COLUMNS} FROM account WHERE account_id = $1`,
    values: [accountId],
  });
  return rows[0] ? fromRow(rows[0]) : null;
}
