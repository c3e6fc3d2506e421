/**
 * The specification, written directly over the SET of facts and without `evolve`:
 *
 *   the opening of an account is its smallest (openedAt, customerId, currency) opening
 *   valid(a)        iff  opened(a, c) and some created(c) exists and c is not retyped to X
 *   validatedAt(a)  =    max(openedAt(a), min createdAt(c))
 *   rejected(a)     iff  opened(a, c) and some sealed(c) exists (and no created(c): the
 *                        owner never decides both; histories here respect that)
 *   rejectedAt(a)   =    max(openedAt(a), min sealedAt(c))
 *   reports         =    exactly one account.validated or account.rejected per resolved account
 *
 * Order and repetition of the input cannot matter here by construction: every line is a
 * function of which facts exist. The retype clause is inert for the account domain
 * (its histories never contain `customer.retyped`); it is the non-monotone example.
 */
import type { Account } from '@calm/folds';
import type { ReorderFact } from './facts';

export const BLOCKED_TYPE = 'X';

export function oracle(facts: Iterable<ReorderFact>): Map<string, Account> {
  const openings = new Map<string, Array<{ customerId: string; currency: string; openedAt: string }>>();
  const creations = new Map<string, number[]>();
  const seals = new Map<string, number[]>();
  const blocked = new Set<string>();
  for (const fact of facts) {
    if (fact.type === 'account.opened') openings.set(fact.data.accountId, [...(openings.get(fact.data.accountId) ?? []), fact.data]);
    else if (fact.type === 'customer.created')
      creations.set(fact.data.customerId, [...(creations.get(fact.data.customerId) ?? []), Date.parse(fact.data.createdAt)]);
    else if (fact.type === 'customer.sealed') seals.set(fact.data.customerId, [...(seals.get(fact.data.customerId) ?? []), Date.parse(fact.data.sealedAt)]);
    else if (fact.data.customerType === BLOCKED_TYPE) blocked.add(fact.data.customerId);
  }
  const expected = new Map<string, Account>();
  for (const [accountId, candidates] of openings) {
    const sorted = [...candidates].sort(
      (x, y) => Date.parse(x.openedAt) - Date.parse(y.openedAt) || cmp(x.customerId, y.customerId) || cmp(x.currency, y.currency),
    );
    const { customerId, currency, openedAt } = sorted[0];
    const times = creations.get(customerId);
    const valid = times !== undefined && !blocked.has(customerId);
    const sealTimes = valid ? undefined : seals.get(customerId);
    const at = (facts: number[] | undefined): string | null =>
      facts === undefined ? null : new Date(Math.max(Date.parse(openedAt), Math.min(...facts))).toISOString();
    const status = valid ? 'valid' : sealTimes ? 'rejected' : 'pending';
    expected.set(accountId, { accountId, customerId, currency, openedAt, status, validatedAt: valid ? at(times) : null, rejectedAt: at(sealTimes) });
  }
  return expected;
}

const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
