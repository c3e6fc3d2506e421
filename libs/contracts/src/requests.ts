import { z } from 'zod';
import { email, isoCurrency, text, uuid } from './fields';

/**
 * The REST request bodies, built from the same fields as the events (fields.ts), so that
 * whatever the API accepts, the event schema accepts. Unknown fields are refused.
 */
export const openAccountBody = z.strictObject({
  /** Caller-assigned key; makes the call idempotent. */
  accountId: uuid.optional().meta({
    example: '8d3c1f2e-5b7a-4c1d-9e2f-0a1b2c3d4e5f',
    description: 'caller-assigned key, any letter case (answered lower-case); omit to let the service assign one',
  }),
  customerId: uuid.meta({
    example: '1f2e3d4c-5b6a-4798-8a7b-6c5d4e3f2a10',
    description: 'the customer need not exist yet; any letter case (answered lower-case)',
  }),
  currency: isoCurrency
    .optional()
    .meta({ example: 'EUR', default: 'EUR', description: 'ISO 4217 code in any letter case, stored upper-case; EUR when omitted' }),
});
export type OpenAccountBody = z.output<typeof openAccountBody>;

export const createCustomerBody = z.strictObject({
  customerId: uuid.optional().meta({
    example: '1f2e3d4c-5b6a-4798-8a7b-6c5d4e3f2a10',
    description: 'caller-assigned key, any letter case (answered lower-case); omit to let the service assign one',
  }),
  name: text(1, 200).meta({ example: 'Ada Lovelace', description: '1 to 200 Unicode code points, no NUL, no lone surrogate' }),
  email: email.meta({ example: 'ada@example.com' }),
});
export type CreateCustomerBody = z.output<typeof createCustomerBody>;

/** Digits only: a query string carries text, and "1e3" or " 5" is not a count. */
const digits = (pattern: RegExp, error: string) => z.string({ error }).regex(pattern, { error });

/**
 * The query of GET /accounts, field by field (the rules across fields are in the account
 * service's list-accounts.filter.ts). Unknown parameters are refused; a parameter given
 * twice arrives as a list and is refused too.
 */
export const listAccountsQuery = z.strictObject({
  customerId: uuid.optional().meta({
    example: '1f2e3d4c-5b6a-4798-8a7b-6c5d4e3f2a10',
    description: 'accounts of this customer, any letter case (with no filter: every account)',
  }),
  status: z
    .enum(['pending', 'valid', 'rejected'], { error: 'must be one of pending, valid, rejected' })
    .optional()
    .meta({ description: 'accounts in this status' }),
  olderThanSeconds: digits(/^(0|[1-9][0-9]{0,9})$/, 'must be a non-negative integer (seconds)')
    .optional()
    .meta({ description: 'with status=pending: only shells opened more than this many seconds ago (0 to 9999999999)' }),
  limit: digits(/^(100|[1-9][0-9]?)$/, 'must be an integer from 1 to 100')
    .optional()
    .meta({ default: '50', description: 'page size, 1 to 100' }),
  cursor: z.string({ error: 'must be a string' }).optional().meta({ description: 'the nextCursor of the previous page (opaque)' }),
});
export type ListAccountsQueryParams = z.output<typeof listAccountsQuery>;
