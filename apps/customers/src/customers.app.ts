import { Logger } from '@nestjs/common';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { PartnerCustomerAnnounced, decodePartnerAnnouncement } from '@calm/contracts';
import { DeadLetterStore, JetStreamServer, NatsClient } from '@calm/jetstream';
import { Database, isDataError, isTransientDatabaseError } from '@calm/pg';
import { ReadinessProbes, createHttpApp } from '@calm/nest-platform';
import { ServiceConfig } from '@calm/config';
import { AnnounceCustomerConsumer } from './announce-customer/announce-customer.consumer';
import { CustomersModule, CustomersTuning } from './customers.module';

/** Builds and starts the customer service: HTTP, the outbox relay and the partner announcements' consumer. */
export async function startCustomersService(config: ServiceConfig, tuning: CustomersTuning = {}): Promise<{ app: NestFastifyApplication; url: string }> {
  const app = await createHttpApp(CustomersModule.forRoot(config, tuning), config.limits?.http);
  const announcements = partnerConsumer(app);
  app.get(ReadinessProbes).add('partner-consumer', async () => {
    if (!announcements.isConsuming) throw new Error(`consumer ${announcements.durable} is not attached`);
  });
  app.connectMicroservice({ strategy: announcements });
  await app.startAllMicroservices();
  await app.listen({ port: config.httpPort, host: config.httpHost ?? '0.0.0.0' });
  if (!config.apiTokens) new Logger('customers').warn('API_TOKENS is unset: the API is open to anyone who can reach it');
  return { app, url: await app.getUrl() };
}

/** One announcement at a time: each is one decision under the id's row, and a refusal is that message's own dead letter. */
function partnerConsumer(app: NestFastifyApplication): JetStreamServer<PartnerCustomerAnnounced> {
  const db = app.get(Database);
  const { stream, durable, filterSubject } = AnnounceCustomerConsumer.wiring;
  return new JetStreamServer<PartnerCustomerAnnounced>({
    nats: app.get(NatsClient),
    deadLetters: app.get(DeadLetterStore),
    stream,
    durable,
    filterSubject,
    decode: decodePartnerAnnouncement,
    isTransient: isTransientDatabaseError,
    isPermanent: isDataError,
    dependenciesReady: () => db.ready,
    checkHealth: () => db.ping(),
    batchSize: 32,
  });
}
