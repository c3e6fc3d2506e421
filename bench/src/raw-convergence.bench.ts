import { randomUUID } from 'node:crypto';
import { AckPolicy, JetStreamClient, JetStreamManager, StorageType } from '@nats-io/jetstream';
import { nanos } from '@nats-io/transport-node';
import { Client } from 'pg';
import { customerCreated } from '@calm/contracts';
import { DEFAULT_CONSUMER_BATCH, pullOneRequestAtATime } from '@calm/jetstream';

/**
 * The floor of the customer second, with no service: customer.created published (PubAck
 * awaited) into a scratch stream configured like CUSTOMERS, pulled by a durable consumer
 * the service's way (one pull request at a time, the same size and expiry:
 * pullOneRequestAtATime), applied in one transaction on the raw database (inbox claim,
 * the pending account to valid, COMMIT), acknowledged, then read back once over
 * PostgreSQL. `width` accounts in flight, as in the convergence phase. What the service
 * adds on top: the batch pump, decoding, the join's function and its outbox rows, a
 * second round trip, and HTTP with the bench's polling.
 */
export async function rawConvergenceMs(js: JetStreamClient, jsm: JetStreamManager, rawDbUrl: string, n: number, width = 4): Promise<number[]> {
  const stream = `BENCH_CONVERGE_${randomUUID().slice(0, 8)}`;
  await jsm.streams.add({ name: stream, subjects: [`${stream}.>`], storage: StorageType.File, num_replicas: 1, duplicate_window: nanos(120_000) });
  await jsm.consumers.add(stream, { durable_name: 'raw', ack_policy: AckPolicy.Explicit, ack_wait: nanos(30_000) });
  const clients = await Promise.all(Array.from({ length: width + 1 }, () => new Client({ connectionString: rawDbUrl })));
  await Promise.all(clients.map((c) => c.connect()));
  const [reader, ...appliers] = clients;
  const accounts = Array.from({ length: n }, () => ({ accountId: randomUUID(), customerId: randomUUID() }));
  await reader.query(
    `INSERT INTO account (account_id, customer_id, currency, status, opened_at) SELECT a, c, 'EUR', 'pending', now() FROM unnest($1::uuid[], $2::uuid[]) AS t(a, c)`,
    [accounts.map((a) => a.accountId), accounts.map((a) => a.customerId)],
  );
  // The rounds before left the raw table full of pending accounts that no autovacuum has
  // analyzed yet: with statistics of an empty table the planner may read the UPDATE's
  // rows through the status index, every pending account, instead of the customer's.
  await reader.query('ANALYZE account');
  const applied = new Map<string, () => void>();
  let stopping = false;
  const consumer = await js.consumers.get(stream, 'raw');
  const free = [...appliers];
  const consuming = (async () => {
    for await (const msg of pullOneRequestAtATime(consumer, DEFAULT_CONSUMER_BATCH * 2, () => stopping)) {
      const event = JSON.parse(msg.string()) as { id: string; type: string; time: string; data: { customerId: string } };
      const c = free.pop()!; // at most `width` messages are in flight, one per applier
      void (async () => {
        await c.query('BEGIN');
        await c.query({
          name: 'raw-inbox',
          text: 'INSERT INTO inbox (event_id, event_type) VALUES ($1, $2) ON CONFLICT DO NOTHING',
          values: [event.id, event.type],
        });
        await c.query({
          name: 'raw-valid',
          text: `UPDATE account SET status = 'valid', validated_at = greatest(opened_at, $2) WHERE customer_id = $1 AND status = 'pending'`,
          values: [event.data.customerId, event.time],
        });
        await c.query('COMMIT');
        free.push(c);
        msg.ack();
        applied.get(event.data.customerId)?.();
      })();
    }
  })();
  const samples: number[] = [];
  let next = 0;
  try {
    await Promise.all(
      Array.from({ length: width }, async () => {
        while (next < accounts.length) {
          const { accountId, customerId } = accounts[next++];
          const seen = new Promise<void>((r) => applied.set(customerId, r));
          const t0 = performance.now();
          const event = customerCreated({ customerId, name: 'Bench Customer', email: 'bench@example.com' }, new Date().toISOString(), '/bench');
          await js.publish(`${stream}.${customerId}`, JSON.stringify(event), { msgID: event.id });
          await seen;
          const { rows } = await reader.query({ name: 'raw-read', text: 'SELECT status FROM account WHERE account_id = $1', values: [accountId] });
          if (rows[0]?.status !== 'valid') throw new Error(`raw convergence: account ${accountId} is ${rows[0]?.status}`);
          samples.push(performance.now() - t0);
        }
      }),
    );
    return samples;
  } finally {
    stopping = true;
    await consuming.catch(() => undefined);
    await Promise.all(clients.map((c) => c.end()));
    await jsm.streams.delete(stream).catch(() => undefined);
  }
}
