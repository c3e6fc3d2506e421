import { Logger } from '@nestjs/common';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { KnownEvent, fastDecodeEvent, streams } from '@calm/contracts';
import { DeadLetterStore, JetStreamServer, NatsClient } from '@calm/messaging';
import { Database, ReadinessProbes, ServiceConfig, createHttpApp, isDataError, isTransientDatabaseError } from '@calm/platform';
import { AccountsModule, AccountsTuning } from './accounts.module';
import { ACCOUNTS_CONSUMER, AccountsMetrics } from './metrics/accounts.metrics';

export { ACCOUNTS_CONSUMER };

export interface RunningService {
  app: NestFastifyApplication;
  consumer: JetStreamServer<KnownEvent>;
  url: string;
}

/** Builds and starts the account service: HTTP, the customer.created consumer, the relay. */
export async function startAccountsService(config: ServiceConfig, tuning: AccountsTuning = {}): Promise<RunningService> {
  const app = await createHttpApp(AccountsModule.forRoot(config, tuning), config.limits?.http);
  const db = app.get(Database);
  const consumer = new JetStreamServer<KnownEvent>({
    nats: app.get(NatsClient),
    deadLetters: app.get(DeadLetterStore),
    stream: streams.customers.name,
    durable: ACCOUNTS_CONSUMER,
    filterSubject: 'customer.created.>',
    decode: tuning.consumer?.decode ?? fastDecodeEvent,
    isTransient: isTransientDatabaseError,
    isPermanent: isDataError,
    dependenciesReady: () => db.ready,
    checkHealth: () => db.ping(),
    batchSize: tuning.consumer?.batchSize,
    maxDeliver: tuning.consumer?.maxDeliver,
    ackWaitMs: tuning.consumer?.ackWaitMs,
    backoffMs: tuning.consumer?.backoffMs,
    onOutcome: app.get(AccountsMetrics).onOutcome,
  });
  // An instance may serve HTTP only (several copies share one durable consumer otherwise).
  if (tuning.consumer?.enabled !== false) {
    app.get(ReadinessProbes).add('consumer', async () => {
      if (!consumer.isConsuming) throw new Error(`consumer ${ACCOUNTS_CONSUMER} is not attached`);
    });
    app.connectMicroservice({ strategy: consumer });
    await app.startAllMicroservices();
  }
  await app.listen({ port: config.httpPort, host: process.env.HTTP_HOST ?? '0.0.0.0' });
  if (!config.apiTokens) new Logger('accounts').warn('API_TOKENS is unset: the API is open to anyone who can reach it');
  return { app, consumer, url: await app.getUrl() };
}
