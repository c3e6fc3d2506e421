import { applyDecorators } from '@nestjs/common';
import { ApiQuery } from '@nestjs/swagger';
import { ListAccountsQueryParams, listAccountsQuery, toJsonSchema } from '@calm/contracts';

/** The query of GET /accounts: its one definition is in @calm/contracts (requests.ts). */
export const listAccountsRequest = listAccountsQuery;
export type ListAccountsQuery = ListAccountsQueryParams;

/** Its OpenAPI parameters, derived from the same definition (all optional). */
export function ApiListAccountsQuery(): MethodDecorator {
  const { properties } = toJsonSchema(listAccountsQuery, 'openapi-3.0') as { properties: Record<string, { description?: string }> };
  return applyDecorators(
    ...Object.entries(properties).map(([name, schema]) => ApiQuery({ name, required: false, description: schema.description, schema: schema as object })),
  );
}
