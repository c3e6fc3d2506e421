import { Account } from '../domain/account';
import { AccountOrmEntity } from './account.orm-entity';

/** Row (TypeORM entity or raw SQL row) to domain account; times become ISO strings. */
export function toAccount(row: AccountOrmEntity): Account {
  return {
    accountId: row.accountId,
    customerId: row.customerId,
    currency: row.currency,
    status: row.status,
    openedAt: row.openedAt.toISOString(),
    validatedAt: row.validatedAt ? row.validatedAt.toISOString() : null,
  };
}
