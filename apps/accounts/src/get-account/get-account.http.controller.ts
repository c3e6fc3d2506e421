import { Controller, Get, NotFoundException, Param, Query } from '@nestjs/common';
import { uuidParam } from '@calm/platform';
import { Account } from '../domain/account';
import { AccountStore } from '../persistence/account.store';
import { ListAccountsQuery } from './list-accounts.query.dto';

@Controller('accounts')
export class GetAccountHttpController {
  constructor(private readonly store: AccountStore) {}

  @Get(':accountId')
  async get(@Param('accountId', uuidParam('accountId')) accountId: string): Promise<Account> {
    const account = await this.store.get(accountId);
    if (!account) throw new NotFoundException({ statusCode: 404, message: `account ${accountId} not found` });
    return account;
  }

  @Get()
  async list(@Query() query: ListAccountsQuery): Promise<{ items: Account[] }> {
    return { items: await this.store.listByCustomer(query.customerId) };
  }
}
