import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { NatsClient } from '@calm/jetstream';
import { CLOCK, Clock, sleep } from '@calm/config';
import { Database } from '@calm/pg';
import { AccountsMetrics } from '../metrics/accounts.metrics';
import { AccountStore } from '../persistence/account.store';
import { ShellSweep, ShellSweepOptions, SweepReport } from './shell-sweep';
import { ShellMetrics } from './shell.metrics';

export const SHELL_SWEEP_OPTIONS = Symbol('SHELL_SWEEP_OPTIONS');

export interface ShellSweepSchedule extends ShellSweepOptions {
  /** SHELL_SWEEP_SECONDS; 0 runs no sweep on a timer (sweepOnce still works). */
  sweepSeconds: number;
}

/**
 * Runs the shell sweep every SHELL_SWEEP_SECONDS in every instance; the per-customer
 * claim (stale-shells.sql.ts) keeps instances from doing the same customer twice.
 */
@Injectable()
export class ShellSweepScheduler implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('ShellSweep');
  readonly sweep: ShellSweep;
  private stopping = false;
  private readonly abort = new AbortController();
  private running?: Promise<void>;

  constructor(
    db: Database,
    nats: NatsClient,
    store: AccountStore,
    private readonly metrics: ShellMetrics,
    accountsMetrics: AccountsMetrics,
    @Inject(CLOCK) clock: Clock,
    @Inject(SHELL_SWEEP_OPTIONS) private readonly options: ShellSweepSchedule,
  ) {
    this.sweep = new ShellSweep(
      {
        pool: () => db.pool(),
        nats: () => nats.nc,
        apply: async (decision) => {
          const outcome = await store.applyOwnerDecision(decision, clock());
          accountsMetrics.converged(outcome.validatedOpenedAt);
        },
      },
      options,
    );
  }

  /** One sweep now (tests, `replay shells --resolve`), recorded in the metrics. */
  async sweepOnce(): Promise<SweepReport> {
    const report = await this.sweep.sweepOnce();
    this.metrics.record(report);
    return report;
  }

  onApplicationBootstrap(): void {
    if (this.options.sweepSeconds > 0) this.running = this.loop();
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    this.abort.abort();
    await this.running;
  }

  private async loop(): Promise<void> {
    while (!this.stopping) {
      await sleep(this.options.sweepSeconds * 1000, this.abort.signal).catch(() => undefined);
      if (this.stopping) return;
      // A database or NATS outage fails this sweep only: nothing is decided, the next one tries again.
      await this.sweepOnce().catch((err: Error) => this.logger.warn(`shell sweep failed: ${err.message}`));
    }
  }
}
