import { Injectable } from '@nestjs/common';
import { Counter, Histogram } from 'prom-client';
import { consumers } from '@calm/contracts';
import { NatsClient } from '@calm/jetstream';
import { Database } from '@calm/pg';
import { ServiceMetrics } from '@calm/nest-platform';
import type { CustomerFactsOutcome, OpenOutcome } from '../persistence/account.store';
import { accountStats } from './account-stats.sql';

/**
 * The account service's own series. Counters move in-process (consumer outcomes,
 * convergence); gauges that describe stored state are read from the database at most
 * once per METRICS_REFRESH_SECONDS, so they are right whichever instance did the work
 * and a scrape rate cannot become a database load.
 */
@Injectable()
export class AccountsMetrics {
  /** One counter per fact: a dead letter is the outcome `dead_lettered` (open ones: calm_dead_letter_open_rows). */
  readonly eventsConsumed: Counter<'type' | 'outcome'>;
  /** Events handled whose id the inbox already held: acknowledged, no effect (a subset of `applied`). */
  readonly duplicates: Counter<'type'>;
  /** Opened to valid, per account: 0 when the customer was already known at POST. */
  readonly convergence: Histogram;

  constructor(metrics: ServiceMetrics, db: Database, nats: NatsClient) {
    this.eventsConsumed = metrics.counter('calm_events_consumed_total', 'Events handled by the consumer, by type and outcome', ['type', 'outcome']);
    this.duplicates = metrics.counter('calm_events_duplicate_total', 'Events the inbox already held: acknowledged without a second effect', ['type']);
    this.convergence = metrics.histogram(
      'calm_account_convergence_seconds',
      'Time from an account being opened to it being valid',
      [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600, 21600, 86400],
    );
    metrics.watchOutbox(db);
    // One indexed query per refresh interval for the status counts and the oldest shell.
    const accounts = metrics.throttled(() => accountStats(db));
    metrics.scrapeGauge(
      'calm_accounts',
      'Accounts by status (valid estimated from the planner statistics above a million rows)',
      async () => {
        const a = await accounts();
        return (['pending', 'valid', 'rejected'] as const).map((status) => [{ status }, a[status]]);
      },
      ['status'],
    );
    metrics.scrapeGauge('calm_pending_account_oldest_age_seconds', 'Age of the oldest pending (shell) account (0 when none)', async () => [
      [{}, (await accounts()).oldestPendingAge],
    ]);
    metrics.scrapeGauge('calm_dead_letter_open_rows', 'Dead letters not yet retried (all instances)', async () => {
      const [row]: { n: string }[] = await db.manager().query(`SELECT count(*) AS n FROM dead_letter WHERE retried_at IS NULL`);
      return [[{}, Number(row.n)]];
    });
    metrics.scrapeGauge('calm_consumer_pending_messages', 'Messages of the customer.created consumer not yet delivered (num_pending)', async () => {
      const { stream, durable } = consumers.validateAccountsWhenCustomerCreated;
      const info = await nats.jsm.consumers.info(stream, durable);
      return [[{}, info.num_pending]];
    });
  }

  onOutcome = (outcome: 'applied' | 'dead_lettered' | 'retried', type: string, count: number): void => {
    this.eventsConsumed.inc({ type, outcome }, count);
  };

  /** Records accounts that became valid now. */
  converged(openedAt: Date[], now = Date.now()): void {
    for (const t of openedAt) this.convergence.observe(Math.max(0, (now - t.getTime()) / 1000));
  }

  /** A POST's outcome: an account valid in its own answer converged in 0 s (its customer was known). */
  accountOpened(outcome: OpenOutcome): void {
    if (outcome.kind === 'created' && outcome.account.status === 'valid') this.convergence.observe(0);
  }

  /** A consumed batch's outcome: the copies the inbox refused, and the accounts it turned valid. */
  customerEventsApplied(type: string, outcome: CustomerFactsOutcome): void {
    if (outcome.duplicates > 0) this.duplicates.inc({ type }, outcome.duplicates);
    this.converged(outcome.validatedOpenedAt);
  }
}
