import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { Database } from '@calm/pg';
import { throttledRead } from './throttled-read';
import { projectVersion } from '@calm/config';

/**
 * One Prometheus registry per application (never prom-client's global one), so two
 * services built in one process (the tests do that) keep apart series.
 */
export class ServiceMetrics {
  readonly registry = new Registry();
  readonly httpDuration: Histogram<'route' | 'method' | 'status_code'>;

  /**
   * @param refreshMs gauges that read the database or JetStream refresh at most once per
   *   this interval (METRICS_REFRESH_SECONDS); scrapes in between get the last values.
   * @param now the clock of that interval (tests).
   */
  constructor(
    service: string,
    readonly refreshMs = 15_000,
    private readonly now: () => number = Date.now,
  ) {
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

  /** Wraps a read so it runs at most once per refresh interval (see throttled-read.ts). */
  throttled<T>(read: () => Promise<T>): () => Promise<T> {
    return throttledRead(read, this.refreshMs, this.now);
  }

  /**
   * A gauge of stored state, refreshed at most once per interval when Prometheus scrapes
   * (values: the labels and numbers to show). A failing read (database down) shows NaN
   * (labelled series: none) rather than failing the whole /metrics answer or showing a
   * false 0.
   */
  scrapeGauge<L extends string>(name: string, help: string, read: () => Promise<[Partial<Record<L, string>>, number][]>, labelNames: L[] = []): Gauge<L> {
    const values = this.throttled(read);
    return new Gauge<L>({
      name,
      help,
      labelNames,
      registers: [this.registry],
      async collect() {
        this.reset();
        try {
          for (const [labels, value] of await values()) this.set(labels, value);
        } catch {
          if (labelNames.length === 0) this.set(NaN as never);
        }
      },
    });
  }

  /** The outbox backlog and the age of its oldest unpublished row: one query per interval for both. */
  watchOutbox(db: Database): void {
    const stats = this.throttled(async () => {
      const [row]: { backlog: string; age: number | null }[] = await db
        .manager()
        .query(`SELECT count(*) AS backlog, EXTRACT(EPOCH FROM now() - min(created_at))::float8 AS age FROM outbox WHERE published_at IS NULL`);
      return { backlog: Number(row.backlog), age: row.age ?? 0 };
    });
    this.scrapeGauge('calm_outbox_unpublished_rows', 'Outbox rows not yet published to JetStream', async () => [[{}, (await stats()).backlog]]);
    this.scrapeGauge('calm_outbox_oldest_unpublished_age_seconds', 'Age of the oldest unpublished outbox row (0 when empty)', async () => [
      [{}, (await stats()).age],
    ]);
  }

  /** calm_build_info{version,commit,node} 1: what runs, for dashboards and for joining onto other series. */
  withBuildInfo(commit: string): this {
    const info = new Gauge({
      name: 'calm_build_info',
      help: 'The running build: project version, source commit, Node.js version (always 1)',
      labelNames: ['version', 'commit', 'node'],
      registers: [this.registry],
    });
    info.set({ version: projectVersion(), commit, node: process.versions.node }, 1);
    return this;
  }

  metrics(): Promise<string> {
    return this.registry.metrics();
  }
}
