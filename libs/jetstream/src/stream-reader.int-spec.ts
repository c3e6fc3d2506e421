import { jetstream, jetstreamManager, JetStreamClient, JetStreamManager } from '@nats-io/jetstream';
import { connect, NatsConnection } from '@nats-io/transport-node';
import { startNatsServer, TestNatsServer } from '@calm/local-infra';
import { readStream } from './stream-reader';

/**
 * readStream delivers to a callback (no async iterator): every message once, in stream
 * order, up to the stream's end when the read began, and nothing after an end or an error.
 */
let nats: TestNatsServer;
let nc: NatsConnection;
let js: JetStreamClient;
let jsm: JetStreamManager;
const TOTAL = 20_000;

beforeAll(async () => {
  nats = await startNatsServer();
  nc = await connect({ servers: nats.url });
  js = jetstream(nc);
  jsm = await jetstreamManager(nc);
  await jsm.streams.add({ name: 'READ', subjects: ['read.>'] });
  for (let i = 0; i < TOTAL; i += 1000)
    await Promise.all(Array.from({ length: 1000 }, (_, k) => js.publish(`read.${(i + k) % 3 === 0 ? 'three' : 'other'}.${i + k}`, String(i + k))));
});
afterAll(async () => {
  await nc.close();
  await nats.stop();
});

it('reads every message once, in order, across several pulls, and stops at the last sequence of the start', async () => {
  const seen: number[] = [];
  let late: Promise<unknown> = Promise.resolve();
  const r = await readStream(js, jsm, { stream: 'READ', batch: 1000 }, (m) => {
    seen.push(Number(m.string()));
    // Published during the read: after the end the read was given, so not delivered.
    if (seen.length === 10) late = js.publish('read.other.late', 'late');
  });
  expect((await late) as { seq: number }).toMatchObject({ seq: TOTAL + 1 });
  expect(r).toMatchObject({ count: TOTAL, lastSeq: TOTAL });
  expect(seen).toEqual(Array.from({ length: TOTAL }, (_, i) => i));
  await jsm.streams.purge('READ', { filter: 'read.other.late' });
});

it('reads what a filter matches, up to its last match', async () => {
  const seen: number[] = [];
  const r = await readStream(js, jsm, { stream: 'READ', filterSubject: 'read.three.>', batch: 500 }, (m) => void seen.push(Number(m.string())));
  const expected = Array.from({ length: TOTAL }, (_, i) => i).filter((i) => i % 3 === 0);
  expect(r.count).toBe(expected.length);
  expect(seen).toEqual(expected);
});

it('rejects with what the handler threw, and delivers nothing more', async () => {
  let calls = 0;
  const read = readStream(js, jsm, { stream: 'READ', batch: 1000 }, () => {
    if (++calls === 1500) throw new Error('handler failed at 1500');
  });
  await expect(read).rejects.toThrow('handler failed at 1500');
  await new Promise((r) => setTimeout(r, 200));
  expect(calls).toBe(1500);
});
