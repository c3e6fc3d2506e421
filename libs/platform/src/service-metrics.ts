import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { Database } from './database';

/**
 * One Prometheus registry per application (never prom-client's global one), so two
 * services built in one process (the tests do that) keep apart series.
 */
export class ServiceMetrics {
  readonly registry = new Registry();
  readonly httpDuration: Histogram<'route' | 'method' | 'status_code'>;

  constructor(service: string) {
    this.registry.setDefaultLabels({ service });
    collectDefaultMetrics({ register: this.registry });
    this.httpDuration = new Histogram({
      name: 'http_request_duration_seconds',
      help: 'HTTP request latency by route template, method and status code',
      labelNames: ['route', 'method', 'status_code'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [this.registry],
    });
  }

  counter<L extends string>(name: string, help: string, labelNames: L[] = []): Counter<L> {
    return new Counter({ name, help, labelNames, registers: [this.registry] });
  }

  histogram<L extends string>(name: string, help: string, buckets: number[], labelNames: L[] = []): Histogram<L> {
    return new Histogram({ name, help, buckets, labelNames, registers: [this.registry] });
  }

  /**
   * A gauge read when Prometheus scrapes. A failing read (database down) leaves the
   * series out of that scrape instead of failing the whole /metrics answer.
   */
  scrapeGauge<L extends string>(name: string, help: string, read: (g: Gauge<L>) => Promise<void>, labelNames: L[] = []): Gauge<L> {
    return new Gauge<L>({
      name,
      help,
      labelNames,
      registers: [this.registry],
      async collect() {
        try {
          await read(this);
        } catch {
          this.reset();
        }
      },
    });
  }

  /** The outbox backlog and the age of its oldest unpublished row, read at scrape time. */
  watchOutbox(db: Database): void {
    const stats = async () => {
      const [row]: { backlog: string; age: number | null }[] = await db
        .manager()
        .query(`SELECT count(*) AS backlog, EXTRACT(EPOCH FROM now() - min(created_at))::float8 AS age FROM outbox WHERE published_at IS NULL`);
      return { backlog: Number(row.backlog), age: row.age ?? 0 };
    };
    this.scrapeGauge('calm_outbox_backlog', 'Outbox rows not yet published to JetStream', async (g) => g.set((await stats()).backlog));
    this.scrapeGauge('calm_outbox_oldest_unpublished_age_seconds', 'Age of the oldest unpublished outbox row (0 when empty)', async (g) =>
      g.set((await stats()).age),
    );
  }

  metrics(): Promise<string> {
    return this.registry.metrics();
  }
}
