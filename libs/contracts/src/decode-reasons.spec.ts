import { z } from 'zod';
import { describeIssues, encodeEvent } from './cloud-event';
import { decodeEvent, subjectNames } from './decode';
import { customerCreated, isEventType } from './events';

/**
 * A refused message is dead-lettered with its reason, and an operator reads that reason to
 * decide what to do: each check says what it found and where, bounded in length, whatever
 * the message holds.
 */
const enc = (v: unknown) => new TextEncoder().encode(typeof v === 'string' ? v : JSON.stringify(v));
const customerId = '0b8f1e0c-4a43-4b8e-9a3c-3c8a1f2d9e11';
const subject = `customer.created.${customerId}`;
const good = customerCreated({ customerId, name: 'Ada', email: 'ada@example.com' }, '2026-01-02T03:04:05.123Z');
const reason = (payload: unknown, natsSubject = subject) => {
  const r = decodeEvent(payload instanceof Uint8Array ? payload : enc(payload), natsSubject);
  return r.ok ? undefined : r.reason;
};

describe('the reason of a refused message', () => {
  it('bytes that are not UTF-8, even inside a JSON string that would parse with a replacement character', () => {
    const json = JSON.stringify({ ...good, data: { ...good.data, name: 'A#a' } });
    const bytes = enc(json);
    bytes[json.indexOf('A#a') + 1] = 0xff;
    expect(reason(bytes)).toMatch(/^payload is not UTF-8 JSON: /);
  });

  it('an envelope that is not an object: the issue is at the root', () => {
    expect(reason(null)).toBe('not a CloudEvents 1.0 envelope: (root): Invalid input: expected object, received null');
  });

  it('an envelope with many issues: the first five, each with its field, separated by "; "', () => {
    const r = reason({ subject: 5 });
    expect(r).toMatch(/^not a CloudEvents 1\.0 envelope: specversion: /);
    expect(r?.split('; ').map((part) => part.replace(/^not a CloudEvents 1\.0 envelope: /, '').split(':')[0])).toEqual([
      'specversion',
      'id',
      'source',
      'type',
      'subject',
    ]);
  });

  it('a nested field is named by its path', () => {
    const nested = z.object({ a: z.object({ b: z.string() }) }).safeParse({ a: { b: 1 } });
    expect(describeIssues(nested.error!)).toBe('a.b: Invalid input: expected string, received number');
  });

  it('an unknown type, its first 100 characters; a name of Object.prototype is no type', () => {
    expect(reason({ ...good, type: 'customer.deleted' })).toBe('unknown event type "customer.deleted"');
    expect(reason({ ...good, type: `t${'x'.repeat(150)}` })).toBe(`unknown event type "t${'x'.repeat(99)}"`);
    expect(reason({ ...good, type: 'constructor' })).toBe('unknown event type "constructor"');
    expect([isEventType('toString'), isEventType('hasOwnProperty'), isEventType('customer.created'), isEventType('account.rejected')]).toEqual([
      false,
      false,
      true,
      true,
    ]);
  });

  it('invalid data: the type and the field', () => {
    expect(reason({ ...good, data: { ...good.data, customerId: 'x' } })).toBe('invalid customer.created data: customerId: must be a UUID');
  });

  it('a customer.created without time', () => {
    expect(reason({ ...good, time: undefined })).toBe('customer.created without "time"');
  });

  it('a NATS subject that names another key: its first 200 characters and the key it should name', () => {
    const other = '11111111-1111-4111-8111-111111111111';
    expect(reason(good, `customer.created.${other}`)).toBe(`NATS subject "customer.created.${other}" does not match data.customerId ${customerId}`);
    const long = `${'p.'.repeat(150)}customer.created.${other}`;
    expect(reason(good, long)).toBe(`NATS subject "${long.slice(0, 200)}" does not match data.customerId ${customerId}`);
  });

  it('a CloudEvents subject that names another key: its first 100 characters', () => {
    expect(reason({ ...good, subject: 'someone-else' })).toBe(`CloudEvents subject "someone-else" does not match data.customerId ${customerId}`);
    const long = 's'.repeat(300);
    expect(reason({ ...good, subject: long })).toBe(`CloudEvents subject "${'s'.repeat(100)}" does not match data.customerId ${customerId}`);
  });
});

describe('an accepted message', () => {
  it('keeps no CloudEvents subject when it had none, and gives the canonical key when it had one in another case', () => {
    const { subject: _omitted, ...withoutSubject } = good;
    const plain = decodeEvent(enc(withoutSubject), subject);
    expect(plain.ok && plain.value).not.toHaveProperty('subject');
    const upper = decodeEvent(enc({ ...good, subject: customerId.toUpperCase() }), subject);
    expect(upper.ok && upper.value.subject).toBe(customerId);
  });

  it('is the bytes encodeEvent wrote, read back', () => {
    expect(decodeEvent(encodeEvent(good), subject)).toEqual({ ok: true, value: good });
  });
});

describe('subjectNames: the NATS subject ends in <type>.<key>, the key in any case', () => {
  const key = customerId;
  it.each([
    [`customer.created.${key}`, true],
    [`tenant.customer.created.${key}`, true],
    [`customer.created.${key.toUpperCase()}`, true],
    [`Tenant.Customer.Created.${key.toUpperCase()}`, true],
    [`xcustomer.created.${key}`, false],
    [`XCUSTOMER.CREATED.${key.toUpperCase()}`, false],
    [`customer.created.${key}.more`, false],
    [`.customer.created.${key}.more`, false],
    [`account.opened.${key}`, false],
  ])('%s: %s', (natsSubject, names) => expect(subjectNames(natsSubject, 'customer.created', key)).toBe(names));
});
