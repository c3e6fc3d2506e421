import type { JsMsg } from '@nats-io/jetstream';
import type { DeadLetter, DeadLetterStore } from '../dead-letter';
import { GiveBack } from './give-back';

/** A delivered message that remembers what was done with it. */
function delivered(seq: number, deliveryCount: number): JsMsg & { done: string[] } {
  const done: string[] = [];
  return {
    done,
    seq,
    subject: `s.${seq}`,
    data: new Uint8Array([seq]),
    headers: undefined,
    info: { deliveryCount },
    nak: () => done.push('nak'),
    term: () => done.push('term'),
  } as unknown as JsMsg & { done: string[] };
}

function giveBack(record: (l: DeadLetter) => Promise<boolean>) {
  const letters: DeadLetter[] = [];
  const store = { recordExhausted: async (l: DeadLetter) => (letters.push(l), record(l)) } as unknown as DeadLetterStore;
  const warnings: string[] = [];
  const g = new GiveBack({ maxDeliver: 3, deadLetters: store, from: { stream: 'S', consumer: 'c' }, warn: (w) => warnings.push(w) });
  return { g, letters, warnings };
}

it('naks a message with deliveries left, and dead-letters (never naks) one on its last delivery', async () => {
  const { g, letters } = giveBack(async () => true);
  const [early, last] = [delivered(1, 2), delivered(2, 3)];
  g.giveBack([early, last]);
  await g.settled(1000);
  expect(early.done).toEqual(['nak']);
  expect(last.done).toEqual(['term']);
  expect(letters.map((l) => [l.streamSeq, l.reason, l.deliveries])).toEqual([[2, 'max deliveries', 3]]);
});

it('leaves a last delivery unacknowledged (for the advisory) when its dead letter cannot be written', async () => {
  const { g, warnings } = giveBack(async () => {
    throw new Error('database down');
  });
  const last = delivered(7, 3);
  g.giveBack([last]);
  await g.settled(1000);
  expect(last.done).toEqual([]);
  expect(warnings.join()).toMatch(/seq 7 left for the max-deliveries advisory: database down/);
});
