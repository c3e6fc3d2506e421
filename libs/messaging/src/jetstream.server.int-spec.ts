import { jetstream } from '@nats-io/jetstream';
import { connect, NatsConnection } from '@nats-io/transport-node';
import { startNatsServer, TestNatsServer, waitFor } from '@calm/testing';
import { DeadLetterStore } from './dead-letter';
import { JetStreamServer } from './jetstream.server';
import { MAX_EVENT_BYTES, NatsClient } from './nats-client';

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
  const server = new JetStreamServer({
    nats: client,
    deadLetters: { record: async () => undefined } as unknown as DeadLetterStore,
    stream: 'BUF',
    durable: 'buf',
    filterSubject: 'buf.>',
    decode: (bytes) => ({ ok: true, value: JSON.parse(new TextDecoder().decode(bytes)) }),
    isTransient: () => false,
    dependenciesReady: async () => undefined,
    checkHealth: async () => undefined,
    batchSize: 64,
    maxBufferBytes: 3 * MAX_EVENT_BYTES,
  });
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
  const server = new JetStreamServer({
    nats: client,
    deadLetters: { record: async () => undefined } as unknown as DeadLetterStore,
    stream: 'CONC',
    durable: `conc-${lane}`,
    filterSubject: `conc.${lane}.>`,
    decode: (bytes) => ({ ok: true, value: JSON.parse(new TextDecoder().decode(bytes)) }),
    isTransient: () => false,
    dependenciesReady: async () => undefined,
    checkHealth: async () => undefined,
    concurrency,
  });
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
