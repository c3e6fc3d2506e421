import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

export const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
};

/** Nearest-rank percentile. */
export const percentile = (xs: number[], p: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))];
};

export const round1 = (x: number | null): number | null => (x === null ? null : Math.round(x * 10) / 10);

/** The contract's keys; null when the phase did not run (--only) or could not (replay tool missing). */
export interface Figures {
  rest_open_per_s: number | null;
  rest_open_p99_ms: number | null;
  /** The raw transaction's p99 at the same paced rate as rest_open_p99_ms: its floor (absent from runs before it was measured). */
  pg_txn_p99_ms?: number | null;
  pg_txn_per_s: number | null;
  events_per_s: number | null;
  jetstream_consume_per_s: number | null;
  jetstream_publish_per_s: number | null;
  pg_batch_per_s: number | null;
  events_limit_per_s: number | null;
  replay_per_s: number | null;
  convergence_p99_ms: number | null;
  /** The customer second's floor with no service (raw-convergence.bench.ts), p99 (absent from runs before it was measured). */
  convergence_floor_p99_ms?: number | null;
  rss_mb_max: number | null;
  /**
   * How the CPU per POST at the fixed offered rate (service + its PostgreSQL backends +
   * nats-server) moves from round to round while the data grows: the least-squares slope
   * over the rounds, in percent of its mean per round (absent from runs before it was measured).
   */
  rest_cpu_trend_pct_per_round?: number | null;
}

/**
 * The least-squares slope of `xs` over their index, as a percentage of their mean per step:
 * 0 when flat, +5 when each round costs 5 % of the mean more than the one before. Null
 * with fewer than two values (no trend to speak of).
 */
export function trendPctPerRound(xs: readonly number[]): number | null {
  if (xs.length < 2) return null;
  const n = xs.length;
  const meanX = (n - 1) / 2;
  const meanY = xs.reduce((a, b) => a + b, 0) / n;
  if (meanY === 0) return null;
  let num = 0;
  let den = 0;
  xs.forEach((y, x) => {
    num += (x - meanX) * (y - meanY);
    den += (x - meanX) ** 2;
  });
  return Math.round((num / den / meanY) * 1000) / 10;
}

/** The events path's stages run back to back on one machine: consume, apply (PostgreSQL), publish. */
export const eventsLimit = (consume: number | null, publish: number | null, pgBatch: number | null): number | null =>
  consume && publish && pgBatch ? 1 / (1 / consume + 1 / publish + 1 / pgBatch) : null;

export const ratio = (a: number | null, b: number | null): number | null => (a === null || b === null || b === 0 ? null : Math.round((a / b) * 100) / 100);
const atMost = (v: number | null, goal: number): boolean | null => (v === null ? null : v <= goal);
const atLeast = (v: number | null, goal: number): boolean | null => (v === null ? null : v >= goal);
const fmt0 = (v: number | null): string => (v === null ? 'n/a' : String(Math.round(v)));
/** A latency's floor measured in the same run, for the table's limit column; none in runs before it was measured. */
const floor = (key: string, v: number | null | undefined, what: string): string | undefined =>
  v === undefined || v === null ? undefined : `${key} ${round1(v)} ms (${what})`;

interface Row {
  figure: string;
  value: number | null;
  unit: string;
  limit?: string;
  ratio?: number | null;
  goal: string;
  met: boolean | null;
}

/**
 * A trend within this many percent per round is flat: five rounds of a fixed rate on a
 * shared machine move the CPU per POST by a few percent either way without any growth
 * (issue 31 reported +10 % per round while the account table's dead tuples piled up).
 */
export const CPU_TREND_GOAL_PCT = 3;

/** The goals, checked against a run's figures. */
export function goalRows(f: Figures): Row[] {
  const restRatio = ratio(f.rest_open_per_s, f.pg_txn_per_s);
  const eventsRatio = ratio(f.events_per_s, f.events_limit_per_s);
  return [
    {
      figure: 'rest_open_per_s',
      value: f.rest_open_per_s,
      unit: '/s',
      limit: `pg_txn_per_s ${fmt0(f.pg_txn_per_s)}`,
      ratio: restRatio,
      goal: 'ratio >= 1.0',
      met: atLeast(restRatio, 1.0),
    },
    {
      figure: 'rest_open_p99_ms',
      value: f.rest_open_p99_ms,
      unit: 'ms',
      limit: floor('pg_txn_p99_ms', f.pg_txn_p99_ms, 'the raw transaction at the same paced rate'),
      goal: '<= 10 ms at half rate',
      met: atMost(f.rest_open_p99_ms, 10),
    },
    {
      figure: 'rest_cpu_trend_pct_per_round',
      value: f.rest_cpu_trend_pct_per_round ?? null,
      unit: '%',
      goal: `grows <= ${CPU_TREND_GOAL_PCT} % per round`,
      met: atMost(f.rest_cpu_trend_pct_per_round ?? null, CPU_TREND_GOAL_PCT),
    },
    {
      figure: 'events_per_s',
      value: f.events_per_s,
      unit: '/s',
      limit: `events_limit_per_s ${fmt0(f.events_limit_per_s)} (consume ${fmt0(f.jetstream_consume_per_s)}, publish ${fmt0(f.jetstream_publish_per_s)}, pg_batch ${fmt0(f.pg_batch_per_s)})`,
      ratio: eventsRatio,
      goal: 'ratio >= 0.8',
      met: atLeast(eventsRatio, 0.8),
    },
    { figure: 'replay_per_s', value: f.replay_per_s, unit: '/s', goal: '>= 100000', met: atLeast(f.replay_per_s, 100_000) },
    {
      figure: 'convergence_p99_ms',
      value: f.convergence_p99_ms,
      unit: 'ms',
      limit: floor('convergence_floor_p99_ms', f.convergence_floor_p99_ms, 'publish, pull, one transaction, one read, no service'),
      goal: '<= 10 ms',
      met: atMost(f.convergence_p99_ms, 10),
    },
    { figure: 'rss_mb_max', value: f.rss_mb_max, unit: 'MB', goal: '<= 160 MB per service', met: atMost(f.rss_mb_max, 160) },
  ];
}

export function table(f: Figures, context: { cores: number; loadBefore: number[]; loadAfter: number[]; rounds: number; mode: string }): string {
  const rows = goalRows(f);
  const fmt = (v: number | null) => (v === null ? 'n/a' : v >= 100 ? String(Math.round(v)) : String(round1(v)));
  const head = ['figure', 'value', 'raw limit (same run)', 'ratio', 'goal', 'met'];
  const body = rows.map((r) => [
    r.figure,
    `${fmt(r.value)} ${r.unit}`,
    r.limit ?? '',
    r.ratio === undefined || r.ratio === null ? '' : r.ratio.toFixed(2),
    r.goal,
    r.met === null ? 'n/a' : r.met ? 'yes' : 'NO',
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
  return [
    `calm-accounts bench (${context.mode}, median of ${context.rounds} rounds): ${context.cores} cores, loadavg before ${context.loadBefore.join(' ')}, after ${context.loadAfter.join(' ')}`,
    line(head),
    line(widths.map((w) => '-'.repeat(w))),
    ...body.map(line),
  ].join('\n');
}

export function writeJson(path: string, doc: unknown): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, JSON.stringify(doc, null, 2) + '\n');
}
