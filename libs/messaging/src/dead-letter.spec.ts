import type { JsMsg } from '@nats-io/jetstream';
import { deadLetterOf, UNDECODABLE_PAYLOAD_PREFIX_BYTES } from './dead-letter';

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
