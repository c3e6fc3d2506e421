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

  it.each([
    ['year 0', '0000-01-01T00:00:00Z'],
    ['an offset that moves it into year -1', '0000-01-01T00:30:00+01:00'],
    ['an impossible date (not moved to March 1st)', '2024-02-30T00:00:00Z'],
  ])('refuses a customer.created at %s, which PostgreSQL cannot hold or which would move', (_l, time) => {
    const r = decodeEvent(enc({ ...good, time }), `customer.created.${customerId}`);
    expect(r).toMatchObject({ ok: false, reason: expect.stringContaining('time') });
  });

  it('refuses an account.opened whose openedAt is February 30th', () => {
    const e = {
      ...good,
      type: 'account.opened',
      subject: customerId,
      data: { accountId: customerId, customerId, currency: 'EUR', openedAt: '2024-02-30T00:00:00.000Z' },
    };
    expect(decodeEvent(enc(e), `account.opened.${customerId}`)).toMatchObject({ ok: false, reason: expect.stringContaining('openedAt') });
  });

  it('gives the canonical form of an upper-case id (data, CloudEvents subject, NATS subject), currency and a 200-emoji name', () => {
    const upper = customerId.toUpperCase();
    const e = customerCreated({ customerId: upper, name: '😀'.repeat(200), email: 'ada@example.com' }, '2026-01-02T03:04:05.123Z');
    const r = decodeEvent(enc(e), `customer.created.${upper}`);
    expect(r).toMatchObject({ ok: true, value: { subject: customerId, data: { customerId } } });
    const opened = { ...good, type: 'account.opened', subject: upper, data: { accountId: upper, customerId: upper, currency: 'eur', openedAt: good.time } };
    expect(decodeEvent(enc(opened), `account.opened.${upper}`)).toMatchObject({
      ok: true,
      value: { data: { accountId: customerId, customerId, currency: 'EUR' } },
    });
  });

  it.each([
    ['NUL', 'a\u0000b'],
    ['a lone surrogate', '\ud800'],
  ])('refuses a name with %s (PostgreSQL cannot store it)', (_l, name) => {
    expect(decodeEvent(enc({ ...good, data: { ...good.data, name } }), `customer.created.${customerId}`)).toMatchObject({
      ok: false,
      reason: expect.stringContaining('name'),
    });
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
