import { jetstreamManager } from '@nats-io/jetstream';
import type { MsgHdrs, NatsConnection } from '@nats-io/transport-node';
import { checkDuplicate } from './duplicate-ack';
import { OutgoingMessage, PublishResult } from './outgoing-message';
import { PubAckCollector } from './pub-ack-collector';

// The broker side is a fake connection: the collector's own logic (one reply subscription,
// routing answers to their batch, every way an answer can fail) without a nats-server.
// pub-ack-collector.int-spec.ts runs the same collector against a real JetStream.
jest.mock('@nats-io/jetstream', () => ({ jetstreamManager: jest.fn() }));
jest.mock('./duplicate-ack', () => ({ checkDuplicate: jest.fn() }));

interface Published {
  subject: string;
  data: string;
  reply: string;
  msgId: string | undefined;
}
type Answer = { json: string } | { status: { code: number; description: string } } | 'silent';

class FakeConnection {
  readonly options = { inboxPrefix: '_TEST_INBOX' };
  readonly subscriptions: { subject: string; closed: boolean; deliver: (err: Error | null, msg: unknown) => void }[] = [];
  readonly published: Published[] = [];
  /** How the stream answers each published message (by default a PubAck). */
  answer: (p: Published) => Answer = () => ({ json: '{"stream":"S","seq":1}' });
  /** Publishing throws from this message on (a closed connection). */
  failFrom = Infinity;

  subscribe(subject: string, opts: { callback: (err: Error | null, msg: unknown) => void }) {
    const sub = { subject, closed: false, deliver: opts.callback, isClosed: () => sub.closed };
    this.subscriptions.push(sub);
    return sub;
  }

  publish(subject: string, data: string, opts: { reply: string; headers: MsgHdrs }) {
    if (this.published.length >= this.failFrom) throw new Error('connection closed');
    const p = { subject, data, reply: opts.reply, msgId: opts.headers.get('Nats-Msg-Id') };
    this.published.push(p);
    const a = this.answer(p);
    if (a !== 'silent') setImmediate(() => this.reply(p.reply, a));
  }

  reply(subject: string, a: Exclude<Answer, 'silent'>, err: Error | null = null) {
    const headers = 'status' in a ? { hasError: true, ...a.status } : undefined;
    const msg = { subject, headers, json: () => JSON.parse('json' in a ? a.json : '') };
    this.subscriptions.at(-1)!.deliver(err, msg);
  }

  get nc(): NatsConnection {
    return this as unknown as NatsConnection;
  }
}

const messages = (...ids: string[]): OutgoingMessage[] => ids.map((id) => ({ subject: `s.${id}`, data: `{"id":"${id}"}`, msgID: id }));
const messageOf = (r: PublishResult) => (r instanceof Error ? r.message : true);
/** A reply subject under the collector's one subscription: its prefix and a random token (never a counter). */
const replyUnder = (prefix: string) => expect.stringMatching(new RegExp(`^${prefix.replace(/[.$]/g, '\\$&')}\\.[A-Za-z0-9]+$`));

beforeEach(() => jest.mocked(checkDuplicate).mockReset());

describe('PubAckCollector', () => {
  it('publishes each message with its Nats-Msg-Id and a reply subject under one subscription, and reports every PubAck', async () => {
    const c = new FakeConnection();
    const acks = new PubAckCollector();
    expect((await acks.publishAll(c.nc, messages('a', 'b'), 1000)).map(messageOf)).toEqual([true, true]);
    expect(c.subscriptions.map((s) => s.subject)).toEqual([expect.stringMatching(/^_TEST_INBOX\.[A-Za-z0-9]+\.\*$/)]);
    const prefix = c.subscriptions[0].subject.slice(0, -2);
    expect(c.published).toEqual([
      { subject: 's.a', data: '{"id":"a"}', reply: replyUnder(prefix), msgId: 'a' },
      { subject: 's.b', data: '{"id":"b"}', reply: replyUnder(prefix), msgId: 'b' },
    ]);
    expect(c.published[0].reply).not.toBe(c.published[1].reply);
  });

  it('answers at once for no messages, publishing nothing', async () => {
    const c = new FakeConnection();
    expect(await new PubAckCollector().publishAll(c.nc, [], 1000)).toEqual([]);
    expect(c.subscriptions).toEqual([]);
  });

  it('keeps its subscription for later batches, and subscribes again on a new connection or after its subscription closed', async () => {
    const acks = new PubAckCollector();
    const c = new FakeConnection();
    await acks.publishAll(c.nc, messages('a'), 1000);
    await acks.publishAll(c.nc, messages('b'), 1000);
    expect(c.subscriptions).toHaveLength(1);
    expect(new Set(c.published.map((p) => p.reply)).size).toBe(2);
    c.subscriptions[0].closed = true;
    expect((await acks.publishAll(c.nc, messages('c'), 1000)).map(messageOf)).toEqual([true]);
    expect(c.subscriptions).toHaveLength(2);
    const other = new FakeConnection();
    expect((await acks.publishAll(other.nc, messages('d'), 1000)).map(messageOf)).toEqual([true]);
    expect(other.subscriptions).toHaveLength(1);
  });

  it('routes answers to their own batch when batches overlap', async () => {
    const c = new FakeConnection();
    c.answer = () => 'silent';
    const acks = new PubAckCollector();
    const first = acks.publishAll(c.nc, messages('a', 'b'), 1000);
    const second = acks.publishAll(c.nc, messages('c'), 1000);
    const [a, b, cc] = c.published;
    c.reply(cc.reply, { json: '{"stream":"S","seq":3}' });
    c.reply(b.reply, { json: '{"error":{"code":10077,"description":"maximum messages exceeded"}}' });
    c.reply(a.reply, { json: '{"stream":"S","seq":1}' });
    expect((await first).map(messageOf)).toEqual([true, 'JetStream refused the message: 10077 maximum messages exceeded']);
    expect((await second).map(messageOf)).toEqual([true]);
  });

  it('answers as soon as the last PubAck arrives, not at the timeout', async () => {
    const started = Date.now();
    expect((await new PubAckCollector().publishAll(new FakeConnection().nc, messages('a', 'b', 'c'), 10_000)).map(messageOf)).toEqual([true, true, true]);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('counts a repeated answer to one message once', async () => {
    const c = new FakeConnection();
    c.answer = () => 'silent';
    let done = false;
    const pending = new PubAckCollector().publishAll(c.nc, messages('a', 'b'), 10_000).then((r) => ((done = true), r));
    c.reply(c.published[0].reply, { json: '{"stream":"S","seq":1}' });
    c.reply(c.published[0].reply, { json: '{"stream":"S","seq":1}' });
    await new Promise((r) => setImmediate(r));
    expect(done).toBe(false);
    c.reply(c.published[1].reply, { json: '{"stream":"S","seq":2}' });
    expect((await pending).map(messageOf)).toEqual([true, true]);
  });

  it('reports a message without an answer within the timeout, and ignores its late answer', async () => {
    const c = new FakeConnection();
    c.answer = (p) => (p.msgId === 'b' ? 'silent' : { json: '{"stream":"S","seq":1}' });
    const acks = new PubAckCollector();
    expect((await acks.publishAll(c.nc, messages('a', 'b'), 50)).map(messageOf)).toEqual([true, 'no PubAck within 50 ms']);
    expect(() => c.reply(c.published[1].reply, { json: '{"stream":"S","seq":2}' })).not.toThrow();
    expect((await acks.publishAll(c.nc, messages('c'), 1000)).map(messageOf)).toEqual([true]);
  });

  it('reports an error status (no stream: no responders), an unreadable PubAck and a refusal, each as its own failure', async () => {
    const c = new FakeConnection();
    const answers: Record<string, Answer> = {
      a: { status: { code: 503, description: '' } },
      b: { status: { code: 408, description: 'Request Timeout' } },
      c: { json: 'not json' },
      d: { json: '{"error":{"code":10060,"description":"expected stream does not match"}}' },
      e: { json: '{"stream":"S","seq":5}' },
    };
    c.answer = (p) => answers[p.msgId!];
    const results = (await new PubAckCollector().publishAll(c.nc, messages('a', 'b', 'c', 'd', 'e'), 1000)).map(messageOf);
    expect(results).toEqual([
      expect.stringMatching(/^no PubAck for .+: 503 no responders \(is the stream missing\?\)$/),
      expect.stringMatching(/^no PubAck for .+: 408 Request Timeout$/),
      expect.stringMatching(/^unreadable PubAck: /),
      'JetStream refused the message: 10060 expected stream does not match',
      true,
    ]);
  });

  it('ignores a delivery error of the subscription (the message then times out)', async () => {
    const c = new FakeConnection();
    c.answer = () => 'silent';
    const pending = new PubAckCollector().publishAll(c.nc, messages('a'), 50);
    c.reply(c.published[0].reply, { json: '{"stream":"S","seq":1}' }, new Error('permissions violation'));
    expect((await pending).map(messageOf)).toEqual(['no PubAck within 50 ms']);
  });

  it('counts a duplicate PubAck only as the stored message check answers, asking about the acknowledged sequence', async () => {
    const jsm = { fake: 'jsm' };
    jest.mocked(jetstreamManager).mockResolvedValue(jsm as never);
    const collision = new Error('collides');
    jest.mocked(checkDuplicate).mockImplementation(async (_jsm, ack) => (ack.seq === 7 ? true : collision));
    const c = new FakeConnection();
    c.answer = (p) => ({ json: JSON.stringify({ stream: 'S', seq: p.msgId === 'a' ? 7 : 8, duplicate: true }) });
    const results = await new PubAckCollector().publishAll(c.nc, messages('a', 'b'), 1000);
    expect(results).toEqual([{ stream: 'S', seq: 7, duplicate: true }, collision]);
    expect(jest.mocked(checkDuplicate).mock.calls).toEqual([
      [jsm, { stream: 'S', seq: 7, duplicate: true }, messages('a')[0]],
      [jsm, { stream: 'S', seq: 8, duplicate: true }, messages('b')[0]],
    ]);
    expect(jest.mocked(jetstreamManager)).toHaveBeenCalledWith(c.nc, { checkAPI: false });
  });

  it('refuses a duplicate PubAck without a stream sequence, and reports a check that fails', async () => {
    jest.mocked(jetstreamManager).mockResolvedValue({} as never);
    jest.mocked(checkDuplicate).mockRejectedValue(new Error('stream info failed'));
    const c = new FakeConnection();
    const answers: Record<string, string> = {
      a: '{"stream":"S","duplicate":true}',
      b: '{"seq":3,"duplicate":true}',
      c: '{"stream":"S","seq":3,"duplicate":true}',
    };
    c.answer = (p) => ({ json: answers[p.msgId!] });
    expect((await new PubAckCollector().publishAll(c.nc, messages('a', 'b', 'c'), 1000)).map(messageOf)).toEqual([
      'PubAck for a without a stream sequence',
      'PubAck for b without a stream sequence',
      'stream info failed',
    ]);
  });

  it('keeps the timeout result when a duplicate check answers after it', async () => {
    jest.mocked(jetstreamManager).mockResolvedValue({} as never);
    jest.mocked(checkDuplicate).mockImplementation(() => new Promise((r) => setTimeout(() => r(true), 120)));
    const c = new FakeConnection();
    c.answer = () => ({ json: '{"stream":"S","seq":1,"duplicate":true}' });
    const results = await new PubAckCollector().publishAll(c.nc, messages('a'), 40);
    expect(results.map(messageOf)).toEqual(['no PubAck within 40 ms']);
    await new Promise((r) => setTimeout(r, 150));
    expect(results.map(messageOf)).toEqual(['no PubAck within 40 ms']);
  });

  it('reports the unsent messages with the connection error at once, and the sent ones as not acknowledged', async () => {
    const c = new FakeConnection();
    c.answer = () => 'silent';
    c.failFrom = 1;
    const started = Date.now();
    const results = await new PubAckCollector().publishAll(c.nc, messages('a', 'b', 'c'), 5000);
    expect(Date.now() - started).toBeLessThan(2000);
    // The message whose publish threw is reported as unacknowledged, the ones after it
    // with the connection's error: every one a failure, so the relay retries them all.
    expect(results.map(messageOf)).toEqual(['no PubAck within 5000 ms', 'no PubAck within 5000 ms', 'connection closed']);
  });
});
