/**
 * The two levels of the suite as functions of the join under test, so that the specs
 * run exactly the same checks against account.ts and against the broken joins.
 */
import fc from 'fast-check';
import type { Account, AccountFact } from '@calm/folds';
import { ReorderFact, created, opened, sealed } from './facts';
import { oracle } from './oracle';
import { forEachPermutation } from './permutations';
import { Join, agreesWithOracle, commutesEverywhere, idempotentEverywhere } from './properties';
import { checkProperty } from './seed';

export type PropertyName = 'oracle' | 'commutative' | 'idempotent';

const properties: Record<PropertyName, <S, F extends ReorderFact>(join: Join<S, F>, arrival: readonly F[]) => Promise<void>> = {
  oracle: (join, arrival) => agreesWithOracle(join, arrival),
  commutative: commutesEverywhere,
  idempotent: idempotentEverywhere,
};

/** Randomized level: one property over seeded arrival orders; throws with the seed and a shrunk history. */
export function checkRandomized<S, F extends ReorderFact>(
  name: PropertyName,
  join: Join<S, F>,
  orders: fc.Arbitrary<F[]>,
  overrides: Partial<fc.Parameters<[F[]]>> = {},
): Promise<fc.RunDetails<[F[]]>> {
  return checkProperty(
    fc.asyncProperty(orders, (arrival) => properties[name](join, arrival)),
    overrides,
  );
}

export interface NamedHistory<F extends ReorderFact = ReorderFact> {
  name: string;
  facts: F[];
}

/** Histories of 8 events: 8! = 40,320 orders each. */
export const exhaustiveHistories: NamedHistory<AccountFact>[] = [
  {
    name: '8 distinct facts: 4 accounts over 3 customers (c3 never created), 2 creations each for c1 and c2',
    facts: [
      opened('a1', 'c1', 5),
      opened('a2', 'c1', 1),
      opened('a3', 'c2', 4),
      opened('a4', 'c3', 2),
      created('c1', 3),
      created('c1', 7),
      created('c2', 6),
      created('c2', 0),
    ],
  },
  {
    name: '8 events with duplicates: an opening and two creations delivered twice',
    facts: [
      opened('a1', 'c1', 2),
      opened('a1', 'c1', 2),
      opened('a2', 'c2', 6),
      created('c1', 4),
      created('c1', 4),
      created('c1', 1),
      created('c2', 3),
      created('c2', 3),
    ],
  },
  {
    name: '8 events for one customer: 3 accounts (one delivered twice), creations at 5, 2 (twice) and 8',
    facts: [
      opened('a1', 'c1', 0),
      opened('a2', 'c1', 4),
      opened('a3', 'c1', 9),
      opened('a2', 'c1', 4),
      created('c1', 5),
      created('c1', 2),
      created('c1', 8),
      created('c1', 2),
    ],
  },
  {
    name: '8 events, both outcomes: c1 created twice, c2 sealed (delivered twice), c3 undecided',
    facts: [
      opened('a1', 'c1', 5),
      opened('a2', 'c2', 1),
      opened('a3', 'c2', 7),
      opened('a4', 'c3', 2),
      created('c1', 3),
      created('c1', 6),
      sealed('c2', 4),
      sealed('c2', 4),
    ],
  },
];

/** Candidates for the sweep over every small history (as a multiset, so with duplicates). */
export const sweepCandidates: AccountFact[] = [
  opened('a1', 'c1', 1),
  opened('a2', 'c1', 3),
  opened('a3', 'c2', 2),
  created('c1', 0),
  created('c1', 2),
  sealed('c2', 4),
  created('c3', 0),
];

/** Every multiset of at most `size` facts from `candidates` (indices non-decreasing). */
export function* multisets<T>(candidates: readonly T[], size: number, from = 0, prefix: T[] = []): Generator<T[]> {
  yield prefix;
  if (prefix.length === size) return;
  for (let i = from; i < candidates.length; i++) yield* multisets(candidates, size, i, [...prefix, candidates[i]]);
}

export interface ExhaustiveCount {
  histories: number;
  orders: number;
}

/** Every order of one history against the oracle (computed once: it ignores order). */
export async function checkAllOrders<S, F extends ReorderFact>(join: Join<S, F>, history: NamedHistory<F>): Promise<number> {
  const expected: ReadonlyMap<string, Account> = oracle(history.facts);
  try {
    return await forEachPermutation(history.facts, (order) => agreesWithOracle(join, order, expected));
  } catch (error) {
    if (error instanceof Error) error.message = `exhaustive (deterministic, no seed), history "${history.name}":\n${error.message}`;
    throw error;
  }
}

/** Every history of up to `size` facts from `sweepCandidates`, in every order. */
export async function checkSweep<S>(join: Join<S>, size = 5): Promise<ExhaustiveCount> {
  const count: ExhaustiveCount = { histories: 0, orders: 0 };
  for (const facts of multisets(sweepCandidates, size)) {
    count.orders += await checkAllOrders(join, { name: `sweep #${count.histories}`, facts });
    count.histories++;
  }
  return count;
}

/** Exhaustive level: the fixed 8-event histories, then the sweep. */
export async function checkExhaustively<S>(join: Join<S>, sweepSize = 5): Promise<ExhaustiveCount> {
  const sweep = await checkSweep(join, sweepSize);
  let fixed = 0;
  for (const history of exhaustiveHistories) fixed += await checkAllOrders(join, history);
  return { histories: sweep.histories + exhaustiveHistories.length, orders: sweep.orders + fixed };
}

/** Runs a check that must fail and returns its shrunk counterexample, as printed (`opened(a1,c1,t=0) ...`). */
export async function caughtCounterexample(check: () => Promise<unknown>): Promise<string> {
  try {
    await check();
  } catch (error) {
    const printed = error instanceof Error ? /\nCounterexample: \[(.*)\]\n/.exec(error.message) : null;
    if (printed) return printed[1];
    throw error;
  }
  throw new Error('expected the property to be caught, but it held');
}

/**
 * The readable form of a history: facts separated by single spaces. A time is a small
 * tick, or an extreme instant spelled out (the arbitraries include years 0001 and 9999).
 */
const READABLE_TIME = String.raw`(\d|\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z)`;
const READABLE_FACT = String.raw`(opened\(a\d,c\d,t=${READABLE_TIME}\)|created\(c\d,t=${READABLE_TIME}\)|sealed\(c\d,t=${READABLE_TIME}\)|retyped\(c\d,X\))`;
export const READABLE_HISTORY = new RegExp(`^${READABLE_FACT}( ${READABLE_FACT})*$`);
