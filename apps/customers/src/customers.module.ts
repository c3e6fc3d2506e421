import { DynamicModule, Module } from '@nestjs/common';
import { partnersStream, streams } from '@calm/contracts';
import { InfrastructureModule, InfrastructureOptions, PlatformModule, ReadinessProbes, infrastructureProbes, ServiceMetrics } from '@calm/nest-platform';
import { OutboxRelayOptions } from '@calm/outbox';
import { NatsClient } from '@calm/jetstream';
import { CLOCK, ServiceConfig, defaultLimits, natsConnectOptions, systemClock } from '@calm/config';
import { Database } from '@calm/pg';
import { customersMigrations } from '../../../migrations/customers';
import { AnnounceCustomerConsumer } from './announce-customer/announce-customer.consumer';
import { CreateCustomerHandler } from './create-customer/create-customer.handler';
import { CreateCustomerHttpController } from './create-customer/create-customer.http.controller';
import { GetCustomerHttpController } from './get-customer/get-customer.http.controller';
import { CustomerOrmEntity } from './persistence/customer.orm-entity';
import { CustomerStore } from './persistence/customer.store';
import { ResolveCustomerResponder } from './resolve-customer/resolve-customer.responder';
import { SealCustomerHandler } from './seal-customer/seal-customer.handler';
import { SealCustomerHttpController } from './seal-customer/seal-customer.http.controller';
import { CustomerParticipant } from './twopc-participant/customer.participant';
import { CustomerParticipantHttpController } from './twopc-participant/customer-participant.http.controller';

export interface CustomersTuning {
  duplicateWindowMs?: number;
  /** How often the outbox is compared with the stream (OUTBOX_AUDIT_SECONDS otherwise). */
  auditMs?: number;
  relay?: OutboxRelayOptions;
  poolSize?: number;
  replicas?: number;
}

const httpControllers = [CreateCustomerHttpController, GetCustomerHttpController, SealCustomerHttpController];
const eventConsumers = [AnnounceCustomerConsumer];
const handlers = [CreateCustomerHandler, SealCustomerHandler, CustomerStore];
const natsResponders = [ResolveCustomerResponder];

@Module({})
export class CustomersModule {
  static forRoot(config: ServiceConfig, tuning: CustomersTuning = {}): DynamicModule {
    const { retention } = config.limits ?? defaultLimits();
    const infrastructure: InfrastructureOptions = {
      connectOptions: natsConnectOptions(config.natsAuth),
      name: 'customers',
      databaseUrl: config.databaseUrl,
      migrations: customersMigrations,
      entities: [CustomerOrmEntity],
      poolSize: tuning.poolSize,
      migrationsRun: config.migrationsRun,
      database: (config.limits ?? defaultLimits()).database,
      natsServers: config.natsServers,
      // PARTNERS: third parties' announcements, which this service alone consumes and decides.
      streams: [streams.customers, partnersStream],
      duplicateWindowMs: tuning.duplicateWindowMs,
      replicas: tuning.replicas ?? config.streamReplicas,
      relay: tuning.relay,
      retention: { outboxMs: retention.outboxMs, deadLetterMs: retention.deadLetterMs, everyMs: retention.sweepMs },
      audit: { stream: streams.customers.name, everyMs: tuning.auditMs ?? retention.auditMs },
    };
    return {
      module: CustomersModule,
      imports: [
        InfrastructureModule.forRoot(infrastructure),
        PlatformModule.forRoot({
          config,
          readiness: { useFactory: (db: Database, nats: NatsClient) => new ReadinessProbes(infrastructureProbes(db, nats)), inject: [Database, NatsClient] },
        }),
      ],
      // The two-phase commit participant API only when asked for (the coordination bench's twopc design).
      controllers: [...httpControllers, ...eventConsumers, ...(config.twopcParticipant ? [CustomerParticipantHttpController] : [])],
      providers: [
        ...handlers,
        ...(config.twopcParticipant ? [CustomerParticipant] : []),
        ...natsResponders,
        { provide: CLOCK, useValue: systemClock },
        // The outbox gauges.
        { provide: 'CUSTOMERS_METRICS', useFactory: (metrics: ServiceMetrics, db: Database) => metrics.watchOutbox(db), inject: [ServiceMetrics, Database] },
      ],
    };
  }
}
