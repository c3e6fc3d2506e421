import { AccountFact, AccountsState, evolve, fold, initialState, join } from './account';

const accountId = 'a0000000-0000-4000-8000-000000000001';
const otherAccountId = 'a0000000-0000-4000-8000-000000000002';
const customerId = 'c0000000-0000-4000-8000-000000000001';
const opened = (id = accountId, openedAt = '2026-01-01T10:00:00.000Z'): AccountFact => ({
  type: 'account.opened',
  data: { accountId: id, customerId, currency: 'EUR', openedAt },
});
const created = (createdAt = '2026-01-01T09:00:00.000Z'): AccountFact => ({ type: 'customer.created', data: { customerId, createdAt } });

/** Applies every fact twice, collecting the accounts reported as newly valid. */
function applyTwice(facts: AccountFact[]): { state: AccountsState; validated: string[] } {
  const state = initialState();
  const validated: string[] = [];
  for (const fact of facts) for (let i = 0; i < 2; i++) validated.push(...evolve(state, fact).map((a) => a.accountId));
  return { state, validated };
}

function permutations<T>(items: T[]): T[][] {
  if (items.length <= 1) return [items];
  return items.flatMap((item, i) => permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [item, ...rest]));
}

describe('join', () => {
  it('is pending without a customer', () => {
    expect(join('2026-01-01T10:00:00.000Z', undefined)).toEqual({ status: 'pending', validatedAt: null });
  });

  it('validates at the later of the two facts', () => {
    expect(join('2026-01-01T10:00:00.000Z', '2026-01-01T09:00:00.000Z').validatedAt).toBe('2026-01-01T10:00:00.000Z');
    expect(join('2026-01-01T10:00:00.000Z', '2026-01-01T11:00:00.000Z').validatedAt).toBe('2026-01-01T11:00:00.000Z');
  });
});

describe('evolve', () => {
  it('given an account opened, when its customer is created, then it is valid, reported once', () => {
    const { state, validated } = applyTwice([opened(), created()]);
    expect(state.accounts.get(accountId)).toMatchObject({ status: 'valid', validatedAt: '2026-01-01T10:00:00.000Z' });
    expect(validated).toEqual([accountId]);
  });

  it('given a customer created, when an account is opened, then it is valid at once, reported once', () => {
    const { state, validated } = applyTwice([created(), opened()]);
    expect(state.accounts.get(accountId)?.status).toBe('valid');
    expect(validated).toEqual([accountId]);
  });

  it('given only an account opened, it stays pending and nothing is reported', () => {
    const { state, validated } = applyTwice([opened()]);
    expect(state.accounts.get(accountId)).toMatchObject({ status: 'pending', validatedAt: null });
    expect(validated).toEqual([]);
  });

  it('keeps the earliest customer creation time, whichever arrives first', () => {
    for (const order of permutations([opened(), created('2026-01-01T12:00:00.000Z'), created('2026-01-01T11:00:00.000Z')])) {
      const { state, validated } = applyTwice(order);
      expect(state.accounts.get(accountId)?.validatedAt).toBe('2026-01-01T11:00:00.000Z');
      expect(validated).toEqual([accountId]);
    }
  });

  it('reaches the same state and validations in every order of the facts, each applied twice', () => {
    const facts = [opened(), opened(otherAccountId, '2026-01-01T08:00:00.000Z'), created(), created('2026-01-01T07:00:00.000Z')];
    // Written out by hand, not folded: the earliest creation (07:00) joins each opening at the later time.
    const expected = {
      accounts: new Map([
        [accountId, { accountId, customerId, currency: 'EUR', status: 'valid', openedAt: '2026-01-01T10:00:00.000Z', validatedAt: '2026-01-01T10:00:00.000Z' }],
        [otherAccountId, { accountId: otherAccountId, customerId, currency: 'EUR', status: 'valid', openedAt: '2026-01-01T08:00:00.000Z', validatedAt: '2026-01-01T08:00:00.000Z' }],
      ]),
      customers: new Map([[customerId, '2026-01-01T07:00:00.000Z']]),
    };
    for (const order of permutations(facts)) {
      const { state, validated } = applyTwice(order);
      expect(state.accounts).toEqual(expected.accounts);
      expect(state.customers).toEqual(expected.customers);
      expect([...validated].sort()).toEqual([accountId, otherAccountId].sort());
    }
  });

  it('resolves two conflicting openings of one account the same way in both orders', () => {
    const a = opened(accountId, '2026-01-01T10:00:00.000Z');
    const b: AccountFact = { type: 'account.opened', data: { accountId, customerId: otherAccountId, currency: 'USD', openedAt: '2026-01-01T09:00:00.000Z' } };
    expect(fold([a, b]).accounts).toEqual(fold([b, a]).accounts);
    expect(fold([a, b]).accountsByCustomer.get(customerId)).toBeUndefined();
    expect(fold([b, a]).accountsByCustomer).toEqual(fold([a, b]).accountsByCustomer);
  });
});
