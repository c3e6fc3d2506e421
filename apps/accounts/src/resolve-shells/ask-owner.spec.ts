import type { NatsConnection } from '@nats-io/transport-node';
import { askOwner } from './ask-owner';

const customerId = 'c0000000-0000-4000-8000-000000000001';

/** A connection whose request answers `reply` (an object is sent as JSON) or fails with it (an Error). */
const answering = (reply: unknown): NatsConnection =>
  ({
    request: async () => {
      if (reply instanceof Error) throw reply;
      return { json: () => (typeof reply === 'string' ? JSON.parse(reply) : reply) };
    },
  }) as unknown as NatsConnection;

describe('askOwner: only a well-formed decision about the id asked decides anything', () => {
  it('takes a created or sealed answer, its time normalised', async () => {
    expect(await askOwner(answering({ customerId, state: 'created', createdAt: '2026-01-01T00:00:00Z' }), customerId, 100)).toEqual({
      decided: true,
      decision: { customerId, state: 'created', createdAt: '2026-01-01T00:00:00.000Z' },
    });
    expect(
      await askOwner(answering({ customerId: customerId.toUpperCase(), state: 'sealed', sealedAt: '2026-01-01T01:00:00.000+01:00' }), customerId, 100),
    ).toEqual({
      decided: true,
      decision: { customerId, state: 'sealed', sealedAt: '2026-01-01T00:00:00.000Z' },
    });
  });

  it.each([
    ['a timeout', new Error('TIMEOUT'), /no answer/],
    ['no responder', new Error('503'), /no answer/],
    ['an error answer', { error: 'not resolved: database unavailable' }, /answered an error: not resolved/],
    ['garbage', 'not json', /malformed answer: not JSON/],
    ['a state it does not know', { customerId, state: 'maybe' }, /malformed/],
    ['a sealed answer without its time', { customerId, state: 'sealed' }, /malformed/],
    [
      'an answer about another customer',
      { customerId: 'c0000000-0000-4000-8000-000000000002', state: 'sealed', sealedAt: '2026-01-01T00:00:00.000Z' },
      /about c0000000-0000-4000-8000-000000000002/,
    ],
  ])('decides nothing on %s', async (_name, reply, reason) => {
    const answer = await askOwner(answering(reply), customerId, 100);
    expect(answer.decided).toBe(false);
    if (!answer.decided) expect(answer.reason).toMatch(reason);
  });
});
