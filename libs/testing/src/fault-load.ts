import { randomUUID } from 'node:crypto';

export interface FaultLoadOptions {
  /** Base URL of an account service now (it may change when a process restarts). */
  accountsUrl: () => string;
  /** Publishes customer.created for this customer; resolves once the broker acknowledged it. */
  publishCustomerCreated: (customerId: string) => Promise<void>;
  /** Parallel workers, each opening one account and announcing its customer at a time. */
  workers?: number;
}

export interface FaultLoadStats {
  /** POST /accounts answered 2xx: these must never be lost. */
  acknowledged: Map<string, string>;
  /** customer.created acknowledged by the broker, by customer id. */
  published: Set<string>;
  /** Requests or publishes that failed (connection refused, 503, timeout) and were retried. */
  refused: number;
  /** 5xx other than 503: a bug, not an outage. */
  serverErrors: string[];
  /** Most requests and publishes seen in flight at once. */
  maxInFlight: number;
}

/**
 * Load for fault tests: each worker opens an account for a new customer and publishes that
 * customer's customer.created, in a random order, retrying both (the POST is idempotent by
 * accountId) until acknowledged. Outages show up as refusals, never as lost facts.
 */
export class FaultLoad {
  readonly stats: FaultLoadStats = { acknowledged: new Map(), published: new Set(), refused: 0, serverErrors: [], maxInFlight: 0 };
  private stopping = false;
  private inFlight = 0;
  private running: Promise<void>[] = [];

  constructor(private readonly options: FaultLoadOptions) {}

  start(): this {
    this.running = Array.from({ length: this.options.workers ?? 4 }, () => this.worker());
    return this;
  }

  /** Current requests and publishes in flight (sampled when a fault is injected). */
  get inFlightNow(): number {
    return this.inFlight;
  }

  /** Stops starting new work; what is in flight is retried to the end. */
  async stop(): Promise<FaultLoadStats> {
    this.stopping = true;
    await Promise.all(this.running);
    return this.stats;
  }

  private async worker(): Promise<void> {
    while (!this.stopping) {
      const accountId = randomUUID();
      const customerId = randomUUID();
      const steps = [() => this.open(accountId, customerId), () => this.publish(customerId)];
      if (Math.random() < 0.5) steps.reverse();
      for (const step of steps) await step();
    }
  }

  private async track<T>(work: () => Promise<T>): Promise<T> {
    this.inFlight++;
    this.stats.maxInFlight = Math.max(this.stats.maxInFlight, this.inFlight);
    try {
      return await work();
    } finally {
      this.inFlight--;
    }
  }

  private async open(accountId: string, customerId: string): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      const status = await this.track(() =>
        fetch(`${this.options.accountsUrl()}/accounts`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ accountId, customerId }),
          signal: AbortSignal.timeout(10_000),
        }).then(
          async (res) => (await res.arrayBuffer(), res.status),
          () => 0,
        ),
      );
      if (status === 200 || status === 201) {
        this.stats.acknowledged.set(accountId, customerId);
        return;
      }
      if (status >= 500 && status !== 503) this.stats.serverErrors.push(`POST /accounts ${accountId}: ${status}`);
      this.stats.refused++;
      await new Promise((r) => setTimeout(r, Math.min(1000, 50 * 2 ** Math.min(attempt, 5))));
    }
  }

  private async publish(customerId: string): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      const ok = await this.track(() => this.options.publishCustomerCreated(customerId).then(() => true, () => false));
      if (ok) {
        this.stats.published.add(customerId);
        return;
      }
      this.stats.refused++;
      await new Promise((r) => setTimeout(r, Math.min(1000, 50 * 2 ** Math.min(attempt, 5))));
    }
  }
}
