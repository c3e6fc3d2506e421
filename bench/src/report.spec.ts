import { CPU_TREND_GOAL_PCT, goalRows, trendPctPerRound } from './report';

describe('trendPctPerRound', () => {
  it('is 0 for a flat series and null without two rounds', () => {
    expect(trendPctPerRound([0.8, 0.8, 0.8])).toBe(0);
    expect(trendPctPerRound([0.8])).toBeNull();
    expect(trendPctPerRound([])).toBeNull();
  });

  it('is the least-squares slope in percent of the mean per round', () => {
    // mean 1.0, slope +0.1 per round
    expect(trendPctPerRound([0.8, 0.9, 1.0, 1.1, 1.2])).toBe(10);
    expect(trendPctPerRound([1.2, 1.1, 1.0, 0.9, 0.8])).toBe(-10);
  });

  it("reads issue 31's rounds as growing (service 0.261 to 0.347 ms), beyond the flat goal", () => {
    const trend = trendPctPerRound([0.261, 0.292, 0.331, 0.368, 0.347]);
    expect(trend).toBeGreaterThan(CPU_TREND_GOAL_PCT);
  });
});

describe('goalRows', () => {
  const base = {
    rest_open_per_s: null,
    rest_open_p99_ms: null,
    pg_txn_per_s: null,
    events_per_s: null,
    jetstream_consume_per_s: null,
    jetstream_publish_per_s: null,
    pg_batch_per_s: null,
    events_limit_per_s: null,
    replay_per_s: null,
    convergence_p99_ms: null,
    rss_mb_max: null,
  };
  it('judges the CPU trend against its goal, and n/a when it was not measured', () => {
    const trend = (v: number | null | undefined) =>
      goalRows({ ...base, rest_cpu_trend_pct_per_round: v }).find((r) => r.figure === 'rest_cpu_trend_pct_per_round')?.met;
    expect(trend(1.5)).toBe(true);
    expect(trend(8)).toBe(false);
    expect(trend(undefined)).toBeNull();
  });

  it("shows each latency's floor from the same run beside it, and nothing in runs before it was measured", () => {
    const limit = (f: object, figure: string) => goalRows({ ...base, ...f }).find((r) => r.figure === figure)?.limit;
    expect(limit({ rest_open_p99_ms: 9, pg_txn_p99_ms: 4.2 }, 'rest_open_p99_ms')).toMatch(/^pg_txn_p99_ms 4.2 ms/);
    expect(limit({ convergence_p99_ms: 20, convergence_floor_p99_ms: 7 }, 'convergence_p99_ms')).toMatch(/^convergence_floor_p99_ms 7 ms/);
    expect(limit({ rest_open_p99_ms: 9 }, 'rest_open_p99_ms')).toBeUndefined();
  });
});
