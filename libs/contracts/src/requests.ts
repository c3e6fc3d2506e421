import { z } from 'zod';
import { email, isoCurrency, text, uuid } from './fields';

/**
 * The REST request bodies, built from the same fields as the events (fields.ts), so that
 * whatever the API accepts, the event schema accepts. Unknown fields are refused.
 */
export const openAccountBody = z.strictObject({
  /** Caller-assigned key; makes the call idempotent. */
  accountId: uuid
    .optional()
    .meta({
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
  customerId: uuid
    .optional()
    .meta({
      example: '1f2e3d4c-5b6a-4798-8a7b-6c5d4e3f2a10',
      description: 'caller-assigned key, any letter case (answered lower-case); omit to let the service assign one',
    }),
  name: text(1, 200).meta({ example: 'Ada Lovelace', description: '1 to 200 Unicode code points, no NUL, no lone surrogate' }),
  email: email.meta({ example: 'ada@example.com' }),
});
export type CreateCustomerBody = z.output<typeof createCustomerBody>;
