import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { customerCreated, decodeEvent } from '@calm/contracts';
import { fuzzSeed, hostileJson, hostileString, mutatedObject, queryDatabase, waitFor } from '@calm/testing';
import { http, TestSystem } from '../support/system';

/**
 * Property-based fuzzing of the customer.created consumer: random bytes, random JSON and
 * near-miss events on customer.created.*. Each message must end applied (its id in the
 * inbox) or dead-lettered (its stream sequence in dead_letter): never dropped, never a
 * crash, never a stuck consumer (a good event published after them applies).
 * Replay a failure with FUZZ_SEED=<seed>.
 */
jest.setTimeout(120_000);

const RUNS = Number(process.env.FUZZ_RUNS ?? 120);
let system: TestSystem;
let url: string;

beforeAll(async () => {
  system = await TestSystem.start('fuzzcons');
  // Short backoff so that events that fail in the database reach their dead letter quickly.
  ({ url } = await system.startAccounts({ consumer: { maxDeliver: 3, ackWaitMs: 1000, backoffMs: [1000, 1000], batchSize: 32 } }));
});
afterAll(() => system?.stop());

const valid = customerCreated({ customerId: randomUUID(), name: 'Fuzz', email: 'fuzz@example.com' }, '2026-01-01T00:00:00.000Z');

const message = fc.record({
  subjectKey: fc.oneof(fc.uuid(), fc.constant(valid.data.customerId), fc.stringMatching(/^[A-Za-z0-9_-]{1,40}$/)),
  payload: fc.oneof(
    fc.uint8Array({ maxLength: 300 }),
    hostileJson().map((v) => Buffer.from(JSON.stringify(v) ?? 'null')),
    mutatedObject(valid as unknown as Record<string, unknown>).map((o) => Buffer.from(JSON.stringify(o))),
    fc.record({ customerId: fc.uuid(), time: fc.date({ min: new Date(-62_198_755_200_000), max: new Date(8.64e15), noInvalidDate: true }) }).map(({ customerId, time }) =>
      Buffer.from(JSON.stringify(customerCreated({ customerId, name: 'n', email: 'e@x.io' }, time.toISOString()))),
    ),
    mutatedObject(valid.data as unknown as Record<string, unknown>).map((data) => Buffer.from(JSON.stringify({ ...valid, data }))),
    // A valid event under a hostile id: it reaches the database (a NUL there fails the insert).
    fc.record({ id: hostileString().filter((s) => s.length > 0 && s.length <= 200), customerId: fc.uuid() }).map(({ id, customerId }) =>
      Buffer.from(JSON.stringify({ ...customerCreated({ customerId, name: 'n', email: 'e@x.io' }, valid.time), id })),
    ),
  ),
});

it('applies or dead-letters every random message, and keeps consuming', async () => {
  const samples = fc.sample(message, { numRuns: RUNS, seed: fuzzSeed('customer.created consumer') });
  const published: { seq: number; subject: string; payload: Uint8Array }[] = [];
  for (const m of samples) {
    const subject = `customer.created.${m.subjectKey}`;
    published.push({ seq: (await system.js.publish(subject, m.payload)).seq, subject, payload: m.payload });
  }
  const [accountId, customerId] = [randomUUID(), randomUUID()];
  expect((await http(url, 'POST', '/accounts', { accountId, customerId })).status).toBe(201);
  await system.publishCustomerCreated(customerId);
  await waitFor('a good event after the fuzz to apply', async () => (await http(url, 'GET', `/accounts/${accountId}`)).body.status === 'valid', 60_000);

  const settled = await waitFor(
    'every fuzz message to be applied or dead-lettered',
    async () => {
      const dead = new Set((await queryDatabase<{ stream_seq: string }>(system.accountsDb.url, 'SELECT stream_seq FROM dead_letter')).map((r) => Number(r.stream_seq)));
      const inbox = new Set((await queryDatabase<{ event_id: string }>(system.accountsDb.url, 'SELECT event_id FROM inbox')).map((r) => r.event_id));
      const open = published.filter((p) => {
        if (dead.has(p.seq)) return false;
        const decoded = decodeEvent(p.payload, p.subject);
        return !(decoded.ok && inbox.has(decoded.value.id));
      });
      return open.length === 0 ? { dead: dead.size } : null;
    },
    60_000,
  );
  // Every message that cannot decode must be among the dead letters.
  const undecodable = published.filter((p) => !decodeEvent(p.payload, p.subject).ok).length;
  expect(settled.dead).toBeGreaterThanOrEqual(undecodable);
  const info = await system.jsm.consumers.info('CUSTOMERS', 'accounts-customer-created');
  expect(info.num_pending).toBe(0);
});
