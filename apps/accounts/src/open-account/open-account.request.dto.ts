import { apiSchema } from '@calm/nest-platform';
import { OpenAccountBody, openAccountBody, toJsonSchema } from '@calm/contracts';

/** The body of POST /accounts: its one definition is in @calm/contracts (requests.ts). */
export const openAccountRequest = openAccountBody;
export type OpenAccountRequest = OpenAccountBody;

/** Its OpenAPI schema, derived from the same definition. */
export const openAccountRequestSchema = apiSchema('OpenAccountRequest', toJsonSchema(openAccountBody, 'openapi-3.0'));
