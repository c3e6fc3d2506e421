import fc from 'fast-check';
import {
  Account,
  AccountFact,
  AccountsState,
  CustomerCreation,
  CustomerDecisionRecord,
  CustomerSealing,
  CustomersState,
  evolveCustomers,
  fold,
  initialState,
  isSealing,
} from '@calm/folds';
import { AccountsHistory } from './accounts-history';
import { CustomersHistory } from './customers-history';
import { mulberry32 } from './shuffle';

const ids = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}0000000-0000-4000-8000-${String(i).padStart(12, '0')}`);
const customerIds = ids('c', 4);
const accountIds = ids('a', 6);
const time = fc.integer({ min: 0, max: 5 }).map((m) => new Date(Date.UTC(2026, 0, 1, 0, m)).toISOString());

/** Facts over few ids, so that duplicates, late customers and ties are common. Each account has one customer. */
const facts = fc.array(
  fc.oneof(
    fc.record({ a: fc.integer({ min: 0, max: 5 }), t: time, cur: fc.constantFrom('EUR', 'USD') }).map(({ a, t, cur }): AccountFact => ({
      type: 'account.opened',
      data: { accountId: accountIds[a], customerId: customerIds[a % 4], currency: cur, openedAt: t },
    })),
    fc
      .record({ c: fc.integer({ min: 0, max: 3 }), t: time })
      .map(({ c, t }): AccountFact => ({ type: 'customer.created', data: { customerId: customerIds[c], createdAt: t } })),
    // Seals of any customer, created ones included: the fold must agree even on histories that break the owner's guarantee.
    fc
      .record({ c: fc.integer({ min: 0, max: 3 }), t: time })
      .map(({ c, t }): AccountFact => ({ type: 'customer.sealed', data: { customerId: customerIds[c], sealedAt: t } })),
  ),
  { maxLength: 30 },
);

async function partitioned(
  history: AccountsHistory,
  seed?: number,
): Promise<{ accounts: Account[]; customers: [string, string][]; seals: [string, string][] }> {
  const accounts: Account[] = [];
  const customers: [string, string][] = [];
  const seals: [string, string][] = [];
  await history.foldPartitions(
    async (s: AccountsState) => {
      accounts.push(...[...s.accounts.values()].map((a) => ({ ...a })));
      customers.push(...s.customers);
      seals.push(...s.seals);
    },
    seed === undefined ? undefined : mulberry32(seed),
  );
  return { accounts: accounts.sort((x, y) => x.accountId.localeCompare(y.accountId)), customers: customers.sort(), seals: seals.sort() };
}

describe('the partitioned, compact fold of the account history', () => {
  it('equals the domain fold of the whole history, in stream order and in any shuffle', async () => {
    await fc.assert(
      fc.asyncProperty(facts, fc.integer(), async (list, seed) => {
        const whole = fold(list, initialState());
        const expected = {
          accounts: [...whole.accounts.values()].sort((x, y) => x.accountId.localeCompare(y.accountId)),
          customers: [...whole.customers].sort(),
          seals: [...whole.seals].sort(),
        };
        const history = new AccountsHistory(3);
        for (const f of list) {
          if (f.type === 'account.opened') history.addOpened(f.data);
          else if (f.type === 'customer.created') history.addCreated(f.data.customerId, f.data.createdAt);
          else history.addSealed(f.data.customerId, f.data.sealedAt);
        }
        expect(await partitioned(history)).toEqual(expected);
        expect(await partitioned(history, seed)).toEqual(expected);
      }),
      { numRuns: 300 },
    );
  });
});

describe('a fold that releases each partition once folded', () => {
  it('folds to the same state and holds no facts after', async () => {
    await fc.assert(
      fc.asyncProperty(facts, async (list) => {
        const load = () => {
          const history = new AccountsHistory(3);
          for (const f of list) {
            if (f.type === 'account.opened') history.addOpened(f.data);
            else if (f.type === 'customer.created') history.addCreated(f.data.customerId, f.data.createdAt);
            else history.addSealed(f.data.customerId, f.data.sealedAt);
          }
          return history;
        };
        const released = load();
        const states: AccountsState[] = [];
        await released.foldPartitions(async (s) => void states.push(s), undefined, { release: true });
        const kept: AccountsState[] = [];
        await load().foldPartitions(async (s) => void kept.push(s));
        expect(states).toEqual(kept);
        expect(released.count).toBe(0);
        // Appending after a release starts the partition afresh.
        released.addCreated(customerIds[0], '2026-01-01T00:00:00.000Z');
        expect(released.count).toBe(1);
      }),
      { numRuns: 100 },
    );
  });
});

// Map entries by key: fast-check 4's records may have no prototype, which a default
// (string) sort cannot print.
const byKey = ([a]: [string, unknown], [b]: [string, unknown]) => a.localeCompare(b);

describe('the customer fold', () => {
  const creation = fc.record({
    eventId: fc.constantFrom('e1', 'e2', 'e3'),
    customerId: fc.constantFrom(...customerIds),
    name: fc.constantFrom('Ada', 'Grace'),
    email: fc.constantFrom('a@x.io', 'g@x.io'),
    createdAt: time,
  });

  const sealing = fc.record({ eventId: fc.constantFrom('s1', 's2'), customerId: fc.constantFrom(...customerIds), sealedAt: time });

  it('keeps the earliest creation (ties: event id, name, email) over any seal, else the earliest seal, whatever the order', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.oneof(creation, sealing), { maxLength: 20 }), fc.integer(), async (list: CustomerDecisionRecord[], seed) => {
        const inOrder: CustomersState = new Map();
        list.forEach((c) => evolveCustomers(inOrder, c));
        const reversed: CustomersState = new Map();
        [...list].reverse().forEach((c) => evolveCustomers(reversed, c));
        expect(reversed).toEqual(inOrder);
        const history = new CustomersHistory(2);
        list.forEach((c) => history.add(c));
        const shuffled: CustomersState = new Map();
        await history.foldPartitions(async (s) => s.forEach((v, k) => shuffled.set(k, v)), mulberry32(seed));
        expect(new Map([...shuffled].sort(byKey))).toEqual(new Map([...inOrder].sort(byKey)));
        for (const [id, kept] of inOrder) {
          const creations = list.filter((c): c is CustomerCreation => c.customerId === id && !isSealing(c));
          const seals = list.filter((c): c is CustomerSealing => c.customerId === id && isSealing(c));
          if (creations.length) expect(kept).toMatchObject({ createdAt: new Date(Math.min(...creations.map((c) => Date.parse(c.createdAt)))).toISOString() });
          else expect(kept).toMatchObject({ sealedAt: new Date(Math.min(...seals.map((c) => Date.parse(c.sealedAt)))).toISOString() });
        }
      }),
      { numRuns: 300 },
    );
  });
});
