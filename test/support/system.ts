import { connect, headers as natsHeaders, NatsConnection } from '@nats-io/transport-node';
import { jetstream, jetstreamManager, JetStreamClient, JetStreamManager, StorageType } from '@nats-io/jetstream';
import { nanos } from '@nats-io/transport-node';
import { CloudEvent, customerCreated, streams } from '@calm/contracts';
import { NatsClient, streamMessages, StreamMessage } from '@calm/jetstream';
import { Database } from '@calm/pg';
import { ServiceConfig, defaultLimits } from '@calm/config';
import { ConvergenceProbe, freshDatabase, TestDatabase } from '@calm/testing';
import { startNatsServer, TestNatsServer } from '@calm/local-infra';
import { startAccountsService, RunningService, AccountsTuning } from '../../apps/accounts/src';
import { startCustomersService, CustomersTuning } from '../../apps/customers/src';

/**
 * A whole system for one test file: a private nats-server (fresh streams), fresh
 * databases, and real service instances in this process on ephemeral ports.
 */
export class TestSystem {
  readonly accounts: RunningService[] = [];
  readonly customers: { app: RunningService['app']; url: string }[] = [];
  nc!: NatsConnection;
  js!: JetStreamClient;
  jsm!: JetStreamManager;

  private constructor(
    readonly nats: TestNatsServer,
    readonly accountsDb: TestDatabase,
    readonly customersDb: TestDatabase,
  ) {}

  /**
   * `duplicateWindowMs` creates both streams now, with that JetStream duplicate window
   * (the services leave existing streams as they are): fault tests pass a short one so
   * that the broker cannot hide a republished copy (see expectConverged).
   */
  static async start(label: string, options: { duplicateWindowMs?: number } = {}): Promise<TestSystem> {
    const [nats, accountsDb, customersDb] = await Promise.all([startNatsServer(), freshDatabase(`${label}_acc`), freshDatabase(`${label}_cus`)]);
    const system = new TestSystem(nats, accountsDb, customersDb);
    // Reconnect forever: several tests kill and restart the broker under this connection.
    system.nc = await connect({ servers: nats.url, maxReconnectAttempts: -1, reconnectTimeWait: 100 });
    system.js = jetstream(system.nc);
    system.jsm = await jetstreamManager(system.nc);
    for (const spec of options.duplicateWindowMs ? [streams.accounts, streams.customers] : []) {
      await system.jsm.streams.add({
        name: spec.name,
        subjects: [...spec.subjects],
        storage: StorageType.File,
        duplicate_window: nanos(options.duplicateWindowMs!),
      });
    }
    return system;
  }

  /** What expectConverged reads: accounts over REST at `accountsUrl()`, account.validated on the stream, the outbox. */
  probe(accountsUrl: () => string): ConvergenceProbe {
    return {
      getAccount: (id) => http(accountsUrl(), 'GET', `/accounts/${id}`),
      validatedEvents: () => this.streamMessages('ACCOUNTS', 'account.validated.>'),
      databaseUrl: this.accountsDb.url,
    };
  }

  config(service: 'accounts' | 'customers'): ServiceConfig {
    return {
      service,
      natsServers: [this.nats.url],
      databaseUrl: service === 'accounts' ? this.accountsDb.url : this.customersDb.url,
      httpPort: 0,
      apiTokens: null,
      // Gauges refresh every 200 ms here, so tests that wait for a value see it soon.
      limits: { ...defaultLimits(), metricsRefreshMs: 200 },
    };
  }

  async startAccounts(tuning: AccountsTuning = {}): Promise<RunningService> {
    const svc = await startAccountsService(this.config('accounts'), { relay: { pollMs: 200 }, ...tuning });
    this.accounts.push(svc);
    await Promise.all([svc.app.get(Database).ready, svc.app.get(NatsClient).ready]);
    return svc;
  }

  async startCustomers(tuning: CustomersTuning = {}): Promise<{ app: RunningService['app']; url: string }> {
    const svc = await startCustomersService(this.config('customers'), { relay: { pollMs: 200 }, ...tuning });
    this.customers.push(svc);
    await Promise.all([svc.app.get(Database).ready, svc.app.get(NatsClient).ready]);
    return svc;
  }

  /** Publishes a customer.created as a third party would, straight onto the stream. */
  async publishCustomerCreated(
    customerId: string,
    options: { time?: string; withMsgId?: boolean; event?: CloudEvent; source?: string } = {},
  ): Promise<CloudEvent> {
    const event =
      options.event ??
      customerCreated({ customerId, name: 'Third Party', email: 'tp@example.com' }, options.time ?? new Date().toISOString(), options.source ?? '/crm');
    const h = natsHeaders();
    if (options.withMsgId !== false) h.set('Nats-Msg-Id', event.id);
    await this.js.publish(`customer.created.${customerId}`, JSON.stringify(event), { headers: h });
    return event;
  }

  /** Every message on a stream (optionally one subject filter; [] when it matches none), through the replay's reader. */
  streamMessages(stream: string, filter?: string): Promise<StreamMessage<CloudEvent>[]> {
    return streamMessages<CloudEvent>(this.js, this.jsm, stream, filter);
  }

  async stop(): Promise<void> {
    for (const svc of [...this.accounts, ...this.customers]) await svc.app.close().catch(() => undefined);
    await this.nc?.close().catch(() => undefined);
    await this.nats.stop();
    if (!process.env.KEEP_TEST_DATABASES) await Promise.all([this.accountsDb.drop(), this.customersDb.drop()]);
  }
}

export async function http(base: string, method: string, path: string, body?: unknown): Promise<{ status: number; body: any; headers: Headers }> {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    // keep text
  }
  return { status: res.status, body: parsed, headers: res.headers };
}
