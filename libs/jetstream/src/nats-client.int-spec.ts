import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect, nanos, NatsConnection } from '@nats-io/transport-node';
import { customerCreated } from '@calm/contracts';
import { startNatsServer, TestNatsServer } from '@calm/local-infra';
import { MAX_EVENT_BYTES, NatsClient } from './nats-client';

/** The streams store events up to the REST body limit plus envelope, and refuse anything larger. */
let nats: TestNatsServer;
let nc: NatsConnection;

beforeAll(async () => {
  nats = await startNatsServer();
  nc = await connect({ servers: nats.url });
});
afterAll(async () => {
  await nc.close();
  await nats.stop();
});

it('creates its streams with max_msg_size, and gives the bound to a stream made without one', async () => {
  const jsm = await jetstreamManager(nc);
  await jsm.streams.add({ name: 'OLD', subjects: ['old.>'] });
  const client = new NatsClient({
    name: 'bounds',
    servers: [nats.url],
    streams: [
      { name: 'NEW', subjects: ['new.>'] },
      { name: 'OLD', subjects: ['old.>'] },
    ],
  });
  await client.ready;
  await client.close();
  expect((await jsm.streams.info('NEW')).config.max_msg_size).toBe(MAX_EVENT_BYTES);
  expect((await jsm.streams.info('OLD')).config.max_msg_size).toBe(MAX_EVENT_BYTES);

  const js = jetstream(nc);
  // The largest event a 64 KiB REST body can become is stored ...
  const name = 'x'.repeat(64 * 1024);
  const event = JSON.stringify(customerCreated({ customerId: '00000000-0000-4000-8000-000000000001', name, email: 'a@b.cd' }, '2024-01-01T00:00:00Z'));
  expect(event.length).toBeLessThan(MAX_EVENT_BYTES);
  await expect(js.publish('new.ok', event)).resolves.toMatchObject({ stream: 'NEW' });
  // ... anything over the bound is refused.
  await expect(js.publish('new.big', new Uint8Array(MAX_EVENT_BYTES + 1))).rejects.toThrow(/maximum message size|message size exceeds/i);
  expect((await jsm.streams.info('NEW')).state.messages).toBe(1);
});

it('the owner reconciles its streams at start: a history of record loses limits that would delete events, a bounded stream gets its limits, missing subjects are added', async () => {
  const jsm = await jetstreamManager(nc);
  await jsm.streams.add({ name: 'HISTORY', subjects: ['history.a'], max_age: nanos(3_600_000), max_msgs: 10, max_msg_size: 1000 });
  await jsm.streams.add({ name: 'BOUNDED', subjects: ['bounded.>'] });
  const client = new NatsClient({
    name: 'owner',
    servers: [nats.url],
    streams: [
      { name: 'HISTORY', subjects: ['history.a', 'history.b'] },
      { name: 'BOUNDED', subjects: ['bounded.>'], maxAgeMs: 7_200_000, maxBytes: 1 << 20 },
    ],
  });
  await client.ready;
  await client.close();
  expect((await jsm.streams.info('HISTORY')).config).toMatchObject({ subjects: ['history.a', 'history.b'], max_age: 0, max_msgs: -1, max_msg_size: 1000 });
  expect((await jsm.streams.info('BOUNDED')).config).toMatchObject({ max_age: nanos(7_200_000), max_bytes: 1 << 20 });
});
