import { JetStreamError } from '@nats-io/jetstream';
import type { Consumer, JsMsg } from '@nats-io/jetstream';
import { pullOneRequestAtATime } from './pull-requests';

/** A consumer whose fetches answer, in turn, these messages, each request ending with its error if it has one. */
function consumerOf(requests: { msgs: string[]; error?: Error }[]): { consumer: Consumer; fetches: () => number } {
  let fetches = 0;
  const consumer = {
    fetch: async () => {
      const r = requests[fetches++] ?? { msgs: [] };
      return (async function* () {
        for (const m of r.msgs) yield { subject: m } as unknown as JsMsg;
        if (r.error) throw r.error;
      })();
    },
  } as unknown as Consumer;
  return { consumer, fetches: () => fetches };
}

async function read(consumer: Consumer, last: string): Promise<string[]> {
  const seen: string[] = [];
  for await (const msg of pullOneRequestAtATime(consumer, 10, () => seen.includes(last))) seen.push(msg.subject);
  return seen;
}

describe('pullOneRequestAtATime', () => {
  it("pulls again at once when nats.js ends a request with 'heartbeats missed', instead of failing the consumer", async () => {
    const { consumer, fetches } = consumerOf([{ msgs: ['a'], error: new JetStreamError('heartbeats missed') }, { msgs: [] }, { msgs: ['b'] }]);
    await expect(read(consumer, 'b')).resolves.toEqual(['a', 'b']);
    expect(fetches()).toBe(3);
  });

  it('ends on any other error of a request (the consumer reattaches)', async () => {
    const { consumer } = consumerOf([{ msgs: ['a'], error: new JetStreamError('consumer deleted') }, { msgs: ['b'] }]);
    await expect(read(consumer, 'b')).rejects.toThrow('consumer deleted');
  });
});
