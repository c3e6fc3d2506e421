import type { JsMsg } from '@nats-io/jetstream';
import { headers as natsHeaders } from '@nats-io/transport-node';
import { deadLetterOf, storableText, UNDECODABLE_PAYLOAD_PREFIX_BYTES } from './dead-letter';

const message = (bytes: number) =>
  ({ subject: 'customer.created.x', seq: 7, data: new Uint8Array(bytes).fill(0x41), headers: undefined, info: { deliveryCount: 1 } }) as unknown as JsMsg;
const from = { stream: 'CUSTOMERS', consumer: 'c' };

describe('deadLetterOf', () => {
  it('keeps a bounded prefix of an undecodable payload and says where the whole message is', () => {
    const letter = deadLetterOf(message(100_000), 'not JSON', undefined, from);
    expect(letter.payload).toHaveLength(UNDECODABLE_PAYLOAD_PREFIX_BYTES);
    expect(letter.reason).toBe(`not JSON (payload kept: its first ${UNDECODABLE_PAYLOAD_PREFIX_BYTES} of 100000 bytes; the whole message is CUSTOMERS seq 7)`);
  });

  it('keeps a small undecodable payload, and a decoded event whole, as received', () => {
    expect(deadLetterOf(message(10), 'not JSON', undefined, from)).toMatchObject({ payload: message(10).data, reason: 'not JSON' });
    const big = message(100_000);
    expect(deadLetterOf(big, 'refused', { id: 'e', type: 'customer.created' }, from).payload).toHaveLength(100_000);
  });
});

const fromFacts = { stream: 'CUSTOMERS', consumer: 'accounts-customer-facts' };

function messageOn(subject: string, hdrs?: Record<string, string[]>): JsMsg {
  let h;
  if (hdrs) {
    h = natsHeaders();
    for (const [k, vs] of Object.entries(hdrs)) for (const v of vs) h.append(k, v);
  }
  return { subject, seq: 42, data: new Uint8Array([0, 1, 255]), headers: h, info: { deliveryCount: 3 } } as unknown as JsMsg;
}

describe('dead letter text', () => {
  it('keeps the bytes, sequence, deliveries and headers as received, with the reason and the decoded id and type', () => {
    const msg = messageOn('customer.created.c1', { 'Nats-Msg-Id': ['e1'], 'X-Two': ['a', 'b'] });
    expect(deadLetterOf(msg, 'bad email', { id: 'e1', type: 'customer.created' }, fromFacts)).toEqual({
      stream: 'CUSTOMERS',
      consumer: 'accounts-customer-facts',
      subject: 'customer.created.c1',
      streamSeq: 42,
      payload: new Uint8Array([0, 1, 255]),
      headers: { 'Nats-Msg-Id': ['e1'], 'X-Two': ['a', 'b'] },
      reason: 'bad email',
      deliveries: 3,
      eventId: 'e1',
      eventType: 'customer.created',
    });
  });

  it('has no headers, id or type where the message had none or did not decode', () => {
    const letter = deadLetterOf(messageOn('customer.created.c1'), 'not JSON', undefined, fromFacts);
    expect(letter.headers).toEqual({});
    expect(letter.eventId).toBeUndefined();
    expect(letter.eventType).toBeUndefined();
  });

  it('escapes every NUL (PostgreSQL text cannot hold one) in the subject, reason, id, type and headers', () => {
    // nats.js refuses such a header name when sending; a message is iterated as [name, values] pairs.
    const msg = { ...messageOn('customer.created.a\u0000b'), headers: new Map([['X-\u0000', ['v\u0000\u0000', 'ok']]]) } as unknown as JsMsg;
    const letter = deadLetterOf(msg, 'NUL \u0000 here', { id: '\u0000id', type: 't\u0000' }, fromFacts);
    expect(letter).toMatchObject({
      subject: 'customer.created.a\\u0000b',
      reason: 'NUL \\u0000 here',
      eventId: '\\u0000id',
      eventType: 't\\u0000',
      headers: { 'X-\\u0000': ['v\\u0000\\u0000', 'ok'] },
    });
  });

  it('leaves text without NUL as it is', () => {
    expect(storableText('plain é 😀 \\u0000')).toBe('plain é 😀 \\u0000');
    expect(storableText('')).toBe('');
  });
});
