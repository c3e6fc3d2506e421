import { BadRequestException } from '@nestjs/common';
import type { ListAccountsFilter } from '../persistence/list-accounts.sql';
import { decodeCursor } from './account-cursor';
import { ListAccountsQuery } from './list-accounts.query.dto';

export const LIST_LIMIT_DEFAULT = 50;

const bad = (message: string) => new BadRequestException({ statusCode: 400, message, error: 'Bad Request' });

/** What GET /accounts asks the store for. The rules that span fields (each field's own shape is checked by its schema, listAccountsQuery). */
export function listAccountsFilter(q: ListAccountsQuery): ListAccountsFilter {
  if (q.olderThanSeconds !== undefined && q.status !== 'pending') throw bad('olderThanSeconds needs status=pending (it selects stale shells)');
  const after = q.cursor === undefined ? undefined : decodeCursor(q.cursor);
  if (after === null) throw bad('cursor is not a nextCursor this API returned');
  return {
    customerId: q.customerId,
    status: q.status,
    olderThanSeconds: q.olderThanSeconds === undefined ? undefined : Number(q.olderThanSeconds),
    after,
    limit: q.limit === undefined ? LIST_LIMIT_DEFAULT : Number(q.limit),
  };
}
