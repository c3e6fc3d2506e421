import { Logger } from '@nestjs/common';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { ConsumerWiring, KnownEvent, fastDecodeEvent } from '@calm/contracts';
import { DeadLetterStore, JetStreamServer, NatsClient } from '@calm/jetstream';
import { Database, isDataError, isTransientDatabaseError } from '@calm/pg';
import { ReadinessProbes, createHttpApp } from '@calm/nest-platform';
import { ServiceConfig, defaultLimits } from '@calm/config';
import { AccountsModule, AccountsTuning, CUSTOMER_FACTS_CONCURRENCY } from './accounts.module';
import { AccountsMetrics } from './metrics/accounts.metrics';
import { RejectShellsWhenCustomerSealedConsumer } from './reject-shells-when-customer-sealed/reject-shells-when-customer-sealed.consumer';
import { ValidateAccountsWhenCustomerCreatedConsumer } from './validate-accounts-when-customer-created/validate-accounts-when-customer-created.consumer';

export interface RunningService {
  app: NestFastifyApplication;
  consumer: JetStreamServer<KnownEvent>;
  sealedConsumer: JetStreamServer<KnownEvent>;
  url: string;
}

/** Builds and starts the account service: HTTP, the customer.created and customer.sealed consumers, the relay, the shell sweep. */
export async function startAccountsService(config: ServiceConfig, tuning: AccountsTuning = {}): Promise<RunningService> {
  const app = await createHttpApp(AccountsModule.forRoot(config, tuning), config.limits?.http);
  const limits = config.limits?.consumer ?? defaultLimits().consumer;
  const deliveries = { ...tuning, consumer: { maxDeliver: limits.maxDeliver, ackWaitMs: limits.ackWaitMs, ...tuning.consumer } };
  const consumer = customerConsumer(app, deliveries, ValidateAccountsWhenCustomerCreatedConsumer.wiring);
  const sealedConsumer = customerConsumer(app, deliveries, RejectShellsWhenCustomerSealedConsumer.wiring);
  // An instance may serve HTTP only (several copies share one durable consumer otherwise).
  if (tuning.consumer?.enabled !== false) {
    for (const c of [consumer, sealedConsumer]) {
      app.get(ReadinessProbes).add(c === consumer ? 'consumer' : 'sealed-consumer', async () => {
        if (!c.isConsuming) throw new Error(`consumer ${c.durable} is not attached`);
      });
      app.connectMicroservice({ strategy: c });
    }
    await app.startAllMicroservices();
  }
  await app.listen({ port: config.httpPort, host: config.httpHost ?? '0.0.0.0' });
  if (!config.apiTokens) new Logger('accounts').warn('API_TOKENS is unset: the API is open to anyone who can reach it');
  return { app, consumer, sealedConsumer, url: await app.getUrl() };
}

function customerConsumer(
  app: NestFastifyApplication,
  tuning: AccountsTuning,
  { stream, durable, filterSubject }: ConsumerWiring,
): JetStreamServer<KnownEvent> {
  const db = app.get(Database);
  return new JetStreamServer<KnownEvent>({
    nats: app.get(NatsClient),
    deadLetters: app.get(DeadLetterStore),
    stream,
    durable,
    filterSubject,
    decode: tuning.consumer?.decode ?? fastDecodeEvent,
    isTransient: isTransientDatabaseError,
    isPermanent: isDataError,
    dependenciesReady: () => db.ready,
    checkHealth: () => db.ping(),
    batchSize: tuning.consumer?.batchSize,
    concurrency: tuning.consumer?.concurrency ?? CUSTOMER_FACTS_CONCURRENCY,
    maxDeliver: tuning.consumer?.maxDeliver,
    ackWaitMs: tuning.consumer?.ackWaitMs,
    backoffMs: tuning.consumer?.backoffMs,
    onOutcome: app.get(AccountsMetrics).onOutcome,
  });
}
