import { DynamicModule, Inject, Injectable, Logger, Module, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { Gauge } from 'prom-client';
import { MixedList } from 'typeorm';
import { Database } from '@calm/pg';
import { ServiceMetrics } from './service-metrics';
import { sleep } from '@calm/config';
import { DeadLetterStore, NatsClient, NatsClientOptions, StreamSpec } from '@calm/jetstream';
import { OutboxRelay, OutboxRelayOptions, OutboxAudit, OutboxAuditOptions, RetentionOptions, RetentionSweeper } from '@calm/outbox';

export interface InfrastructureOptions {
  name: string;
  databaseUrl: string;
  migrations: MixedList<Function>;
  entities: MixedList<Function>;
  poolSize?: number;
  /** MIGRATIONS_RUN (default true): apply pending migrations at start, under the migration lock. */
  migrationsRun?: boolean;
  natsServers: string[];
  streams: StreamSpec[];
  /** Session timeouts of the service's pool (limits.config.ts `database`). */
  database?: { statementTimeoutMs: number; idleInTransactionTimeoutMs: number };
  duplicateWindowMs?: number;
  replicas?: number;
  relay?: OutboxRelayOptions;
  /** Which messaging tables this service keeps to a horizon, and how long (limits.config.ts). */
  retention?: RetentionOptions;
  /** The stream this service's outbox publishes to, compared with the outbox to re-drive what the broker lost. */
  audit: Pick<OutboxAuditOptions, 'stream' | 'everyMs' | 'concurrency'>;
  /** Credentials and TLS for NATS, from configuration. */
  connectOptions?: NatsClientOptions['connectOptions'];
}

export const INFRASTRUCTURE_OPTIONS = Symbol('INFRASTRUCTURE_OPTIONS');
const FLUSH_DEADLINE_MS = 5000;

/** Starts the relay once the app is up, and on shutdown closes in order: relay flush, NATS, database. */
@Injectable()
class InfrastructureLifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Lifecycle');

  constructor(
    private readonly db: Database,
    private readonly nats: NatsClient,
    private readonly relay: OutboxRelay,
    private readonly retention: RetentionSweeper,
    private readonly audit: OutboxAudit,
    @Inject(INFRASTRUCTURE_OPTIONS) private readonly options: InfrastructureOptions,
  ) {}

  onApplicationBootstrap(): void {
    this.relay.start();
    this.retention.start();
    this.audit.start(Promise.all([this.db.ready, this.nats.ready]));
  }

  async onApplicationShutdown(): Promise<void> {
    // The flush is bounded: with NATS or the database unreachable it cannot finish, and the
    // contract wants an exit within 10 s. Unpublished rows stay in the outbox for next start.
    const flushed = await Promise.race([this.relay.flush().then(() => true), sleep(FLUSH_DEADLINE_MS).then(() => false)]);
    if (!flushed) this.logger.warn(`outbox flush gave up after ${FLUSH_DEADLINE_MS} ms; unpublished events stay in the outbox`);
    await this.retention.stop();
    await this.audit.stop();
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
            new Database({
              name: options.name,
              url: options.databaseUrl,
              migrations: options.migrations,
              entities: options.entities,
              poolSize: options.poolSize,
              migrationsRun: options.migrationsRun,
              ...options.database,
            }),
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
              connectOptions: options.connectOptions,
            }),
        },
        {
          provide: OutboxRelay,
          useFactory: (db: Database, nats: NatsClient, metrics?: ServiceMetrics) => {
            const collisions = metrics?.counter(
              'calm_outbox_id_collisions_total',
              'Outbox rows whose Nats-Msg-Id matched a stored message that is not theirs (alert)',
            );
            return new OutboxRelay(db, nats, { duplicateWindowMs: options.duplicateWindowMs, onCollision: (n) => collisions?.inc(n), ...options.relay });
          },
          inject: [Database, NatsClient, { token: ServiceMetrics, optional: true }],
        },
        {
          provide: RetentionSweeper,
          useFactory: (db: Database, metrics?: ServiceMetrics) => {
            const deleted = metrics?.counter('calm_retention_deleted_rows_total', 'Rows deleted by the retention sweep, by table', ['table']);
            const expired = metrics?.counter('calm_dead_letters_expired_total', 'Dead letters deleted by retention before anyone retried them');
            return new RetentionSweeper(db, {
              onDeleted: (table, n) => deleted?.inc({ table }, n),
              onExpiredOpenLetters: (n) => expired?.inc(n),
              ...options.retention,
            });
          },
          inject: [Database, { token: ServiceMetrics, optional: true }],
        },
        {
          provide: OutboxAudit,
          useFactory: (db: Database, nats: NatsClient, relay: OutboxRelay, metrics?: ServiceMetrics) => {
            const redriven = metrics?.counter('calm_outbox_redriven_total', 'Outbox rows published again because their stream had lost them');
            const gap =
              metrics &&
              new Gauge({ name: 'calm_outbox_redrive_gap', help: 'Events the stream lost that are not stored again yet', registers: [metrics.registry] });
            return new OutboxAudit(db, () => nats.jsm, {
              onRedriven: (n) => redriven?.inc(n),
              onGap: (n) => gap?.set(n),
              wakeRelay: () => relay.wake(),
              ...options.audit,
            });
          },
          inject: [Database, NatsClient, OutboxRelay, { token: ServiceMetrics, optional: true }],
        },
        { provide: DeadLetterStore, useFactory: (db: Database) => new DeadLetterStore(db), inject: [Database] },
        InfrastructureLifecycle,
      ],
      exports: [Database, NatsClient, OutboxRelay, RetentionSweeper, OutboxAudit, DeadLetterStore],
    };
  }
}
