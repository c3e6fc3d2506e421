import { DynamicModule, Inject, Injectable, Logger, Module, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { MixedList } from 'typeorm';
import { Database } from '@calm/platform';
import { DeadLetterStore } from './dead-letter';
import { NatsClient, StreamSpec } from './nats-client';
import { OutboxRelay, OutboxRelayOptions } from './outbox';

export interface InfrastructureOptions {
  name: string;
  databaseUrl: string;
  migrations: MixedList<Function>;
  entities: MixedList<Function>;
  poolSize?: number;
  natsServers: string[];
  streams: StreamSpec[];
  duplicateWindowMs?: number;
  replicas?: number;
  relay?: OutboxRelayOptions;
}

export const INFRASTRUCTURE_OPTIONS = Symbol('INFRASTRUCTURE_OPTIONS');

/** Starts the relay once the app is up, and on shutdown closes in order: relay flush, NATS, database. */
@Injectable()
class InfrastructureLifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Lifecycle');

  constructor(
    private readonly db: Database,
    private readonly nats: NatsClient,
    private readonly relay: OutboxRelay,
    @Inject(INFRASTRUCTURE_OPTIONS) private readonly options: InfrastructureOptions,
  ) {}

  onApplicationBootstrap(): void {
    this.relay.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.relay.flush();
    await this.nats.close();
    await this.db.close();
    this.logger.log(`${this.options.name} stopped`);
  }
}

/** Database, NATS, outbox relay and dead letters for one service, as global providers. */
@Module({})
export class InfrastructureModule {
  static forRoot(options: InfrastructureOptions): DynamicModule {
    return {
      module: InfrastructureModule,
      global: true,
      providers: [
        { provide: INFRASTRUCTURE_OPTIONS, useValue: options },
        {
          provide: Database,
          useFactory: () =>
            new Database({ name: options.name, url: options.databaseUrl, migrations: options.migrations, entities: options.entities, poolSize: options.poolSize }),
        },
        {
          provide: NatsClient,
          useFactory: () =>
            new NatsClient({
              name: options.name,
              servers: options.natsServers,
              streams: options.streams,
              duplicateWindowMs: options.duplicateWindowMs,
              replicas: options.replicas,
            }),
        },
        { provide: OutboxRelay, useFactory: (db: Database, nats: NatsClient) => new OutboxRelay(db, nats, options.relay), inject: [Database, NatsClient] },
        { provide: DeadLetterStore, useFactory: (db: Database) => new DeadLetterStore(db), inject: [Database] },
        InfrastructureLifecycle,
      ],
      exports: [Database, NatsClient, OutboxRelay, DeadLetterStore],
    };
  }
}
