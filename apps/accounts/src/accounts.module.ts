import { DynamicModule, Module } from '@nestjs/common';
import { streams } from '@calm/contracts';
import { InfrastructureModule, OutboxRelayOptions } from '@calm/messaging';
import { CLOCK, ServiceConfig, systemClock } from '@calm/platform';
import { accountsMigrations } from '../../../migrations/accounts';
import { CustomerCreatedConsumer } from './customer-created/customer-created.consumer';
import { GetAccountHttpController } from './get-account/get-account.http.controller';
import { OpenAccountHandler } from './open-account/open-account.handler';
import { OpenAccountHttpController } from './open-account/open-account.http.controller';
import { AccountOrmEntity } from './persistence/account.orm-entity';
import { AccountStore } from './persistence/account.store';

/** Knobs that are not part of the contract's configuration: tests and benchmarks set them. */
export interface AccountsTuning {
  duplicateWindowMs?: number;
  relay?: OutboxRelayOptions;
  consumer?: { enabled?: boolean; batchSize?: number; maxDeliver?: number; ackWaitMs?: number; backoffMs?: number[] };
  poolSize?: number;
  replicas?: number;
}

const httpControllers = [OpenAccountHttpController, GetAccountHttpController];
const eventConsumers = [CustomerCreatedConsumer];
const handlers = [OpenAccountHandler, AccountStore];

@Module({})
export class AccountsModule {
  static forRoot(config: ServiceConfig, tuning: AccountsTuning = {}): DynamicModule {
    return {
      module: AccountsModule,
      imports: [
        InfrastructureModule.forRoot({
          name: 'accounts',
          databaseUrl: config.databaseUrl,
          migrations: accountsMigrations,
          entities: [AccountOrmEntity],
          poolSize: tuning.poolSize,
          natsServers: config.natsServers,
          // ACCOUNTS is where this service publishes; CUSTOMERS is created too so the
          // consumer can attach even before the customer service has ever run.
          streams: [streams.accounts, streams.customers],
          duplicateWindowMs: tuning.duplicateWindowMs,
          replicas: tuning.replicas,
          relay: tuning.relay,
        }),
      ],
      controllers: [...httpControllers, ...eventConsumers],
      providers: [...handlers, { provide: CLOCK, useValue: systemClock }],
    };
  }
}
