import { percentile, planCases, seededRandom } from './demo-plan';

describe('the demo plan', () => {
  it('sends the two facts of each customer in either order, within the delay bound, reproducibly', () => {
    const plan = planCases(50, 1000, seededRandom(7));
    expect(plan.some((c) => c.accountFirst)).toBe(true);
    expect(plan.some((c) => !c.accountFirst)).toBe(true);
    for (const c of plan) {
      expect(c.accountFirst ? c.accountAtMs <= c.customerAtMs : c.customerAtMs <= c.accountAtMs).toBe(true);
      expect(Math.max(c.accountAtMs, c.customerAtMs)).toBeLessThanOrEqual(2000);
    }
    const again = planCases(50, 1000, seededRandom(7));
    expect(again.map((c) => [c.accountFirst, c.accountAtMs, c.customerAtMs])).toEqual(plan.map((c) => [c.accountFirst, c.accountAtMs, c.customerAtMs]));
  });

  it('computes nearest-rank percentiles', () => {
    const sorted = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(sorted, 50)).toBe(50);
    expect(percentile(sorted, 99)).toBe(99);
    expect(percentile([5], 99)).toBe(5);
    expect(percentile([1, 2, 3], 0)).toBe(1);
    expect(percentile([], 50)).toBeNaN();
  });
});
