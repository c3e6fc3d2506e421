/**
 * Exhaustive level: every order of small histories, deterministic (no seed).
 * Three 8-event histories (3 x 8! = 120,960 orders) and every history of up to 5 facts
 * drawn with repetition from 7 candidates, each in every order.
 */
import { checkAllOrders, checkSweep, exhaustiveHistories, multisets, sweepCandidates } from './checks';
import { forEachPermutation } from './permutations';
import { realJoin } from './properties';

/** sum over k = 0..5 of C(7 + k - 1, k) * k! orders (repeated facts make some orders coincide; all are run). */
const expectedSweepOrders = [1, 7, 28, 84, 210, 462].reduce((sum, histories, k) => sum + histories * [1, 1, 2, 6, 24, 120][k], 0);

describe('reorder / exhaustive: account.ts in every order of small histories', () => {
  it("Heap's algorithm visits each of the n! orders exactly once", async () => {
    for (const n of [0, 1, 2, 3, 5, 7]) {
      const seen = new Set<string>();
      const count = await forEachPermutation([...Array(n).keys()], (order) => void seen.add(order.join(',')));
      const factorial = [...Array(n).keys()].reduce((f, i) => f * (i + 1), 1);
      expect([count, seen.size]).toEqual([factorial, factorial]);
    }
  });

  it('enumerates every multiset of up to 5 of the 7 candidates once', () => {
    const all = [...multisets(sweepCandidates, 5)].map((m) => m.map((f) => sweepCandidates.indexOf(f)).join(','));
    expect(new Set(all).size).toBe(all.length);
    expect(all.length).toBe(792); // sum over k = 0..5 of C(7 + k - 1, k) = C(12, 5)
  });

  it.each(exhaustiveHistories.map((h) => [h.name, h] as const))('%s: all 40,320 orders fold to the oracle', async (_name, history) => {
    expect(history.facts).toHaveLength(8);
    expect(await checkAllOrders(realJoin, history)).toBe(40_320);
  });

  it('every history of up to 5 facts (with duplicates), in every order, folds to the oracle', async () => {
    const { histories, orders } = await checkSweep(realJoin, 5);
    expect(histories).toBe(792);
    expect(orders).toBe(expectedSweepOrders);
  });
});
