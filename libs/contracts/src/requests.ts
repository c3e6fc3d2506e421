import { z } from 'zod';
import { email, isoCurrency, text, uuid } from './fields';

/**
 * The REST request bodies, built from the same fields as the events (fields.ts), so that
 * whatever the API accepts, the event schema accepts. Unknown fields are refused.
 */
export const openAccountBody = z.strictObject({
  /** Caller-assigned key; makes the call idempotent. */
  accountId: uuid.optional().meta({ description: 'caller-assigned key, any letter case (answered lower-case); omit to let the service assign one' }),
  customerId: uuid.meta({ description: 'the customer need not exist yet; any letter case (answered lower-case)' }),
  currency: isoCurrency.optional().meta({ description: 'ISO 4217 code in any letter case, stored upper-case; EUR when omitted' }),
});
export type OpenAccountBody = z.output<typeof openAccountBody>;

export const createCustomerBody = z.strictObject({
  customerId: uuid.optional().meta({ description: 'caller-assigned key, any letter case (answered lower-case); omit to let the service assign one' }),
  name: text(1, 200).meta({ description: '1 to 200 Unicode code points, no NUL, no lone surrogate' }),
  email,
});
export type CreateCustomerBody = z.output<typeof createCustomerBody>;
