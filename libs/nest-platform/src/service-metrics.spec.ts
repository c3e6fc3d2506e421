import { ServiceMetrics } from './service-metrics';

/** /metrics is unauthenticated: whatever the scrape rate, each stored-state read runs at most once per interval. */
describe('gauges of stored state', () => {
  let clock = 0;
  let reads = 0;
  let value = 1;
  let fail = false;
  const metrics = new ServiceMetrics('test', 10_000, () => clock);
  metrics.scrapeGauge('calm_test_rows', 'rows', async () => {
    reads++;
    await new Promise((r) => setTimeout(r, 5));
    if (fail) throw new Error('database down');
    return [[{}, value]];
  });
  const shown = async () => /^calm_test_rows\{service="test"\} (\S+)$/m.exec(await metrics.metrics())?.[1];

  it('reads once for any number of scrapes, concurrent or not, within an interval', async () => {
    expect(await Promise.all(Array.from({ length: 50 }, shown))).toEqual(Array(50).fill('1'));
    value = 2;
    for (let i = 0; i < 50; i++) {
      clock += 100;
      expect(await shown()).toBe('1');
    }
    expect(reads).toBe(1);
  });

  it('reads again once the interval has passed', async () => {
    clock += 10_000;
    expect(await shown()).toBe('2');
    expect(await shown()).toBe('2');
    expect(reads).toBe(2);
  });

  it('shows NaN for a failing read (not a false 0), and does not retry it before the interval', async () => {
    fail = true;
    clock += 10_000;
    expect(await shown()).toBe('Nan');
    expect(await shown()).toBe('Nan');
    expect(reads).toBe(3);
    fail = false;
    clock += 10_000;
    expect(await shown()).toBe('2');
    expect(reads).toBe(4);
  });
});
