import { Logger } from '@nestjs/common';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { ServiceConfig, createHttpApp } from '@calm/platform';
import { CustomersModule, CustomersTuning } from './customers.module';

/** Builds and starts the customer service: HTTP and the outbox relay. */
export async function startCustomersService(config: ServiceConfig, tuning: CustomersTuning = {}): Promise<{ app: NestFastifyApplication; url: string }> {
  const app = await createHttpApp(CustomersModule.forRoot(config, tuning), config.limits?.http);
  await app.listen({ port: config.httpPort, host: config.httpHost ?? '0.0.0.0' });
  if (!config.apiTokens) new Logger('customers').warn('API_TOKENS is unset: the API is open to anyone who can reach it');
  return { app, url: await app.getUrl() };
}
