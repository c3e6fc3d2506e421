import { apiSchema } from '@calm/nest-platform';
import { CreateCustomerBody, createCustomerBody, toJsonSchema } from '@calm/contracts';

/** The body of POST /customers: its one definition is in @calm/contracts (requests.ts). */
export const createCustomerRequest = createCustomerBody;
export type CreateCustomerRequest = CreateCustomerBody;

/** Its OpenAPI schema, derived from the same definition. */
export const createCustomerRequestSchema = apiSchema('CreateCustomerRequest', toJsonSchema(createCustomerBody, 'openapi-3.0'));
