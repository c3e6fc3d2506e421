import { jetstream } from '@nats-io/jetstream';
import { connect, NatsConnection } from '@nats-io/transport-node';
import { startNatsServer, TestNatsServer } from '@calm/local-infra';
import { waitFor } from '@calm/testing';
import { DeadLetterStore } from '../dead-letter';
import { JetStreamServer } from './jetstream.server';
import { JetStreamServerOptions } from './jetstream-server.options';
import { MAX_EVENT_BYTES, NatsClient } from '../nats-client';

/** A consumer on the test server whose events are JSON and whose dependencies are always up. */
function testConsumer(options: Pick<JetStreamServerOptions, 'stream' | 'durable' | 'filterSubject'> & Partial<JetStreamServerOptions>): JetStreamServer {
  return new JetStreamServer({
    nats: client,
    deadLetters: { record: async () => undefined } as unknown as DeadLetterStore,
    decode: (bytes) => ({ ok: true, value: JSON.parse(new TextDecoder().decode(bytes)) }),
    isTransient: () => false,
    dependenciesReady: async () => undefined,
    checkHealth: async () => undefined,
    ...options,
  });
}

/**
 * The consumer's buffer is bounded in bytes: while its handler is stuck, the server hands
 * it no more unacknowledged messages than maxBufferBytes' worth of the largest message a
 * stream may store, however many wait in the stream.
 */
let nats: TestNatsServer;
let nc: NatsConnection;
let client: NatsClient;

beforeAll(async () => {
  nats = await startNatsServer();
  nc = await connect({ servers: nats.url });
  client = new NatsClient({
    name: 'buffer',
    servers: [nats.url],
    streams: [
      { name: 'BUF', subjects: ['buf.>'] },
      { name: 'CONC', subjects: ['conc.>'] },
      { name: 'CLOSE', subjects: ['close.>'] },
    ],
  });
  await client.ready;
});
afterAll(async () => {
  await client.close();
  await nc.close();
  await nats.stop();
});

it('holds at most maxBufferBytes / MAX_EVENT_BYTES messages unacknowledged, then drains them all', async () => {
  let release!: () => void;
  const stuck = new Promise<void>((r) => (release = r));
  const applied: string[] = [];
  const server = testConsumer({ stream: 'BUF', durable: 'buf', filterSubject: 'buf.>', batchSize: 64, maxBufferBytes: 3 * MAX_EVENT_BYTES });
  server.addHandler(
    'buf.event',
    async (e: { id: string }) => {
      await stuck;
      applied.push(e.id);
    },
    true,
  );
  const js = jetstream(nc);
  for (let i = 0; i < 20; i++) await js.publish(`buf.${i}`, JSON.stringify({ id: String(i), type: 'buf.event' }));
  server.listen(() => undefined);

  const info = await waitFor('the consumer to reach its bound', async () => {
    const i = await client.jsm.consumers.info('BUF', 'buf');
    return i.num_ack_pending === 3 ? i : null;
  });
  expect(info.config.max_ack_pending).toBe(3);
  expect(info.num_pending).toBe(17);
  release();
  await waitFor('every message applied', async () => applied.length === 20);
  await server.close();
});

/**
 * concurrency: batches in flight at once. The first event's handler blocks until a
 * second handler call has started: with two batches allowed both run (the first one is
 * released by the second), with one the second waits behind the first, which never
 * ends on its own (released after the check).
 */
async function secondStartsWhileFirstRuns(lane: string, concurrency: number): Promise<{ overlapped: boolean; applied: string[] }> {
  let started = 0;
  let secondStarted!: () => void;
  const second = new Promise<void>((r) => (secondStarted = r));
  let release!: () => void;
  const released = new Promise<void>((r) => (release = r));
  const applied: string[] = [];
  const server = testConsumer({ stream: 'CONC', durable: `conc-${lane}`, filterSubject: `conc.${lane}.>`, concurrency });
  server.addHandler(
    'conc.event',
    async (e: { id: string }) => {
      if (++started === 1) await Promise.race([second, released]);
      else secondStarted();
      applied.push(e.id);
    },
    true,
  );
  server.listen(() => undefined);
  const js = jetstream(nc);
  await js.publish(`conc.${lane}.1`, JSON.stringify({ id: '1', type: 'conc.event' }));
  await waitFor('the first batch to start', async () => started === 1);
  await js.publish(`conc.${lane}.2`, JSON.stringify({ id: '2', type: 'conc.event' }));
  const overlapped = await Promise.race([second.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), 1500))]);
  release();
  await waitFor('both events applied', async () => applied.length === 2);
  await server.close();
  return { overlapped, applied };
}

it('with concurrency 2, a second batch runs while the first is still being applied', async () => {
  const { overlapped, applied } = await secondStartsWhileFirstRuns('two', 2);
  expect(overlapped).toBe(true);
  expect(applied).toEqual(['2', '1']);
});

it('with concurrency 1 (the default), the second batch waits for the first', async () => {
  const { overlapped, applied } = await secondStartsWhileFirstRuns('one', 1);
  expect(overlapped).toBe(false);
  expect(applied).toEqual(['1', '2']);
});

it('refuses a concurrency that is not a whole number >= 1', () => {
  const make = (concurrency: number) =>
    new JetStreamServer({
      nats: client,
      deadLetters: {} as DeadLetterStore,
      stream: 'CONC',
      durable: 'conc-bad',
      filterSubject: 'conc.bad.>',
      decode: () => ({ ok: false, reason: 'unused' }),
      isTransient: () => false,
      dependenciesReady: async () => undefined,
      checkHealth: async () => undefined,
      concurrency,
    });
  expect(() => make(0)).toThrow(/concurrency/);
  expect(() => make(1.5)).toThrow(/concurrency/);
  expect(() => make(1)).not.toThrow();
});

/**
 * close() while events keep arriving: every message the server delivered to this consumer
 * is acknowledged or given back (nak) before close() resolves, none left to wait out
 * ack_wait. A given-back message still counts in num_ack_pending until it is delivered
 * again, which the next pull does at once; so the check is a next reader: after the close
 * (the connection still open) it pulls, acknowledges what comes within 1.5 s and must
 * leave nothing pending. Closing nats.js's consume() under its open pull request lost the
 * messages the server went on sending there: up to a whole request (32) in 7 closes of 8.
 * Every event published is seen, by the closed consumer or the next reader.
 */
it('close() under a steady inflow leaves no message unacknowledged, in 8 closes out of 8', async () => {
  const js = jetstream(nc);
  const strays: number[] = [];
  let delivered = 0;
  let givenBack = 0;
  let lost = 0;
  for (let round = 0; round < 8; round++) {
    const durable = `close${round}`;
    const server = testConsumer({ stream: 'CLOSE', durable, filterSubject: `close.${round}`, batchSize: 16, ackWaitMs: 60_000, backoffMs: [60_000] });
    let applied = 0;
    const seen = new Set<string>();
    server.addHandler('close.event', async (e: { id: string }) => void (applied++, seen.add(e.id)), true);
    let publishing = true;
    let published = 0;
    const publisher = (async () => {
      for (let i = 0; publishing; i++, published++) await js.publish(`close.${round}`, JSON.stringify({ id: `${round}-${i}`, type: 'close.event' }));
    })();
    server.listen(() => undefined);
    await waitFor('events applied before the close', async () => applied >= 200);
    await server.close();
    // Publish on for a moment with the connection open: the closed consumer must take nothing more.
    await new Promise((r) => setTimeout(r, 300));
    publishing = false;
    await publisher;
    givenBack += (await client.jsm.consumers.info('CLOSE', durable)).num_ack_pending;
    const next = await (await client.js.consumers.get('CLOSE', durable)).fetch({ max_messages: 100_000, expires: 1500 });
    for await (const m of next) {
      seen.add(m.json<{ id: string }>().id);
      m.ack();
    }
    // And nothing given back was spent: a message redelivered into the closing request
    // over and over runs out of deliveries, and the server offers it no more.
    lost += published - seen.size;
    const info = await client.jsm.consumers.info('CLOSE', durable);
    strays.push(info.num_ack_pending);
    delivered += info.delivered.stream_seq;
    await client.jsm.consumers.delete('CLOSE', durable);
  }
  process.stdout.write(`8 closes under load: ${delivered} delivered, ${givenBack} given back at the closes\n`);
  expect(delivered).toBeGreaterThan(8 * 200);
  // The closes landed on work in hand: something was given back (else "nothing pending" proves nothing).
  expect(givenBack).toBeGreaterThan(0);
  expect(strays).toEqual([0, 0, 0, 0, 0, 0, 0, 0]);
  expect(lost).toBe(0);
});

/**
 * close() with batches still queued behind a slow one: they are given back, and giving
 * back spends no more than one delivery. Given back while the last pull request is still
 * open, a message is delivered into it again at once; given back from there again, it
 * spun until max_deliver was spent and the server offered it no more (lost to the next
 * reader). With max_deliver 3 the next reader must still get every one of them.
 */
it('close() gives back queued messages once, so the next reader still gets them (max_deliver 3)', async () => {
  let release!: () => void;
  const released = new Promise<void>((r) => (release = r));
  let started!: () => void;
  const first = new Promise<void>((r) => (started = r));
  const applied: string[] = [];
  const server = testConsumer({
    stream: 'CLOSE',
    durable: 'queued',
    filterSubject: 'close.queued',
    batchSize: 16,
    maxDeliver: 3,
    ackWaitMs: 60_000,
    backoffMs: [60_000],
  });
  server.addHandler(
    'close.event',
    async (e: { id: string }) => {
      if (applied.length === 0) {
        started();
        await released;
      }
      applied.push(e.id);
    },
    true,
  );
  const js = jetstream(nc);
  const ids = Array.from({ length: 12 }, (_, i) => `q${i}`);
  for (const id of ids) await js.publish('close.queued', JSON.stringify({ id, type: 'close.event' }));
  server.listen(() => undefined);
  await first;
  const closed = server.close();
  await new Promise((r) => setTimeout(r, 100));
  release();
  await closed;
  const seen = new Set(applied);
  const next = await (await client.js.consumers.get('CLOSE', 'queued')).fetch({ max_messages: 100, expires: 1500 });
  for await (const m of next) {
    seen.add(m.json<{ id: string }>().id);
    m.ack();
  }
  expect(applied.length).toBeLessThan(ids.length); // some were queued at the close and given back
  expect([...seen].sort()).toEqual([...ids].sort());
});
