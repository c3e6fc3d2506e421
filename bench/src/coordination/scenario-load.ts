import { randomUUID } from 'node:crypto';
import { percentile } from '../report';
import { JsonHttpClient, is2xx } from '../http-client';
import { Scenario, newScenario } from './scenario';

/**
 * The one load generator of the coordination bench, forked as its own process. Every
 * design gets the same scenarios at the same schedule; only the way one scenario is
 * issued differs (runScenario below).
 */
export interface ScenarioLoadRequest {
  /** calm: POST /customers and POST /accounts to the services; coordinated: POST /scenarios to the coordinator. */
  mode: 'calm' | 'coordinated';
  urls: { accounts?: string; customers?: string; coordinator?: string };
  connections: number;
  durationS: number;
  /** Accounts opened at once for each new customer (the contention scenario); default 1. */
  k?: number;
  /** Scenarios started per second (open loop, latency counted from the scheduled start); unset: saturation, closed loop. */
  rate?: number;
  /** calm only: retry a failed customer POST (same ids) until it is answered 2xx, as a client holding the intent would. */
  retryCustomer?: boolean;
  /**
   * calm only: for one scenario in `pollValid`, poll GET /accounts/{id} every 5 ms after it
   * until the account reads valid. A sample, not every scenario: pollers of every scenario
   * load the account service enough to slow the very convergence they measure.
   */
  pollValid?: number;
  /** ms since the epoch at which the schedule begins (so loads forked one after another start together); unset: at once. */
  startAt?: number;
  /** Return every scenario's record (availability phase). */
  record?: boolean;
}

export interface ScenarioRecord {
  customerId: string;
  accountId: string;
  /** ms since the epoch. */
  startedAt: number;
  /** When the design's answer to opening the account arrived, and whether it was 2xx. */
  answeredAt: number;
  accepted: boolean;
  /** Every part of the scenario answered 2xx in the end (calm: the customer POST after its retries). */
  completed: boolean;
  /** calm: whether both POSTs were answered 2xx at their first attempt. */
  bothFirstTry: boolean;
}

export interface ScenarioLoadResult {
  completed: number;
  failed: number;
  completedPerS: number;
  /** Accounts opened per second: completed scenarios times k. */
  opensPerS: number;
  p50Ms: number;
  p99Ms: number;
  /** calm with pollValid: scenario start to account readable as valid. */
  convergenceMs: number[];
  records: ScenarioRecord[];
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

class Runner {
  private readonly accounts?: JsonHttpClient;
  private readonly customers?: JsonHttpClient;
  private readonly coordinator?: JsonHttpClient;
  readonly latencies: number[] = [];
  readonly convergence: number[] = [];
  readonly records: ScenarioRecord[] = [];
  completed = 0;
  failed = 0;
  private started = 0;

  constructor(private readonly req: ScenarioLoadRequest) {
    const sockets = req.connections * 4;
    if (req.urls.accounts) this.accounts = new JsonHttpClient(req.urls.accounts, sockets, 15_000);
    if (req.urls.customers) this.customers = new JsonHttpClient(req.urls.customers, sockets, 15_000);
    if (req.urls.coordinator) this.coordinator = new JsonHttpClient(req.urls.coordinator, sockets, 15_000);
  }

  /** One scenario (a new customer and its k accounts) from its scheduled start; completed when the design answered 2xx for all of it. */
  async run(startedAt: number): Promise<void> {
    const s = newScenario();
    const accountIds = [s.accountId, ...Array.from({ length: (this.req.k ?? 1) - 1 }, () => randomUUID())];
    const sampled = !!this.req.pollValid && this.started++ % this.req.pollValid === 0;
    const r = this.req.mode === 'calm' ? await this.calm(s, accountIds) : await this.coordinated(s, accountIds);
    const done = Date.now();
    if (r.completed) {
      this.completed++;
      this.latencies.push(done - startedAt);
    } else this.failed++;
    if (this.req.record)
      this.records.push({
        customerId: s.customerId,
        accountId: s.accountId,
        startedAt,
        answeredAt: r.answeredAt,
        accepted: r.accepted,
        completed: r.completed,
        bothFirstTry: r.bothFirstTry,
      });
    if (r.completed && sampled) await this.pollValid(s, startedAt);
  }

  /** Every fact sent independently and concurrently, the customer's at a random place among the accounts': none waits for another. */
  private async calm(s: Scenario, accountIds: string[]) {
    const account = (accountId: string) => this.accounts!.call('POST', '/accounts', { accountId, customerId: s.customerId });
    const customer = () => this.customers!.call('POST', '/customers', { customerId: s.customerId, name: s.name, email: s.email });
    const at = Math.floor(Math.random() * (accountIds.length + 1));
    const opens = accountIds.map(account);
    const answers = await Promise.all([...opens.slice(0, at), customer(), ...opens.slice(at)]);
    const c = answers.splice(at, 1)[0];
    const a = { status: answers.every((x) => is2xx(x.status)) ? 201 : (answers.find((x) => !is2xx(x.status))?.status ?? 0) };
    const answeredAt = Date.now();
    let customerOk = is2xx(c.status);
    for (let delay = 100; !customerOk && this.req.retryCustomer; delay = Math.min(delay * 2, 1000)) {
      await sleep(delay);
      customerOk = is2xx((await customer()).status);
      if (Date.now() - answeredAt > 60_000) break;
    }
    return { completed: is2xx(a.status) && customerOk, accepted: is2xx(a.status), answeredAt, bothFirstTry: is2xx(a.status) && is2xx(c.status) };
  }

  /** k scenarios at once for the same new customer, each naming it with the same fields. */
  private async coordinated(s: Scenario, accountIds: string[]) {
    const answers = await Promise.all(accountIds.map((accountId) => this.coordinator!.call('POST', '/scenarios', { ...s, accountId })));
    const ok = answers.every((r) => is2xx(r.status));
    return { completed: ok, accepted: ok, answeredAt: Date.now(), bothFirstTry: ok };
  }

  private async pollValid(s: Scenario, startedAt: number): Promise<void> {
    for (const deadline = Date.now() + 30_000; Date.now() < deadline; await sleep(5)) {
      const r = await this.accounts!.call('GET', `/accounts/${s.accountId}`);
      if (r.status === 200 && (r.body as { status: string }).status === 'valid') {
        this.convergence.push(Date.now() - startedAt);
        return;
      }
    }
  }

  close(): void {
    for (const c of [this.accounts, this.customers, this.coordinator]) c?.close();
  }
}

/** `connections` requests in flight in total: with k accounts per scenario, connections / k scenarios. */
async function closedLoop(runner: Runner, req: ScenarioLoadRequest): Promise<void> {
  const end = Date.now() + req.durationS * 1000;
  await Promise.all(
    Array.from({ length: Math.max(1, Math.round(req.connections / (req.k ?? 1))) }, async () => {
      while (Date.now() < end) await runner.run(Date.now());
    }),
  );
}

/** Scenario i starts at t0 + i/rate whatever happened to the earlier ones (no coordinated omission). */
async function openLoop(runner: Runner, req: ScenarioLoadRequest, rate: number): Promise<void> {
  if (req.startAt) await sleep(req.startAt - Date.now());
  const t0 = req.startAt ?? Date.now();
  const total = Math.round(rate * req.durationS);
  const running: Promise<void>[] = [];
  for (let i = 0; i < total; i++) {
    const at = t0 + (i * 1000) / rate;
    const wait = at - Date.now();
    if (wait > 1) await sleep(wait);
    running.push(runner.run(at));
  }
  await Promise.all(running);
}

async function run(req: ScenarioLoadRequest): Promise<ScenarioLoadResult> {
  const runner = new Runner(req);
  const t0 = Date.now();
  await (req.rate ? openLoop(runner, req, req.rate) : closedLoop(runner, req));
  const seconds = req.rate ? req.durationS : (Date.now() - t0) / 1000;
  runner.close();
  const pct = (p: number) => (runner.latencies.length ? percentile(runner.latencies, p) : NaN);
  return {
    completed: runner.completed,
    failed: runner.failed,
    completedPerS: runner.completed / seconds,
    opensPerS: (runner.completed * (req.k ?? 1)) / seconds,
    p50Ms: pct(50),
    p99Ms: pct(99),
    convergenceMs: runner.convergence,
    records: runner.records,
  };
}

process.once('message', (req: ScenarioLoadRequest) => {
  run(req).then(
    (r) => process.send!({ ok: true, result: r }, () => process.exit(0)),
    (err: Error) => process.send!({ ok: false, error: err.message }, () => process.exit(1)),
  );
});
