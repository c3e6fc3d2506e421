/**
 * Every distinct order of a small history as a walk of the tree of prefixes: each prefix
 * is applied once and each branch tried from a savepoint, so a database-backed join runs
 * about e * n! facts for the n! orders of n distinct facts instead of n * n!. Repeated
 * facts (duplicates) are branched on once per distinct fact, so each distinct order is
 * visited exactly once.
 */
import type { Account } from '@calm/folds';
import type { NamedHistory } from './checks';
import type { ReorderFact } from './facts';
import { oracle } from './oracle';
import { Join, checkOutcome } from './properties';

export async function checkOrderTree<S, F extends ReorderFact>(join: Join<S, F>, history: NamedHistory<F>): Promise<number> {
  const expected = oracle(history.facts);
  const distinct: F[] = [];
  const remaining: number[] = [];
  for (const fact of history.facts) {
    const i = distinct.findIndex((d) => JSON.stringify(d) === JSON.stringify(fact));
    if (i >= 0) remaining[i]++;
    else remaining[distinct.push(fact) - 1] = 1;
  }
  const state = await join.initialState();
  let orders = 0;
  const visit = async (prefix: F[], reports: Account[]): Promise<void> => {
    if (prefix.length === history.facts.length) {
      const accounts = new Map([...(await join.accounts(state))].map(([id, a]) => [id, { ...a }]));
      checkOutcome(join.name, prefix, { accounts, reports }, expected);
      orders++;
      return;
    }
    for (let i = 0; i < distinct.length; i++) {
      if (remaining[i] === 0) continue;
      const back = await join.savepoint(state);
      remaining[i]--;
      const made = await join.evolve(state, distinct[i]);
      await visit([...prefix, distinct[i]], [...reports, ...made.map((a) => ({ ...a }))]);
      remaining[i]++;
      await back();
    }
  };
  try {
    await visit([], []);
  } catch (error) {
    if (error instanceof Error) error.message = `exhaustive (deterministic, no seed), history "${history.name}":\n${error.message}`;
    throw error;
  } finally {
    await join.dispose?.(state);
  }
  return orders;
}

/** n! / (product of each repeated fact's multiplicity!): how many distinct orders a history has. */
export function distinctOrders(facts: readonly ReorderFact[]): number {
  const counts = new Map<string, number>();
  for (const f of facts) counts.set(JSON.stringify(f), (counts.get(JSON.stringify(f)) ?? 0) + 1);
  const factorial = (n: number): number => (n <= 1 ? 1 : n * factorial(n - 1));
  return [...counts.values()].reduce((n, k) => n / factorial(k), factorial(facts.length));
}
