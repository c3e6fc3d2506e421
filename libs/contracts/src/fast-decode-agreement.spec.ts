import { decodeEvent } from './decode';
import { accountOpened, customerCreated } from './events';
import { fastDecodeEvent } from './fast-decode';

/**
 * The fast decoder answers what decodeEvent answers for the inputs just outside its fast
 * path, one example each (the property in fast-decode.spec.ts draws them only now and then).
 */
const enc = (v: unknown) => new TextEncoder().encode(JSON.stringify(v));
const customerId = 'c0000000-0000-4000-8000-000000000001';
const accountId = 'a0000000-0000-4000-8000-000000000002';
const created = customerCreated({ customerId, name: 'Ada', email: 'ada@example.com' }, '2026-01-02T03:04:05.123Z');
const opened = accountOpened({ accountId, customerId, currency: 'EUR', openedAt: '2026-01-02T03:04:05.123Z' });

describe('fastDecodeEvent agrees with decodeEvent just outside the fast path', () => {
  it.each([
    ['an openedAt in an offset spelling', { ...opened, data: { ...opened.data, openedAt: '2026-01-02T05:04:05.123+02:00' } }, `account.opened.${accountId}`],
    ['data null', { ...created, data: null }, `customer.created.${customerId}`],
    ['specversion 0.3', { ...created, specversion: '0.3' }, `customer.created.${customerId}`],
    ['an id of 201 characters', { ...created, id: 'i'.repeat(201) }, `customer.created.${customerId}`],
    ['a subject of 501 characters', { ...created, subject: 's'.repeat(501) }, `customer.created.${customerId}`],
    ['a datacontenttype of 201 characters', { ...created, datacontenttype: 'd'.repeat(201) }, `customer.created.${customerId}`],
  ])('%s', (_l, event, subject) => {
    expect(fastDecodeEvent(enc(event), subject)).toEqual(decodeEvent(enc(event), subject));
  });
});
