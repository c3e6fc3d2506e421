import { accountOpened, accountValidated, customerCreated, customerSealed } from '@calm/contracts';
import { factOf } from './fact-of';

const accountId = '3f1c2a4e-9b7d-4e3f-8a1b-c0d2e4f6a8b0';
const customerId = '7a1c2a4e-9b7d-4e3f-8a1b-c0d2e4f6a8b1';

describe('factOf', () => {
  it('maps each folded event to its fact: an opening, a creation at its event time, a seal at its seal time', () => {
    const openedAt = '2026-01-02T03:04:05.006Z';
    expect(factOf(accountOpened({ accountId, customerId, currency: 'EUR', openedAt }))).toEqual({
      type: 'account.opened',
      data: { accountId, customerId, currency: 'EUR', openedAt },
    });
    expect(factOf(customerCreated({ customerId, name: 'N', email: 'n@example.com' }, '2026-01-01T00:00:00.000Z'))).toEqual({
      type: 'customer.created',
      data: { customerId, createdAt: '2026-01-01T00:00:00.000Z' },
    });
    expect(factOf(customerSealed({ customerId, sealedAt: '2026-01-03T00:00:00.000Z' }))).toEqual({
      type: 'customer.sealed',
      data: { customerId, sealedAt: '2026-01-03T00:00:00.000Z' },
    });
  });

  it('keeps only the fields the fold reads (publishers may add others)', () => {
    const e = accountOpened({ accountId, customerId, currency: 'EUR', openedAt: '2026-01-02T03:04:05.006Z' });
    expect(factOf({ ...e, data: { ...e.data, extra: 'x' } as typeof e.data })?.data).not.toHaveProperty('extra');
  });

  it('gives no fact for the outcomes the fold computes itself', () => {
    expect(factOf(accountValidated({ accountId, customerId, validatedAt: '2026-01-02T00:00:00.000Z' }, '2026-01-02T00:00:00.000Z'))).toBeUndefined();
  });
});
