import { decodeEvent } from './decode';
import { customerCreated } from './events';
import { eventIds, uuidV5 } from './ids';

const enc = (v: unknown) => new TextEncoder().encode(typeof v === 'string' ? v : JSON.stringify(v));
const customerId = '0b8f1e0c-4a43-4b8e-9a3c-3c8a1f2d9e11';
const good = customerCreated({ customerId, name: 'Ada', email: 'ada@example.com' }, '2026-01-02T03:04:05.123456Z');

describe('decodeEvent', () => {
  it('accepts a well-formed customer.created and normalises its time to milliseconds', () => {
    const r = decodeEvent(enc(good), `customer.created.${customerId}`);
    expect(r).toMatchObject({ ok: true, value: { type: 'customer.created', time: '2026-01-02T03:04:05.123Z' } });
  });

  it.each([
    ['not JSON', '{"specversion":', 'not UTF-8 JSON'],
    ['not an envelope', { hello: 1 }, 'specversion'],
    ['an unknown type', { ...good, type: 'customer.deleted' }, 'unknown event type'],
    ['data missing a field', { ...good, data: { customerId } }, 'data: invalid customer.created data: name'],
    ['a non-UUID customerId', { ...good, data: { ...good.data, customerId: 'x' } }, 'customerId'],
    ['no time', { ...good, time: undefined }, 'without "time"'],
    ['a bad time', { ...good, time: 'yesterday' }, 'time'],
    ['a CloudEvents subject that disagrees', { ...good, subject: 'someone-else' }, 'CloudEvents subject'],
  ])('rejects %s with a reason', (_name, payload, reason) => {
    const r = decodeEvent(enc(payload), `customer.created.${customerId}`);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(`data: ${r.reason}`).toContain(reason.replace(/^data: /, ''));
  });

  it('rejects a NATS subject that names another customer', () => {
    const r = decodeEvent(enc(good), 'customer.created.11111111-1111-4111-8111-111111111111');
    expect(r).toMatchObject({ ok: false, reason: expect.stringContaining('does not match') });
  });
});

describe('derived event ids', () => {
  it('computes RFC 4122 v5 UUIDs (known vector: DNS namespace, "www.example.com")', () => {
    expect(uuidV5('www.example.com', '6ba7b810-9dad-11d1-80b4-00c04fd430c8')).toBe('2ed6657d-e927-568b-95e1-2665a8aea6a2');
  });

  it('gives one account.validated id per account, distinct from its account.opened id', () => {
    const a = '9a1b6c1e-1f0e-4e44-8f0e-6f8a5b0c2d3e';
    expect(eventIds.accountValidated(a)).toBe(eventIds.accountValidated(a));
    expect(eventIds.accountValidated(a)).not.toBe(eventIds.accountOpened(a));
    expect(eventIds.accountValidated(a)).not.toBe(eventIds.accountValidated(customerId));
  });

  it('gives each publisher of customer.created its own id for a customer', () => {
    expect(customerCreated(good.data, good.time!, '/crm').id).not.toBe(good.id);
    expect(customerCreated(good.data, '2020-01-01T00:00:00.000Z', '/crm').id).toBe(customerCreated(good.data, good.time!, '/crm').id);
    expect(good.id).toBe(eventIds.customerCreated(customerId));
  });
});
