import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { consumers, customerCreated, decodeEvent } from '@calm/contracts';
import { fuzzSeed, hostileJson, hostileString, metricValue, mutatedObject, queryDatabase, waitFor, waitForAckFloor } from '@calm/testing';
import { http, TestSystem } from '../support/system';

/**
 * Property-based fuzzing of the customer.created consumer: random bytes, random JSON and
 * near-miss events on customer.created.*. Accounted per stream sequence, not per event
 * id (two copies share an id; one applied must not hide the other dropped): the consumer's
 * ack floor reaches the last sequence with nothing pending or unacknowledged, and the
 * consumer's own outcome counters say every message ended applied or dead-lettered
 * exactly once; every message that cannot decode has its sequence in dead_letter. Never
 * dropped, never a crash, never a stuck consumer (a good event published after them applies).
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
  // null: the subject names the payload's own customerId (else most events would fail on
  // the subject check alone and never reach the database).
  subjectKey: fc.oneof(
    { weight: 3, arbitrary: fc.constant(null) },
    { weight: 1, arbitrary: fc.oneof(fc.uuid(), fc.constant(valid.data.customerId), fc.stringMatching(/^[A-Za-z0-9_-]{1,40}$/)) },
  ),
  payload: fc.oneof(
    fc.uint8Array({ maxLength: 300 }),
    hostileJson().map((v) => Buffer.from(JSON.stringify(v) ?? 'null')),
    mutatedObject(valid as unknown as Record<string, unknown>).map((o) => Buffer.from(JSON.stringify(o))),
    fc
      .record({ customerId: fc.uuid(), time: fc.date({ min: new Date(-62_198_755_200_000), max: new Date(8.64e15), noInvalidDate: true }) })
      .map(({ customerId, time }) => Buffer.from(JSON.stringify(customerCreated({ customerId, name: 'n', email: 'e@x.io' }, time.toISOString())))),
    mutatedObject(valid.data as unknown as Record<string, unknown>).map((data) => Buffer.from(JSON.stringify({ ...valid, data }))),
    // A valid event under a hostile id: it reaches the database (a NUL there fails the insert).
    fc
      .record({ id: hostileString().filter((s) => s.length > 0 && s.length <= 200), customerId: fc.uuid() })
      .map(({ id, customerId }) => Buffer.from(JSON.stringify({ ...customerCreated({ customerId, name: 'n', email: 'e@x.io' }, valid.time), id }))),
  ),
});

/** The payload's data.customerId when it has a usable one, for a subject that matches it. */
function ownCustomerId(payload: Uint8Array): string {
  try {
    const id = JSON.parse(Buffer.from(payload).toString('utf8'))?.data?.customerId;
    return typeof id === 'string' && /^[A-Za-z0-9_-]{1,64}$/.test(id) ? id : valid.data.customerId;
  } catch {
    return valid.data.customerId;
  }
}

it('applies or dead-letters every random message, and keeps consuming', async () => {
  const samples = fc.sample(message, { numRuns: RUNS, seed: fuzzSeed('customer.created consumer') });
  const published: { seq: number; subject: string; payload: Uint8Array }[] = [];
  for (const m of samples) {
    const subject = `customer.created.${m.subjectKey ?? ownCustomerId(m.payload)}`;
    published.push({ seq: (await system.js.publish(subject, m.payload)).seq, subject, payload: m.payload });
  }
  const [accountId, customerId] = [randomUUID(), randomUUID()];
  expect((await http(url, 'POST', '/accounts', { accountId, customerId })).status).toBe(201);
  await system.publishCustomerCreated(customerId);
  await waitFor('a good event after the fuzz to apply', async () => (await http(url, 'GET', `/accounts/${accountId}`)).body.status === 'valid', 60_000);

  // Every sequence up to the good event's was acknowledged or terminated, none is pending.
  const lastSeq = (await system.jsm.streams.info('CUSTOMERS')).state.last_seq;
  await waitForAckFloor(system.jsm, lastSeq, { timeoutMs: 60_000 });
  const info = await system.jsm.consumers.info(consumers.validateAccountsWhenCustomerCreated.stream, consumers.validateAccountsWhenCustomerCreated.durable);
  expect({ ackFloor: info.ack_floor.stream_seq, pending: info.num_pending, unacked: info.num_ack_pending }).toEqual({
    ackFloor: lastSeq,
    pending: 0,
    unacked: 0,
  });

  // Each of the published.length + 1 messages reached exactly one final outcome.
  const outcome = (o: string) => metricValue(url, 'calm_events_consumed_total', { outcome: o });
  const [applied, deadLettered] = [await outcome('applied'), await outcome('dead_lettered')];
  expect(applied + deadLettered).toBe(published.length + 1);
  const deadSeqs = (await queryDatabase<{ stream_seq: string }>(system.accountsDb.url, 'SELECT stream_seq FROM dead_letter')).map((r) => Number(r.stream_seq));
  expect(new Set(deadSeqs).size).toBe(deadSeqs.length);
  expect(deadSeqs.length).toBe(deadLettered);
  // A message that cannot decode is dead-lettered under its own sequence.
  const undecodable = published.filter((p) => !decodeEvent(p.payload, p.subject).ok).map((p) => p.seq);
  expect(undecodable.filter((seq) => !deadSeqs.includes(seq))).toEqual([]);
  // Every decodable message that was not dead-lettered left its id in the inbox.
  const inbox = new Set((await queryDatabase<{ event_id: string }>(system.accountsDb.url, 'SELECT event_id FROM inbox')).map((r) => r.event_id));
  const missing = published.filter((p) => {
    const decoded = decodeEvent(p.payload, p.subject);
    return decoded.ok && !deadSeqs.includes(p.seq) && !inbox.has(decoded.value.id);
  });
  expect(missing.map((p) => p.seq)).toEqual([]);
  process.stdout.write(
    `consumer fuzz: ${published.length} messages, ${undecodable.length} undecodable; ${applied - 1} applied, ${deadLettered} dead-lettered\n`,
  );
});
