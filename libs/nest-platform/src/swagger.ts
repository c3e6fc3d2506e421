import { INestApplication } from '@nestjs/common';
import { ApiProperty, DocumentBuilder, SwaggerModule } from '@nestjs/swagger';

/** The uniform error body (HttpErrorsFilter), for the OpenAPI document. */
export class ErrorResponse {
  @ApiProperty({ example: 400 })
  statusCode: number;

  @ApiProperty({ example: 'customerId must be a UUID', description: 'names the offending field' })
  message: string;
}

/** Request schemas derived from @calm/contracts, by component name (see apiSchema). */
const namedSchemas = new Map<string, Record<string, unknown>>();

/**
 * Registers a JSON Schema (from a contract definition) as an OpenAPI component and returns
 * a reference to it, for `@ApiBody({ schema: apiSchema(...) })`.
 */
export function apiSchema(name: string, schema: Record<string, unknown>): { $ref: string } {
  namedSchemas.set(name, schema);
  return { $ref: `#/components/schemas/${name}` };
}

/** Swagger UI at /docs and the OpenAPI document at /docs-json. */
export function setupSwagger(app: INestApplication, service: string): void {
  const config = new DocumentBuilder()
    .setTitle(`calm-accounts: ${service} service`)
    .setDescription('Order-insensitive account and customer services. When API_TOKENS is set, every endpoint but /health/* and /metrics needs a bearer token.')
    .setVersion('1')
    .addBearerAuth()
    .addSecurityRequirements('bearer')
    .build();
  const document = SwaggerModule.createDocument(app, config, { extraModels: [ErrorResponse] });
  document.components = { ...document.components, schemas: { ...document.components?.schemas, ...(Object.fromEntries(namedSchemas) as object) } };
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json', yamlDocumentUrl: 'docs-yaml' });
}
