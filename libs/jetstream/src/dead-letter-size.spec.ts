import type { JsMsg } from '@nats-io/jetstream';
import { deadLetterOf, UNDECODABLE_PAYLOAD_PREFIX_BYTES } from './dead-letter';

/**
 * An undecodable payload is kept whole up to the prefix size, and cut only beyond it: a
 * letter that says it kept a part must have lost something.
 */
const message = (bytes: number) =>
  ({ subject: 'customer.created.x', seq: 7, data: new Uint8Array(bytes).fill(0x41), headers: undefined, info: { deliveryCount: 1 } }) as unknown as JsMsg;
const from = { stream: 'CUSTOMERS', consumer: 'c' };

describe('the size at which an undecodable payload is cut', () => {
  it('keeps a payload of exactly the prefix size whole, with the reason as given', () => {
    const letter = deadLetterOf(message(UNDECODABLE_PAYLOAD_PREFIX_BYTES), 'not JSON', undefined, from);
    expect(letter).toMatchObject({ payload: message(UNDECODABLE_PAYLOAD_PREFIX_BYTES).data, reason: 'not JSON' });
  });

  it('cuts one byte more', () => {
    const letter = deadLetterOf(message(UNDECODABLE_PAYLOAD_PREFIX_BYTES + 1), 'not JSON', undefined, from);
    expect(letter.payload).toHaveLength(UNDECODABLE_PAYLOAD_PREFIX_BYTES);
    expect(letter.reason).toContain(`of ${UNDECODABLE_PAYLOAD_PREFIX_BYTES + 1} bytes`);
  });
});
