import { accountOpened, accountRejected, accountValidated, customerCreated, customerSealed, subjectOf } from './events';
import { eventIds, newId } from './ids';
import { isUuid } from './field-checks';

/**
 * What each builder puts on the wire, attribute by attribute: the consumers, the replay
 * and third parties read these envelopes (docs/asyncapi.yaml), so each attribute is part
 * of the contract, not only what the decoder happens to accept.
 */
const customerId = '0b8f1e0c-4a43-4b8e-9a3c-3c8a1f2d9e11';
const accountId = '9a1b6c1e-1f0e-4e44-8f0e-6f8a5b0c2d3e';
const t1 = '2026-01-02T03:04:05.123Z';
const t2 = '2026-01-02T03:04:06.000Z';
const json = { specversion: '1.0', datacontenttype: 'application/json' };

describe('event builders', () => {
  it('customer.created: the owner source by default, or the publisher named; the time given', () => {
    const data = { customerId, name: 'Ada', email: 'ada@example.com' };
    expect(customerCreated(data, t1)).toEqual({
      ...json,
      id: eventIds.customerCreated(customerId),
      source: '/customers',
      type: 'customer.created',
      subject: customerId,
      time: t1,
      data,
    });
    expect(customerCreated(data, t1, '/crm')).toMatchObject({ source: '/crm', id: eventIds.customerCreated(customerId, '/crm') });
  });

  it('account.opened: at its openedAt', () => {
    const data = { accountId, customerId, currency: 'EUR', openedAt: t1 };
    expect(accountOpened(data)).toEqual({
      ...json,
      id: eventIds.accountOpened(accountId),
      source: '/accounts',
      type: 'account.opened',
      subject: accountId,
      time: t1,
      data,
    });
  });

  it('account.validated and account.rejected: at the time given, keyed by the account', () => {
    expect(accountValidated({ accountId, customerId, validatedAt: t1 }, t2)).toEqual({
      ...json,
      id: eventIds.accountValidated(accountId),
      source: '/accounts',
      type: 'account.validated',
      subject: accountId,
      time: t2,
      data: { accountId, customerId, validatedAt: t1 },
    });
    expect(accountRejected({ accountId, customerId, rejectedAt: t1 }, t2)).toEqual({
      ...json,
      id: eventIds.accountRejected(accountId),
      source: '/accounts',
      type: 'account.rejected',
      subject: accountId,
      time: t2,
      data: { accountId, customerId, rejectedAt: t1 },
    });
  });

  it('customer.sealed: by the owner, at its sealedAt', () => {
    expect(customerSealed({ customerId, sealedAt: t1 })).toEqual({
      ...json,
      id: eventIds.customerSealed(customerId),
      source: '/customers',
      type: 'customer.sealed',
      subject: customerId,
      time: t1,
      data: { customerId, sealedAt: t1 },
    });
  });

  it('the NATS subject of an event is its type and key', () => {
    expect(subjectOf('account.opened', accountId)).toBe(`account.opened.${accountId}`);
  });
});

describe('ids', () => {
  it('a new id is a fresh UUID each time', () => {
    const [a, b] = [newId(), newId()];
    expect([isUuid(a), isUuid(b), a === b]).toEqual([true, true, false]);
  });

  it('isUuid: a UUID string in any case, nothing else', () => {
    expect([isUuid(customerId), isUuid(customerId.toUpperCase()), isUuid(`${customerId}0`), isUuid(42), isUuid(undefined)]).toEqual([
      true,
      true,
      false,
      false,
      false,
    ]);
  });

  it('a publisher other than the owner gets ids of its own, stable per customer', () => {
    expect(eventIds.customerCreated(customerId, '/crm')).toBe(eventIds.customerCreated(customerId, '/crm'));
    expect(eventIds.customerCreated(customerId, '/crm')).not.toBe(eventIds.customerCreated(customerId, '/erp'));
    expect(eventIds.customerCreated(customerId, '/customers')).toBe(eventIds.customerCreated(customerId));
  });
});
