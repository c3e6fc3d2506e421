/**
 * Where CALM's guarantee ends. "valid unless the customer's type is X" asks about the
 * ABSENCE of a fact (no retyped(c, X) yet). A consumer sees a prefix of the stream, and
 * no prefix can tell it that such a fact will never come, so in some orders it publishes
 * `valid` for an account that the full set of facts makes pending; the published
 * account.validated cannot be retracted. Monotone rules (account.ts) are exactly those
 * whose answer on a prefix is never contradicted by more facts, which is why they need
 * no coordination. See validUnlessTypeX in broken-joins.ts for what would be needed.
 */
import { arrivalsWithRetypes } from './arbitraries';
import { validUnlessTypeX } from './broken-joins';
import { READABLE_HISTORY, caughtCounterexample, checkAllOrders, checkRandomized } from './checks';
import { ReorderFact, created, opened, retyped } from './facts';
import { oracle } from './oracle';
import { forEachPermutation } from './permutations';
import { PropertyViolation, agreesWithOracle, commutesEverywhere, realJoin } from './properties';
import { reorderRun } from './seed';

const monotonePart = [
  opened('a1', 'c1', 2),
  opened('a2', 'c1', 5),
  opened('a3', 'c2', 1),
  created('c1', 3),
  created('c2', 0),
  created('c2', 4),
  created('c1', 3),
];
const withRetype: ReorderFact[] = [...monotonePart, retyped('c1', 'X')];

describe('reorder / non-monotone: "valid unless the customer type is X" is order-sensitive', () => {
  it('is caught by the randomized oracle property: a validation published, then contradicted', async () => {
    await expect(checkRandomized('oracle', validUnlessTypeX, arrivalsWithRetypes())).rejects.toThrow(
      /^REORDER_SEED=-?\d+ [\s\S]*reported a\d valid, but the oracle says pending/,
    );
    const history = await caughtCounterexample(() => checkRandomized('oracle', validUnlessTypeX, arrivalsWithRetypes()));
    expect(history).toMatch(READABLE_HISTORY);
    expect(history).toMatch(/^opened\(a1,(c\d),t=0\) created\(\1,t=0\) retyped\(\1,X\)$|^created\((c\d),t=0\) opened\(a1,\2,t=0\) retyped\(\2,X\)$/);
  });

  it('is caught by the commutativity property: on the smallest history, and randomized', async () => {
    // Deterministic first: the three facts that make it order-sensitive, adjacent.
    await expect(commutesEverywhere(validUnlessTypeX, [opened('a1', 'c1', 0), created('c1', 0), retyped('c1', 'X')])).rejects.toThrow(/do not commute/);
    // Randomized: a negative control must not depend on the seed; in CI, REORDER_SEED=1652075254
    // found no offending adjacent pair within 200 runs, so this one runs at least 2,000.
    await expect(checkRandomized('commutative', validUnlessTypeX, arrivalsWithRetypes(), { numRuns: Math.max(2_000, reorderRun().trials) })).rejects.toThrow(
      /do not commute/,
    );
  });

  it('converges in state in all 40,320 orders, yet publishes a wrong validation in some of them', async () => {
    const expected = oracle(withRetype);
    let wrongReports = 0;
    const orders = await forEachPermutation(withRetype, async (order) => {
      try {
        await agreesWithOracle(validUnlessTypeX, order, expected);
      } catch (error) {
        if (!(error instanceof PropertyViolation) || !/reported a[12] valid, but the oracle says pending\(c1\)/.test(error.message)) throw error;
        wrongReports++;
      }
    });
    expect(orders).toBe(40_320);
    // Only the orders where retyped(c1,X) comes after created(c1) and some opening of c1 go wrong.
    expect(wrongReports).toBeGreaterThan(0);
    expect(wrongReports).toBeLessThan(orders);
    await expect(checkAllOrders(validUnlessTypeX, { name: 'with retype', facts: withRetype })).rejects.toThrow(PropertyViolation);
  });

  it('the same history without the non-monotone fact is order-insensitive, for both joins', async () => {
    expect(await checkAllOrders(validUnlessTypeX, { name: 'monotone part', facts: monotonePart })).toBe(5_040);
    expect(await checkAllOrders(realJoin, { name: 'monotone part', facts: monotonePart })).toBe(5_040);
  });
});
