import type { DecodeResult, KnownEvent } from '@calm/contracts';
import { DynamicModule, Module } from '@nestjs/common';
import { streams } from '@calm/contracts';
import { InfrastructureModule, InfrastructureOptions, PlatformModule, ReadinessProbes, infrastructureProbes } from '@calm/nest-platform';
import { OutboxRelayOptions } from '@calm/outbox';
import { NatsClient } from '@calm/jetstream';
import { CLOCK, ServiceConfig, defaultLimits, natsConnectOptions, systemClock } from '@calm/config';
import { Database } from '@calm/pg';
import { accountsMigrations } from '../../../migrations/accounts';
import { RejectShellsWhenCustomerSealedConsumer } from './reject-shells-when-customer-sealed/reject-shells-when-customer-sealed.consumer';
import { ValidateAccountsWhenCustomerCreatedConsumer } from './validate-accounts-when-customer-created/validate-accounts-when-customer-created.consumer';
import { GetAccountHttpController } from './get-account/get-account.http.controller';
import { OpenAccountHandler } from './open-account/open-account.handler';
import { OpenAccountHttpController } from './open-account/open-account.http.controller';
import { AccountsMetrics } from './metrics/accounts.metrics';
import { AccountStore, DEFAULT_OPEN_GROUP_COMMIT, OPEN_GROUP_COMMIT } from './persistence/account.store';
import { GroupCommitOptions } from './persistence/group-commit';
import { SHELL_SWEEP_OPTIONS, ShellSweepSchedule, ShellSweepScheduler } from './resolve-shells/shell-sweep.scheduler';
import { ShellMetrics } from './resolve-shells/shell.metrics';
import { AccountParticipant } from './twopc-participant/account.participant';
import { AccountParticipantHttpController } from './twopc-participant/account-participant.http.controller';

/**
 * Batches each customer-facts consumer applies at once. Safe because the join is
 * order-insensitive (CALM) and batches sharing a customer serialise on its advisory
 * lock, all taking locks in key order (no deadlock). Two raised the events ratio from
 * 0.59-0.62 to 0.74-0.80 after a REST phase (bench/results/ab/consumer-concurrency-after-fetch);
 * four took away the wait of a message that arrives while every batch in flight is
 * committing (the convergence phase's batch-pump stage: p99 30-45 ms to 1-2 ms at 4
 * accounts in flight), with no loss of events ratio (bench/results/ab/customer-facts-concurrency-4).
 */
export const CUSTOMER_FACTS_CONCURRENCY = 4;

/** Knobs that are not part of the contract's configuration: tests and benchmarks set them. */
export interface AccountsTuning {
  duplicateWindowMs?: number;
  /** How often the outbox is compared with the stream (OUTBOX_AUDIT_SECONDS otherwise). */
  auditMs?: number;
  relay?: OutboxRelayOptions;
  consumer?: {
    enabled?: boolean;
    batchSize?: number;
    /** Batches applied at once by each customer-facts consumer (default CUSTOMER_FACTS_CONCURRENCY). */
    concurrency?: number;
    maxDeliver?: number;
    ackWaitMs?: number;
    backoffMs?: number[];
    /** Tests only: a looser decoder, to show the consumer isolates what the database refuses. */
    decode?: (bytes: Uint8Array, subject: string) => DecodeResult<KnownEvent>;
  };
  poolSize?: number;
  replicas?: number;
  /** Group commit of POST /accounts; { maxBatch: 1 } turns it off (one transaction per request). */
  groupCommit?: GroupCommitOptions;
  /** Overrides of the shell sweep (SHELL_GRACE_SECONDS / SHELL_SWEEP_SECONDS and its request timeout). */
  shells?: Partial<ShellSweepSchedule>;
}

const httpControllers = [OpenAccountHttpController, GetAccountHttpController];
const eventConsumers = [ValidateAccountsWhenCustomerCreatedConsumer, RejectShellsWhenCustomerSealedConsumer];
const handlers = [OpenAccountHandler, AccountStore];
const observability = [AccountsMetrics, ShellMetrics];
const sweeps = [ShellSweepScheduler];

@Module({})
export class AccountsModule {
  static forRoot(config: ServiceConfig, tuning: AccountsTuning = {}): DynamicModule {
    const { retention } = config.limits ?? defaultLimits();
    const infrastructure: InfrastructureOptions = {
      connectOptions: natsConnectOptions(config.natsAuth),
      name: 'accounts',
      databaseUrl: config.databaseUrl,
      migrations: accountsMigrations,
      // No TypeORM entities: every account query is plain SQL (persistence/*.sql.ts).
      entities: [],
      poolSize: tuning.poolSize,
      migrationsRun: config.migrationsRun,
      database: (config.limits ?? defaultLimits()).database,
      natsServers: config.natsServers,
      // ACCOUNTS is where this service publishes; CUSTOMERS is created too so the
      // consumer can attach even before the customer service has ever run.
      streams: [streams.accounts, streams.customers],
      duplicateWindowMs: tuning.duplicateWindowMs,
      replicas: tuning.replicas ?? config.streamReplicas,
      relay: tuning.relay,
      // The account service consumes events: it has an inbox and dead letters to keep bounded.
      retention: { outboxMs: retention.outboxMs, inboxMs: retention.inboxMs, deadLetterMs: retention.deadLetterMs, everyMs: retention.sweepMs },
      audit: { stream: streams.accounts.name, everyMs: tuning.auditMs ?? retention.auditMs },
    };
    return {
      module: AccountsModule,
      imports: [
        InfrastructureModule.forRoot(infrastructure),
        PlatformModule.forRoot({
          config,
          // The consumer's probe is added by startAccountsService once the consumer exists.
          readiness: { useFactory: (db: Database, nats: NatsClient) => new ReadinessProbes(infrastructureProbes(db, nats)), inject: [Database, NatsClient] },
        }),
      ],
      // The two-phase commit participant API only when asked for (the coordination bench's twopc design).
      controllers: [...httpControllers, ...eventConsumers, ...(config.twopcParticipant ? [AccountParticipantHttpController] : [])],
      providers: [
        ...handlers,
        ...(config.twopcParticipant ? [AccountParticipant] : []),
        ...observability,
        ...sweeps,
        { provide: CLOCK, useValue: systemClock },
        {
          provide: OPEN_GROUP_COMMIT,
          useValue: { ...DEFAULT_OPEN_GROUP_COMMIT, ...(config.limits ?? defaultLimits()).writeQueue, ...tuning.groupCommit },
        },
        {
          provide: SHELL_SWEEP_OPTIONS,
          useValue: {
            graceSeconds: config.shellGraceSeconds ?? 3600,
            sweepSeconds: config.shellSweepSeconds ?? 60,
            ...tuning.shells,
          } satisfies ShellSweepSchedule,
        },
      ],
    };
  }
}
