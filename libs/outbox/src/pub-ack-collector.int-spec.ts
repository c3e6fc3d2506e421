import { jetstreamManager } from '@nats-io/jetstream';
import { connect, NatsConnection } from '@nats-io/transport-node';
import { startNatsServer, TestNatsServer } from '@calm/local-infra';
import { waitFor } from '@calm/testing';
import { headers } from '@nats-io/transport-node';
import { isDuplicateIdCollision } from './duplicate-ack';
import { PubAckCollector } from './pub-ack-collector';

let nats: TestNatsServer;
let nc: NatsConnection;

beforeAll(async () => {
  nats = await startNatsServer();
  nc = await connect({ servers: nats.url });
  await (await jetstreamManager(nc)).streams.add({ name: 'PUBACK', subjects: ['puback.>'] });
  await (await jetstreamManager(nc)).streams.add({ name: 'OTHER', subjects: ['other.>'] });
});
afterAll(async () => {
  await nc.close();
  await nats.stop();
});

const messages = (ids: string[]) => ids.map((id) => ({ subject: `puback.${id}`, data: JSON.stringify({ id }), msgID: id, stream: 'PUBACK' }));
const ack = (seq: number, duplicate = false) => ({ stream: 'PUBACK', seq, duplicate });
const stored = async () => (await (await jetstreamManager(nc)).streams.info('PUBACK')).state.messages;

it('reports every message acknowledged by the stream, and the stream drops a repeated Nats-Msg-Id', async () => {
  const acks = new PubAckCollector();
  expect(await acks.publishAll(nc, messages(['a', 'b', 'c']), 5000)).toEqual([ack(1), ack(2), ack(3)]);
  expect(await stored()).toBe(3);
  expect(await acks.publishAll(nc, messages(['b', 'd']), 5000)).toEqual([ack(2, true), ack(4)]);
  expect(await stored()).toBe(4);
});

it('reports a message that no stream takes as a failure, without failing the others', async () => {
  const acks = new PubAckCollector();
  const results = await acks.publishAll(nc, [...messages(['e']), { subject: 'nostream.x', data: '{}', msgID: 'x' }], 5000);
  expect(results[0]).toEqual(ack(5));
  expect(results[1]).toBeInstanceOf(Error);
});

it('does not count a PubAck from a stream that does not own the subject', async () => {
  const [result] = await new PubAckCollector().publishAll(nc, [{ subject: 'other.x', data: '{}', msgID: 'elsewhere', stream: 'PUBACK' }], 5000);
  expect(result).toBeInstanceOf(Error);
  expect((result as Error).message).toMatch(/names stream "OTHER", not PUBACK; not counted as published/);
});

it('answers on reply subjects that carry a random token each, not a counter', async () => {
  const watcher = await connect({ servers: nats.url });
  const replies: string[] = [];
  watcher.subscribe('_INBOX.>', { callback: (_e, m) => void replies.push(m.subject) });
  await watcher.flush();
  await new PubAckCollector().publishAll(nc, messages(['t1', 't2', 't3']), 5000);
  // The watcher is another connection: the server has queued the three PubAcks to it, but
  // on a loaded machine they may not have been read yet when the collector has its own.
  await waitFor('the watcher to see three PubAcks', async () => replies.length >= 3, 10_000);
  await watcher.flush();
  await watcher.close();
  const tokens = replies.map((r) => r.split('.').pop()!);
  expect(tokens).toHaveLength(3);
  for (const t of tokens) expect(t).toMatch(/^[A-Za-z0-9]{22}$/);
  expect(new Set(tokens).size).toBe(3);
});

it('reports every message as failed once the connection is closed', async () => {
  const other = await connect({ servers: nats.url });
  const acks = new PubAckCollector();
  await other.close();
  const results = await acks.publishAll(other, messages(['f', 'g']), 1000);
  expect(results).toHaveLength(2);
  expect(results.filter((r) => !(r instanceof Error))).toEqual([]);
});

describe('a duplicate PubAck', () => {
  const prePublish = async (subject: string, data: string, msgID: string) => {
    const h = headers();
    h.set('Nats-Msg-Id', msgID);
    await (await import('@nats-io/jetstream')).jetstream(nc).publish(subject, data, { headers: h });
  };

  it('counts as published when the stored message is our own earlier copy', async () => {
    const acks = new PubAckCollector();
    const [first] = await acks.publishAll(nc, messages(['own']), 5000);
    expect(first).toEqual({ stream: 'PUBACK', seq: expect.any(Number), duplicate: false });
    expect(await acks.publishAll(nc, messages(['own']), 5000)).toEqual([{ ...first, duplicate: true }]);
  });

  it('is a collision when someone stored another subject under our Nats-Msg-Id first', async () => {
    await prePublish('puback.elsewhere', JSON.stringify({ id: 'stolen' }), 'stolen');
    const before = await stored();
    const [result] = await new PubAckCollector().publishAll(nc, messages(['stolen']), 5000);
    expect(isDuplicateIdCollision(result)).toBe(true);
    expect((result as Error).message).toMatch(/stolen collides with PUBACK seq \d+ \(subject "puback.elsewhere"/);
    expect(await stored()).toBe(before);
  });

  it('is a collision when the same subject and id carry a different body', async () => {
    await prePublish('puback.forged', JSON.stringify({ id: 'forged', evil: true }), 'forged');
    const [result] = await new PubAckCollector().publishAll(nc, messages(['forged']), 5000);
    expect(isDuplicateIdCollision(result)).toBe(true);
    expect((result as Error).message).toMatch(/a different body/);
  });
});
