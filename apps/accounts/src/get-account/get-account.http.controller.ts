import { Controller, Get, NotFoundException, Param, Query } from '@nestjs/common';
import { ApiBadRequestResponse, ApiNotFoundResponse, ApiOkResponse, ApiParam, ApiTags } from '@nestjs/swagger';
import { ErrorResponse, uuidParam, ZodPipe } from '@calm/nest-platform';
import { Account } from '@calm/folds';
import { AccountStore } from '../persistence/account.store';
import { AccountListResponse, AccountResponse } from './account.response.dto';
import { ApiListAccountsQuery, ListAccountsQuery, listAccountsRequest } from './list-accounts.query.dto';
import { listAccountsFilter } from './list-accounts.filter';
import { encodeCursor } from './account-cursor';

@ApiTags('accounts')
@Controller('accounts')
export class GetAccountHttpController {
  constructor(private readonly store: AccountStore) {}

  @Get(':accountId')
  @ApiParam({ name: 'accountId', format: 'uuid' })
  @ApiOkResponse({ type: AccountResponse })
  @ApiBadRequestResponse({ type: ErrorResponse, description: 'accountId is not a UUID' })
  @ApiNotFoundResponse({ type: ErrorResponse, description: 'unknown account' })
  async get(@Param('accountId', uuidParam('accountId')) accountId: string): Promise<Account> {
    const account = await this.store.get(accountId);
    if (!account) throw new NotFoundException({ statusCode: 404, message: `account ${accountId} not found` });
    return account;
  }

  @Get()
  @ApiOkResponse({ type: AccountListResponse, description: 'one page of accounts, in (openedAt, accountId) order; pass nextCursor as cursor for the next' })
  @ApiBadRequestResponse({ type: ErrorResponse, description: 'a bad filter, limit outside 1..100, or a cursor this API did not return' })
  @ApiListAccountsQuery()
  async list(@Query(new ZodPipe(listAccountsRequest)) query: ListAccountsQuery): Promise<{ items: Account[]; nextCursor: string | null }> {
    const page = await this.store.list(listAccountsFilter(query));
    return { items: page.items, nextCursor: page.next && encodeCursor(page.next) };
  }
}
