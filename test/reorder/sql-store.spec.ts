/**
 * One suite, two stores: the very properties domain.spec.ts runs against account.ts, run
 * against PostgreSQL through the service's real statements (sql-join.ts), then every
 * order of small histories, then the self-check with the broken joins made in SQL.
 *
 * Randomized trials here: REORDER_TRIALS / 8 (at least 25), as every fact is a round trip.
 */
import type { AccountFact } from '@calm/folds';
import { arrivals } from './arbitraries';
import { NamedHistory, PropertyName, checkRandomized, multisets, sweepCandidates } from './checks';
import { created, opened, sealed } from './facts';
import { checkOrderTree, distinctOrders } from './order-tree';
import { PropertyViolation } from './properties';
import { reorderRun } from './seed';
import { SqlJoinStore, labelOf, uuidOf } from './sql-join';
import { orderMutants } from './sql-mutants';

const { trials: domainTrials } = reorderRun();
const trials = Math.max(25, Math.floor(domainTrials / 8));
/**
 * The self-check stops at the first counterexample, so it can afford many more runs: the
 * rarest mutant here ("seal only on the customer path") needs a seal before its account's
 * opening, about one history in ten, and 25 runs missed it for seed 1364569340. 400 runs
 * miss it with a probability near 0.9^400.
 */
const selfCheckRuns = Math.max(trials, 400);

/** Six facts each, in all 720 orders (fewer distinct ones where a fact repeats): the hard cases together, seals among them. */
const sixFactHistories: NamedHistory<AccountFact>[] = [
  {
    name: 'two accounts of c1, one of c2; c1 created twice (earlier second), c2 once',
    facts: [opened('a1', 'c1', 3), opened('a2', 'c1', 6), opened('a3', 'c2', 1), created('c1', 5), created('c1', 2), created('c2', 4)],
  },
  {
    name: 'duplicates: an opening and a creation delivered twice, an account of an unknown customer',
    facts: [opened('a1', 'c1', 2), opened('a1', 'c1', 2), opened('a2', 'c3', 0), created('c1', 4), created('c1', 4), created('c1', 1)],
  },
  {
    name: 'one customer, three accounts around its two creations',
    facts: [opened('a1', 'c1', 0), opened('a2', 'c1', 4), opened('a3', 'c1', 9), created('c1', 5), created('c1', 2), created('c1', 8)],
  },
  {
    name: 'both outcomes: c1 created, c2 sealed (delivered twice) around its two accounts',
    facts: [opened('a1', 'c1', 3), opened('a2', 'c2', 1), opened('a3', 'c2', 6), created('c1', 5), sealed('c2', 4), sealed('c2', 4)],
  },
];

/** A smaller sweep than the in-memory one: every history of up to 3 facts from the 7 candidates. */
const sweep = (): NamedHistory<AccountFact>[] => [...multisets(sweepCandidates, 3)].map((facts, i) => ({ name: `sweep #${i}`, facts }));

describe('reorder / SQL store: the service statements in PostgreSQL, against the same properties', () => {
  let store: SqlJoinStore;
  beforeAll(async () => {
    store = await SqlJoinStore.open('real');
  }, 60_000);
  afterAll(() => store?.close());

  it('maps labels to UUIDs and back', () => {
    for (const label of ['a1', 'c4', 'a10', 'zz9999']) expect(labelOf(uuidOf(label))).toBe(label);
    expect(uuidOf('a1')).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-8[0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it.each<PropertyName>(['oracle', 'commutative', 'idempotent'])(
    'randomized %s property',
    async (property) => {
      expect((await checkRandomized(property, store.join, arrivals(), { numRuns: trials })).numRuns).toBe(trials);
    },
    300_000,
  );

  it('every order of 6-fact histories folds to the oracle', async () => {
    let orders = 0;
    for (const history of sixFactHistories) {
      const n = await checkOrderTree(store.join, history);
      expect(n).toBe(distinctOrders(history.facts));
      orders += n;
    }
    process.stdout.write(`[reorder] SQL store: ${sixFactHistories.length} six-fact histories, ${orders} distinct orders\n`);
    expect(orders).toBe(720 + 720 / 4 + 720 + 720 / 2);
  }, 300_000);

  it('every history of up to 3 facts (with duplicates), in every order, folds to the oracle', async () => {
    const histories = sweep();
    let orders = 0;
    for (const history of histories) orders += await checkOrderTree(store.join, history);
    expect(histories).toHaveLength(120); // sum over k = 0..3 of C(7 + k - 1, k)
    process.stdout.write(`[reorder] SQL store: sweep of ${histories.length} histories, ${orders} distinct orders\n`);
  }, 300_000);
});

describe.each(orderMutants.map((m) => [m.name, m] as const))('reorder / SQL self-check: %s', (_name, mutation) => {
  let store: SqlJoinStore;
  beforeAll(async () => {
    store = await SqlJoinStore.open(mutation.name.replace(/\W+/g, '_'), mutation);
  }, 60_000);
  afterAll(() => store?.close());

  it('is caught by the randomized oracle property, with the seed in the message', async () => {
    await expect(checkRandomized('oracle', store.join, arrivals(), { numRuns: selfCheckRuns })).rejects.toThrow(
      /^REORDER_SEED=-?\d+ [\s\S]*PropertyViolation: \[SQL: /,
    );
  }, 300_000);

  it('is caught by the exhaustive level', async () => {
    const all = [...sixFactHistories, ...sweep()];
    const caught = async (): Promise<void> => {
      for (const history of all) await checkOrderTree(store.join, history);
    };
    await expect(caught()).rejects.toThrow(PropertyViolation);
  }, 300_000);
});
