/**
 * Domain level, randomized: the real join of account.ts against the oracle, over seeded
 * histories delivered in arbitrary orders with duplicates (REORDER_SEED, REORDER_TRIALS).
 */
import fc from 'fast-check';
import type { AccountFact } from '@calm/folds';
import { arrivals } from './arbitraries';
import { checkRandomized } from './checks';
import { realJoin } from './properties';
import { reorderRun } from './seed';

describe('reorder / domain: account.ts in any arrival order', () => {
  const { seed, trials } = reorderRun();

  it('folds to the oracle, reporting each valid account exactly once and nothing else', async () => {
    expect((await checkRandomized('oracle', realJoin, arrivals())).numRuns).toBe(trials);
  });

  it('commutes: swapping any two adjacent facts leaves the same accounts and the same reports', async () => {
    expect((await checkRandomized('commutative', realJoin, arrivals())).numRuns).toBe(trials);
  });

  it('is idempotent: applying any fact already seen again changes nothing and reports nothing', async () => {
    expect((await checkRandomized('idempotent', realJoin, arrivals())).numRuns).toBe(trials);
  });

  /** Guards the generator: properties over histories that never contain the hard cases prove nothing. */
  it('generates the hard cases often: duplicates, unknown customers, repeated creations, seals, both arrival orders', () => {
    const samples = fc.sample(arrivals(), { seed, numRuns: 1000 });
    const share = (test: (arrival: AccountFact[]) => boolean): number => samples.filter(test).length / samples.length;
    const opens = (a: AccountFact[]) => a.filter((f) => f.type === 'account.opened').map((f) => f.data as { accountId: string; customerId: string });
    const creations = (a: AccountFact[]) => a.filter((f) => f.type === 'customer.created').map((f) => f.data as { customerId: string; createdAt: string });
    const firstIndex = (a: AccountFact[], type: AccountFact['type'], customerId: string) =>
      a.findIndex((f) => f.type === type && f.data.customerId === customerId);

    expect(share((a) => new Set(a.map((f) => JSON.stringify(f))).size < a.length)).toBeGreaterThan(0.5);
    expect(share((a) => opens(a).some((o) => !creations(a).some((c) => c.customerId === o.customerId)))).toBeGreaterThan(0.3);
    expect(share((a) => opens(a).some((o) => creations(a).some((c) => c.customerId === o.customerId)))).toBeGreaterThan(0.3);
    expect(share((a) => creations(a).some((c) => creations(a).some((d) => d.customerId === c.customerId && d.createdAt !== c.createdAt)))).toBeGreaterThan(0.1);
    expect(share((a) => new Set(opens(a).map((o) => o.accountId)).size > new Set(opens(a).map((o) => o.customerId)).size)).toBeGreaterThan(0.3);
    const openedFirst = (a: AccountFact[]) =>
      opens(a).some((o) => firstIndex(a, 'customer.created', o.customerId) > firstIndex(a, 'account.opened', o.customerId));
    const createdFirst = (a: AccountFact[]) =>
      opens(a).some((o) => {
        const c = firstIndex(a, 'customer.created', o.customerId);
        return c >= 0 && c < firstIndex(a, 'account.opened', o.customerId);
      });
    const sealedOpen = (a: AccountFact[]) => opens(a).some((o) => firstIndex(a, 'customer.sealed', o.customerId) >= 0);
    const sealedFirst = (a: AccountFact[]) =>
      opens(a).some((o) => {
        const s = firstIndex(a, 'customer.sealed', o.customerId);
        return s >= 0 && s < firstIndex(a, 'account.opened', o.customerId);
      });
    expect(share(sealedOpen)).toBeGreaterThan(0.15); // about 0.24 over 20,000 samples; 0.2 failed for 1 seed in 30
    expect(share(sealedFirst)).toBeGreaterThan(0.05);
    expect(
      share((a) => a.some((f) => f.type === 'customer.sealed' && a.some((g) => g.type === 'customer.created' && g.data.customerId === f.data.customerId))),
    ).toBe(0);
    expect(share(openedFirst)).toBeGreaterThan(0.2);
    expect(share(createdFirst)).toBeGreaterThan(0.2);
  });
});
