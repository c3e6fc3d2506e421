import { DynamicModule, Module } from '@nestjs/common';
import { streams } from '@calm/contracts';
import { InfrastructureModule, OutboxRelayOptions } from '@calm/messaging';
import { CLOCK, ServiceConfig, systemClock } from '@calm/platform';
import { customersMigrations } from '../../../migrations/customers';
import { CreateCustomerHandler } from './create-customer/create-customer.handler';
import { CreateCustomerHttpController } from './create-customer/create-customer.http.controller';
import { GetCustomerHttpController } from './get-customer/get-customer.http.controller';
import { CustomerOrmEntity } from './persistence/customer.orm-entity';
import { CustomerStore } from './persistence/customer.store';

export interface CustomersTuning {
  duplicateWindowMs?: number;
  relay?: OutboxRelayOptions;
  poolSize?: number;
  replicas?: number;
}

const httpControllers = [CreateCustomerHttpController, GetCustomerHttpController];
const handlers = [CreateCustomerHandler, CustomerStore];

@Module({})
export class CustomersModule {
  static forRoot(config: ServiceConfig, tuning: CustomersTuning = {}): DynamicModule {
    return {
      module: CustomersModule,
      imports: [
        InfrastructureModule.forRoot({
          name: 'customers',
          databaseUrl: config.databaseUrl,
          migrations: customersMigrations,
          entities: [CustomerOrmEntity],
          poolSize: tuning.poolSize,
          natsServers: config.natsServers,
          streams: [streams.customers],
          duplicateWindowMs: tuning.duplicateWindowMs,
          replicas: tuning.replicas,
          relay: tuning.relay,
        }),
      ],
      controllers: httpControllers,
      providers: [...handlers, { provide: CLOCK, useValue: systemClock }],
    };
  }
}
