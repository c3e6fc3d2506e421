import { Figures } from './report';
import type { RssKinds } from './rss-kinds';

/** A results file of the bench (bench/results/*.json) and how its figures are written in the documents. */
export interface Results extends Figures {
  ratios: Record<string, number | null>;
  replay_reason?: string;
  context: {
    mode: string;
    cores: number;
    cpu: string;
    node: string;
    loadavg_before: number[];
    loadavg_after: number[];
    started_at: string;
    seconds: number;
    rounds: number;
    connections: number;
    round_seconds: number;
    events_backlog: number;
    convergence_accounts: number;
    half_rate_per_s: number | null;
    commit?: string | null;
    service_cpu_ms_per_open: number[];
    /** Absent from runs before it was measured. */
    postgres_cpu_ms_per_open?: number[];
    /** CPU per POST at the latency rounds' fixed offered rate (absent from runs before it was measured). */
    cpu_ms_per_open_at_rate?: { service: number[]; postgres: number[]; nats_server: number[] };
    /** CPU per raw transaction, its client and its PostgreSQL backend, in the saturated rounds (absent from runs before it was measured). */
    pg_txn_cpu_ms?: { client: number[]; postgres: number[] };
    /** Dead tuples of the account database before each latency round (absent from runs before it was measured). */
    dead_tuples_at_rate?: number[];
    service_cpu_ms_per_event: number[];
    /** CPU per account of the convergence phase's measured part, the service and its PostgreSQL backends (absent from runs before it was measured). */
    convergence_cpu_ms_per_account?: { service: number; postgres: number } | null;
    /** How the latency rounds' load was offered: `paced` (evenly spaced) or `autocannon` (per-second bursts); absent: autocannon. */
    rate_generator?: 'paced' | 'autocannon';
    per_round: Record<string, number[]>;
    convergence: Record<string, number | null>;
    rss_mb_by_service: Record<string, number>;
    /** The make-up of each service's largest RSS, in MB (rss-kinds.ts; absent from runs before it was measured). */
    rss_kinds_at_peak_mb?: Record<string, RssKinds | null>;
  };
}

export const n0 = (v: number | null | undefined): string => (v === null || v === undefined ? 'n/a' : Math.round(v).toLocaleString('en-US'));
/** Every value of a list, to `digits` places. */
export const per = (xs: number[] | undefined, digits: number) => (xs && xs.length ? xs.map((x) => x.toFixed(digits)).join(', ') : 'n/a');
export const range = (xs: number[] | undefined, digits = 0): string => {
  if (!xs || xs.length === 0) return 'n/a';
  const fmt = (x: number) => (digits ? x.toFixed(digits) : n0(x));
  const [lo, hi] = [Math.min(...xs), Math.max(...xs)];
  return lo === hi ? fmt(lo) : `${fmt(lo)} to ${fmt(hi)}`;
};
