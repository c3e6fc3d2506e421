import { randomUUID } from 'node:crypto';
import { AckPolicy, DeliverPolicy, JetStreamClient, JetStreamManager } from '@nats-io/jetstream';
import { nanos } from '@nats-io/transport-node';
import { consumers, customerCreated, streams } from '@calm/contracts';
import { sleep, withPg } from './infra';
import { ServiceProcess } from './service-process';

export interface EventsContext {
  js: JetStreamClient;
  jsm: JetStreamManager;
  accountsDbUrl: string;
  accounts: ServiceProcess;
}

export interface EventsRound {
  eventsPerS: number;
  consumePerS: number;
  serviceCpuMs: number;
  /** What the database did besides the service's work while the backlog was applied. */
  database: DatabaseActivity;
}

export interface DatabaseActivity {
  autovacuums: number;
  autoanalyzes: number;
  checkpoints: number;
  deadTuples: number;
  accountRows: number;
}

/** Counters of the account database (and the server's checkpoints), to tell why one events round is slower than another. */
export async function databaseActivity(url: string): Promise<DatabaseActivity> {
  return withPg(url, async (c) => {
    const [t] = (
      await c.query(`SELECT coalesce(sum(autovacuum_count), 0)::int AS v, coalesce(sum(autoanalyze_count), 0)::int AS a, coalesce(sum(n_dead_tup), 0)::int AS d,
                            (SELECT n_live_tup FROM pg_stat_user_tables WHERE relname = 'account')::int AS rows
                     FROM pg_stat_user_tables`)
    ).rows;
    const [b] = (await c.query(`SELECT (checkpoints_timed + checkpoints_req)::int AS k FROM pg_stat_bgwriter`)).rows;
    return { autovacuums: t.v, autoanalyzes: t.a, checkpoints: b.k, deadTuples: t.d, accountRows: t.rows ?? 0 };
  });
}

/** What happened between two readings: the counters' differences, and the dead tuples and account rows at the start. */
export function activityBetween(before: DatabaseActivity, after: DatabaseActivity): DatabaseActivity {
  return {
    autovacuums: after.autovacuums - before.autovacuums,
    autoanalyzes: after.autoanalyzes - before.autoanalyzes,
    checkpoints: after.checkpoints - before.checkpoints,
    deadTuples: before.deadTuples,
    accountRows: before.accountRows,
  };
}

/** Publishes customer.created for each customer (with Nats-Msg-Id), a window of acks at a time; returns the stream sequences. */
export async function publishCustomersCreated(js: JetStreamClient, customerIds: string[], window = 256): Promise<{ first: number; last: number }> {
  let first = Number.MAX_SAFE_INTEGER;
  let last = 0;
  const time = new Date().toISOString();
  for (let i = 0; i < customerIds.length; i += window) {
    const acks = await Promise.all(
      customerIds.slice(i, i + window).map((customerId) => {
        const event = customerCreated({ customerId, name: 'Bench Customer', email: 'bench@example.com' }, time, '/bench');
        return js.publish(`customer.created.${customerId}`, JSON.stringify(event), { msgID: event.id });
      }),
    );
    for (const a of acks) {
      first = Math.min(first, a.seq);
      last = Math.max(last, a.seq);
    }
  }
  return { first, last };
}

/** Raw JetStream limit: consume and ack the same messages with no processing, same pull size as the service. */
async function rawConsume(ctx: EventsContext, first: number, n: number, round: number): Promise<number> {
  const durable = `bench-raw-${round}-${randomUUID().slice(0, 8)}`;
  await ctx.jsm.consumers.add(streams.customers.name, {
    durable_name: durable,
    filter_subject: consumers.validateAccountsWhenCustomerCreated.filterSubject,
    ack_policy: AckPolicy.Explicit,
    deliver_policy: DeliverPolicy.StartSequence,
    opt_start_seq: first,
    ack_wait: nanos(30_000),
    max_ack_pending: 4096,
  });
  try {
    const consumer = await ctx.js.consumers.get(streams.customers.name, durable);
    const messages = await consumer.consume({ max_messages: 512 });
    let seen = 0;
    let t0 = 0;
    for await (const m of messages) {
      if (seen === 0) t0 = performance.now();
      m.ack();
      if (++seen >= n) break;
    }
    await messages.close();
    const seconds = (performance.now() - t0) / 1000;
    return n / seconds;
  } finally {
    await ctx.jsm.consumers.delete(streams.customers.name, durable).catch(() => undefined);
  }
}

/** Watches the service's durable consumer: first delivery of the backlog to its last ack. */
async function timeBacklog(ctx: EventsContext, first: number, last: number, n: number): Promise<{ t0: number; t1: number; cpuMs: number }> {
  let t0 = 0;
  let cpu0 = 0;
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    const info = await ctx.jsm.consumers
      .info(consumers.validateAccountsWhenCustomerCreated.stream, consumers.validateAccountsWhenCustomerCreated.durable)
      .catch(() => null);
    const now = performance.now();
    if (info && !t0 && info.delivered.stream_seq >= first) [t0, cpu0] = [now, ctx.accounts.cpuMs()];
    if (info && info.ack_floor.stream_seq >= last) return { t0, t1: now, cpuMs: ctx.accounts.cpuMs() - cpu0 };
    await sleep(5);
  }
  throw new Error(`the account service did not apply ${n} events in 120 s`);
}

/**
 * One round: n customers with a pending account each; the account service is stopped,
 * the backlog of their customer.created goes in, the raw consumer reads it, then the
 * service starts and the time from its first delivery to its last ack is measured
 * (consumer info polled every few ms). Every account must end valid.
 */
export async function eventsRound(ctx: EventsContext, n: number, round: number): Promise<EventsRound> {
  const customers = Array.from({ length: n }, () => randomUUID());
  await withPg(ctx.accountsDbUrl, (c) =>
    c.query(
      `INSERT INTO account (account_id, customer_id, currency, status, opened_at) SELECT gen_random_uuid(), c, 'EUR', 'pending', now() FROM unnest($1::uuid[]) c`,
      [customers],
    ),
  );
  await ctx.accounts.stop();
  const { first, last } = await publishCustomersCreated(ctx.js, customers);
  if (last - first + 1 !== n) throw new Error(`backlog is not contiguous (${first}..${last} for ${n})`);
  // The first round reads the backlog twice: the first pass warms the client's JIT up.
  if (round === 0) await rawConsume(ctx, first, n, round);
  const consumePerS = await rawConsume(ctx, first, n, round);

  // Poll from before the start: the consumer attaches before the HTTP port answers.
  const before = await databaseActivity(ctx.accountsDbUrl);
  const applied = timeBacklog(ctx, first, last, n);
  applied.catch(() => undefined);
  await ctx.accounts.start();
  // Service CPU from first delivery to last ack (the relay publishing account.validated runs meanwhile).
  const { t0, t1, cpuMs: serviceCpuMs } = await applied;
  if (!Number.isFinite(serviceCpuMs)) throw new Error(`the service's CPU time was not measured (${serviceCpuMs}): its process was not known from its spawn`);
  const after = await databaseActivity(ctx.accountsDbUrl);
  const database = activityBetween(before, after);
  const [{ valid }] = await withPg(ctx.accountsDbUrl, (c) =>
    c.query(`SELECT count(*)::int AS valid FROM account WHERE customer_id = ANY($1::uuid[]) AND status = 'valid'`, [customers]).then((r) => r.rows),
  );
  if (valid !== n) throw new Error(`after the backlog only ${valid}/${n} accounts are valid`);
  // Never less than one poll interval: a backlog applied between two polls is not instantaneous.
  return { eventsPerS: n / (Math.max(t1 - t0, 5) / 1000), consumePerS, serviceCpuMs, database };
}
