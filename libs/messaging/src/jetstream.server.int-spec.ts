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
  client = new NatsClient({ name: 'buffer', servers: [nats.url], streams: [{ name: 'BUF', subjects: ['buf.>'] }] });
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
