import { decodeEvent } from './decode';
import { accountRejected, customerSealed } from './events';
import { fastDecodeEvent } from './fast-decode';
import { eventIds } from './ids';

const enc = (v: unknown) => new TextEncoder().encode(JSON.stringify(v));
const customerId = '0b8f1e0c-4a43-4b8e-9a3c-3c8a1f2d9e11';
const accountId = '9a1b6c1e-1f0e-4e44-8f0e-6f8a5b0c2d3e';

describe('customer.sealed and account.rejected', () => {
  const sealed = customerSealed({ customerId, sealedAt: '2026-01-02T03:04:05.123Z' });
  const rejected = accountRejected({ accountId, customerId, rejectedAt: '2026-01-02T03:04:05.123Z' }, '2026-01-02T03:04:06.000Z');

  it.each([
    ['customer.sealed', sealed, `customer.sealed.${customerId}`],
    ['account.rejected', rejected, `account.rejected.${accountId}`],
  ])('%s decodes on both paths to the same value', (_type, event, subject) => {
    expect(decodeEvent(enc(event), subject)).toEqual({ ok: true, value: event });
    expect(fastDecodeEvent(enc(event), subject)).toEqual(decodeEvent(enc(event), subject));
  });

  it('refuses a seal without sealedAt, or on another customer subject, with a reason', () => {
    const noTime = decodeEvent(enc({ ...sealed, data: { customerId } }), `customer.sealed.${customerId}`);
    expect(noTime).toMatchObject({ ok: false, reason: expect.stringContaining('sealedAt') });
    const otherSubject = decodeEvent(enc(sealed), `customer.sealed.${accountId}`);
    expect(otherSubject).toMatchObject({ ok: false, reason: expect.stringContaining('does not match') });
  });

  it('derives one id per customer seal and one account.rejected id per account, distinct from the others', () => {
    expect(sealed.id).toBe(eventIds.customerSealed(customerId));
    expect(customerSealed({ customerId, sealedAt: '2030-01-01T00:00:00.000Z' }).id).toBe(sealed.id);
    expect(rejected.id).toBe(eventIds.accountRejected(accountId));
    const ids = new Set([
      eventIds.accountRejected(accountId),
      eventIds.accountValidated(accountId),
      eventIds.accountOpened(accountId),
      eventIds.customerSealed(customerId),
      eventIds.customerCreated(customerId),
    ]);
    expect(ids.size).toBe(5);
  });
});
