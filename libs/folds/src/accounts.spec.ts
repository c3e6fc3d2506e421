import { AccountFact, AccountsState, evolve, fold, initialState, join } from './accounts';

const accountId = 'a0000000-0000-4000-8000-000000000001';
const otherAccountId = 'a0000000-0000-4000-8000-000000000002';
const customerId = 'c0000000-0000-4000-8000-000000000001';
const opened = (id = accountId, openedAt = '2026-01-01T10:00:00.000Z'): AccountFact => ({
  type: 'account.opened',
  data: { accountId: id, customerId, currency: 'EUR', openedAt },
});
const created = (createdAt = '2026-01-01T09:00:00.000Z'): AccountFact => ({ type: 'customer.created', data: { customerId, createdAt } });
const sealed = (sealedAt = '2026-01-01T11:00:00.000Z', id = customerId): AccountFact => ({ type: 'customer.sealed', data: { customerId: id, sealedAt } });

/** Applies every fact twice, collecting the accounts reported as newly valid, and those reported rejected. */
function applyTwice(facts: AccountFact[]): { state: AccountsState; validated: string[]; rejected: string[] } {
  const state = initialState();
  const reports = facts.flatMap((fact) => [...evolve(state, fact), ...evolve(state, fact)]);
  const ids = (status: string) => reports.filter((a) => a.status === status).map((a) => a.accountId);
  return { state, validated: ids('valid'), rejected: ids('rejected') };
}

function permutations<T>(items: T[]): T[][] {
  if (items.length <= 1) return [items];
  return items.flatMap((item, i) => permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [item, ...rest]));
}

describe('join', () => {
  it('is pending without a customer', () => {
    expect(join('2026-01-01T10:00:00.000Z', undefined)).toEqual({ status: 'pending', validatedAt: null, rejectedAt: null });
  });

  it('rejects at the later of the opening and the seal', () => {
    expect(join('2026-01-01T10:00:00.000Z', undefined, '2026-01-01T09:00:00.000Z')).toEqual({
      status: 'rejected',
      validatedAt: null,
      rejectedAt: '2026-01-01T10:00:00.000Z',
    });
    expect(join('2026-01-01T10:00:00.000Z', undefined, '2026-01-01T11:00:00.000Z').rejectedAt).toBe('2026-01-01T11:00:00.000Z');
  });

  it('prefers valid when a history breaks the owner guarantee and holds both facts', () => {
    expect(join('2026-01-01T10:00:00.000Z', '2026-01-01T12:00:00.000Z', '2026-01-01T09:00:00.000Z')).toEqual({
      status: 'valid',
      validatedAt: '2026-01-01T12:00:00.000Z',
      rejectedAt: null,
    });
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
        [
          accountId,
          {
            accountId,
            customerId,
            currency: 'EUR',
            status: 'valid',
            openedAt: '2026-01-01T10:00:00.000Z',
            validatedAt: '2026-01-01T10:00:00.000Z',
            rejectedAt: null,
          },
        ],
        [
          otherAccountId,
          {
            accountId: otherAccountId,
            customerId,
            currency: 'EUR',
            status: 'valid',
            openedAt: '2026-01-01T08:00:00.000Z',
            validatedAt: '2026-01-01T08:00:00.000Z',
            rejectedAt: null,
          },
        ],
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

  it('given an account opened, when its customer id is sealed, then it is rejected, reported once', () => {
    const { state, validated, rejected } = applyTwice([opened(), sealed()]);
    expect(state.accounts.get(accountId)).toMatchObject({ status: 'rejected', validatedAt: null, rejectedAt: '2026-01-01T11:00:00.000Z' });
    expect([validated, rejected]).toEqual([[], [accountId]]);
  });

  it('given a sealed customer id, when an account is opened for it, then it is rejected at once, reported once', () => {
    const { state, rejected } = applyTwice([sealed('2026-01-01T08:00:00.000Z'), opened()]);
    expect(state.accounts.get(accountId)).toMatchObject({ status: 'rejected', rejectedAt: '2026-01-01T10:00:00.000Z' });
    expect(rejected).toEqual([accountId]);
  });

  it('a seal of another customer rejects nothing', () => {
    const { state, rejected } = applyTwice([opened(), sealed(undefined, otherAccountId)]);
    expect(state.accounts.get(accountId)?.status).toBe('pending');
    expect(rejected).toEqual([]);
  });

  it('reaches the same state and one report per account in every order of openings and seals, each applied twice', () => {
    const facts = [opened(), opened(otherAccountId, '2026-01-01T12:00:00.000Z'), sealed(), sealed('2026-01-01T07:00:00.000Z')];
    // Written out by hand, not folded: the earliest seal (07:00) rejects each opening at the later time.
    const expected = new Map([
      [
        accountId,
        {
          accountId,
          customerId,
          currency: 'EUR',
          status: 'rejected',
          openedAt: '2026-01-01T10:00:00.000Z',
          validatedAt: null,
          rejectedAt: '2026-01-01T10:00:00.000Z',
        },
      ],
      [
        otherAccountId,
        {
          accountId: otherAccountId,
          customerId,
          currency: 'EUR',
          status: 'rejected',
          openedAt: '2026-01-01T12:00:00.000Z',
          validatedAt: null,
          rejectedAt: '2026-01-01T12:00:00.000Z',
        },
      ],
    ]);
    for (const order of permutations(facts)) {
      const { state, validated, rejected } = applyTwice(order);
      expect(state.accounts).toEqual(expected);
      expect(state.seals).toEqual(new Map([[customerId, '2026-01-01T07:00:00.000Z']]));
      expect(validated).toEqual([]);
      expect([...rejected].sort()).toEqual([accountId, otherAccountId].sort());
    }
  });

  it('in a history that breaks the owner guarantee, valid wins in every order (the final state agrees)', () => {
    const facts = [opened(), sealed(), created('2026-01-01T12:00:00.000Z')];
    const finals = permutations(facts).map((order) => applyTwice(order).state.accounts.get(accountId));
    for (const account of finals) expect(account).toMatchObject({ status: 'valid', validatedAt: '2026-01-01T12:00:00.000Z', rejectedAt: null });
    // The known limit of such a history: seal first, then the contradicting creation, reports both outcomes.
    const { validated, rejected } = applyTwice(facts);
    expect([validated, rejected]).toEqual([[accountId], [accountId]]);
    expect(applyTwice([opened(), created('2026-01-01T12:00:00.000Z'), sealed()]).rejected).toEqual([]);
  });

  it('resolves two conflicting openings of one account the same way in both orders', () => {
    const a = opened(accountId, '2026-01-01T10:00:00.000Z');
    const b: AccountFact = { type: 'account.opened', data: { accountId, customerId: otherAccountId, currency: 'USD', openedAt: '2026-01-01T09:00:00.000Z' } };
    expect(fold([a, b]).accounts).toEqual(fold([b, a]).accounts);
    expect(fold([a, b]).accountsByCustomer.get(customerId)).toBeUndefined();
    expect(fold([b, a]).accountsByCustomer).toEqual(fold([a, b]).accountsByCustomer);
  });

  it('resolves two openings at the same instant for different customers the same way in both orders', () => {
    const a = opened(accountId, '2026-01-01T10:00:00.000Z');
    const b: AccountFact = { type: 'account.opened', data: { accountId, customerId: otherAccountId, currency: 'EUR', openedAt: '2026-01-01T10:00:00.000Z' } };
    expect(fold([a, b]).accounts.get(accountId)?.customerId).toBe(otherAccountId < customerId ? otherAccountId : customerId);
    expect(fold([b, a]).accounts).toEqual(fold([a, b]).accounts);
  });

  it("an account moved to another customer by an earlier opening leaves the first customer's index, and that customer's other accounts stay in it", () => {
    const moved: AccountFact = {
      type: 'account.opened',
      data: { accountId, customerId: otherAccountId, currency: 'EUR', openedAt: '2026-01-01T09:00:00.000Z' },
    };
    const state = fold([opened(accountId), opened(otherAccountId), moved, created()]);
    expect(state.accounts.get(accountId)).toMatchObject({ customerId: otherAccountId, status: 'pending' });
    expect(state.accounts.get(otherAccountId)).toMatchObject({ customerId, status: 'valid' });
    expect(state.accountsByCustomer.get(customerId)).toEqual([otherAccountId]);
  });
});

describe('fold', () => {
  it('applies every fact, into a fresh state or the one given', () => {
    expect(fold([opened(), created()]).accounts.get(accountId)).toMatchObject({ status: 'valid', validatedAt: '2026-01-01T10:00:00.000Z' });
    const state = fold([opened()]);
    expect(fold([created()], state)).toBe(state);
    expect(state.accounts.get(accountId)?.status).toBe('valid');
  });

  it('refuses a fact it does not know', () => {
    expect(() => evolve(initialState(), { type: 'account.closed', data: {} } as unknown as AccountFact)).toThrow(
      'unknown fact {"type":"account.closed","data":{}}',
    );
  });
});
