import { Injectable } from '@nestjs/common';
import { Counter, Histogram } from 'prom-client';
import { streams } from '@calm/contracts';
import { NatsClient } from '@calm/messaging';
import { Database, ServiceMetrics } from '@calm/platform';

export const ACCOUNTS_CONSUMER = 'accounts-customer-created';

/**
 * The account service's own series. Counters move in-process (consumer outcomes,
 * convergence); gauges that describe stored state are read at scrape time, so they
 * are right whichever instance did the work.
 */
@Injectable()
export class AccountsMetrics {
  readonly eventsConsumed: Counter<'type' | 'outcome'>;
  readonly deadLettered: Counter<'type'>;
  /** Events handled whose id the inbox already held: acknowledged, no effect (a subset of `applied`). */
  readonly duplicates: Counter<'type'>;
  /** Opened to valid, per account: 0 when the customer was already known at POST. */
  readonly convergence: Histogram;

  constructor(metrics: ServiceMetrics, db: Database, nats: NatsClient) {
    this.eventsConsumed = metrics.counter('calm_events_consumed_total', 'Events handled by the consumer, by type and outcome', ['type', 'outcome']);
    this.deadLettered = metrics.counter('calm_dead_letters_total', 'Events dead-lettered by this process', ['type']);
    this.duplicates = metrics.counter('calm_events_duplicate_total', 'Events the inbox already held: acknowledged without a second effect', ['type']);
    this.convergence = metrics.histogram(
      'calm_account_convergence_seconds',
      'Time from an account being opened to it being valid',
      [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600, 21600, 86400],
    );
    metrics.watchOutbox(db);
    metrics.scrapeGauge(
      'calm_accounts',
      'Accounts by status',
      async (g) => {
        const rows: { status: string; n: string }[] = await db.manager().query(`SELECT status, count(*) AS n FROM account GROUP BY status`);
        g.reset();
        for (const status of ['pending', 'valid']) g.set({ status }, Number(rows.find((r) => r.status === status)?.n ?? 0));
      },
      ['status'],
    );
    metrics.scrapeGauge('calm_dead_letters_open', 'Dead letters not yet retried (all instances)', async (g) => {
      const [row]: { n: string }[] = await db.manager().query(`SELECT count(*) AS n FROM dead_letter WHERE retried_at IS NULL`);
      g.set(Number(row.n));
    });
    metrics.scrapeGauge('calm_consumer_pending_messages', 'Messages of the customer.created consumer not yet delivered (num_pending)', async (g) => {
      const info = await nats.jsm.consumers.info(streams.customers.name, ACCOUNTS_CONSUMER);
      g.set(info.num_pending);
    });
  }

  onOutcome = (outcome: 'applied' | 'dead_lettered' | 'retried', type: string, count: number): void => {
    this.eventsConsumed.inc({ type, outcome }, count);
    if (outcome === 'dead_lettered') this.deadLettered.inc({ type }, count);
  };

  /** Records accounts that became valid now. */
  converged(openedAt: Date[], now = Date.now()): void {
    for (const t of openedAt) this.convergence.observe(Math.max(0, (now - t.getTime()) / 1000));
  }
}
