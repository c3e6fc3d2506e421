import { JsMsg } from '@nats-io/jetstream';
import { deliveryOf } from './stream-reader';

/** A delivery with a reply subject; msg.info counts its reads and answers a marker value. */
function delivery(reply: string) {
  const seen = { info: 0 };
  const msg = {
    reply,
    get info() {
      seen.info++;
      return { streamSequence: -1, pending: -1 };
    },
  } as unknown as JsMsg;
  return { msg, seen };
}

describe('deliveryOf', () => {
  it.each([
    ['new form with a token', '$JS.ACK._.ACCT.ACCOUNTS.c1.1.80843.79001.1763800000000000000.0.x7Yq', 80843, 0],
    ['new form with a domain, no token', '$JS.ACK.hub.ACCT.CUSTOMERS.c2.3.17.5.1763800000000000000.912', 17, 912],
    ['old form', '$JS.ACK.CUSTOMERS.c3.1.25800.25800.1763800000000000000.4095', 25800, 4095],
  ])('reads the stream sequence and pending count of the %s from the reply subject', (_, reply, seq, pending) => {
    const { msg, seen } = delivery(reply);
    expect(deliveryOf(msg)).toEqual({ seq, pending });
    expect(seen.info).toBe(0);
  });

  it.each([
    ['too few tokens', '$JS.ACK.S.c.1.2.3'],
    ['too many tokens', '$JS.ACK._.A.S.c.1.2.3.4.5.6.7'],
    ['not an ack subject', '_INBOX.abc.def.S.c.1.2.3.4.5.6'],
    ['a non-numeric sequence', '$JS.ACK._.A.S.c.1.two.3.4.5.x'],
  ])('leaves %s to msg.info', (_, reply) => {
    const { msg, seen } = delivery(reply);
    expect(deliveryOf(msg)).toEqual({ seq: -1, pending: -1 });
    expect(seen.info).toBeGreaterThan(0);
  });
});
