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
  /** Most POSTs seen in flight at once. */
  maxInFlight: number;
  /**
   * POSTs that reached the service and lost their answer (the connection broke or timed
   * out after it was made: not "connection refused"). A kill that cut one hit a request
   * the service was working on.
   */
  cutOff: number;
}

/**
 * Load for fault tests: each worker opens an account for a new customer and publishes that
 * customer's customer.created, in a random order, retrying both (the POST is idempotent by
 * accountId) until acknowledged. Outages show up as refusals, never as lost facts.
 */
export class FaultLoad {
  readonly stats: FaultLoadStats = { acknowledged: new Map(), published: new Set(), refused: 0, serverErrors: [], maxInFlight: 0, cutOff: 0 };
  private stopping = false;
  private posts = 0;
  private publishes = 0;
  private running: Promise<void>[] = [];

  constructor(private readonly options: FaultLoadOptions) {}

  start(): this {
    this.running = Array.from({ length: this.options.workers ?? 4 }, () => this.worker());
    return this;
  }

  /**
   * POSTs in flight to the service and customer.created publishes in flight to the
   * broker, apart: a service fault can only hit the first, a broker fault the second.
   */
  inFlightNow(): { posts: number; publishes: number } {
    return { posts: this.posts, publishes: this.publishes };
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

  private async open(accountId: string, customerId: string): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      this.stats.maxInFlight = Math.max(this.stats.maxInFlight, ++this.posts);
      const status = await fetch(`${this.options.accountsUrl()}/accounts`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ accountId, customerId }),
        signal: AbortSignal.timeout(10_000),
      })
        .then(
          async (res) => (await res.arrayBuffer(), res.status),
          (err: Error & { cause?: { code?: string } }) => {
            if (err.cause?.code !== 'ECONNREFUSED') this.stats.cutOff++;
            return 0;
          },
        )
        .finally(() => this.posts--);
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
      this.publishes++;
      const ok = await this.options
        .publishCustomerCreated(customerId)
        .then(
          () => true,
          () => false,
        )
        .finally(() => this.publishes--);
      if (ok) {
        this.stats.published.add(customerId);
        return;
      }
      this.stats.refused++;
      await new Promise((r) => setTimeout(r, Math.min(1000, 50 * 2 ** Math.min(attempt, 5))));
    }
  }
}
