import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { round1 } from './report';
import { Results, n0, per } from './results-format';

/**
 * One A/B experiment: bench/results/ab/<name>/experiment.json says what was compared,
 * and each run's results file is <variant><n>.json (A1, B1, A2, B2: alternated, back to back).
 */
export interface Experiment {
  order: number;
  title: string;
  /** rss: the largest RSS and its make-up, beside the CPU per POST at the fixed rate and per event. */
  metric: 'rest' | 'events' | 'convergence' | 'rss';
  command: string;
  variants: Record<string, string>;
  decision: string;
  runs: Record<string, Results>;
}

/** CPU per POST at the fixed offered rate, where the run measured it: the same load for every variant. */
const atRateCell = (r: Results): string => {
  const c = r.context;
  const a = c.cpu_ms_per_open_at_rate;
  if (!a?.service.length) return '';
  const trend =
    r.rest_cpu_trend_pct_per_round === undefined || r.rest_cpu_trend_pct_per_round === null ? '' : ` (trend ${r.rest_cpu_trend_pct_per_round} % per round)`;
  const dead = c.dead_tuples_at_rate?.length ? `; dead tuples before each ${c.dead_tuples_at_rate.map(n0).join(', ')}` : '';
  const p99 =
    r.pg_txn_p99_ms === undefined ? '' : ` p99 ${r.rest_open_p99_ms} ms (raw transaction ${r.pg_txn_p99_ms} ms, ${c.rate_generator ?? 'autocannon'}),`;
  return `; at ${n0(c.half_rate_per_s)}/s:${p99} service ${per(a.service, 3)}, PostgreSQL ${per(a.postgres, 3)}, nats-server ${per(a.nats_server, 3)} ms/POST${trend}${dead}`;
};

/** A run as the figures an A/B compares: the ratio to its raw limit in the same run, and the service's CPU per operation. */
function runCell(r: Results, metric: Experiment['metric']): string {
  const c = r.context;
  if (metric === 'rss') return rssCell(r);
  if (metric === 'rest')
    return `${n0(r.rest_open_per_s)}/s vs pg_txn ${n0(r.pg_txn_per_s)}/s = **${r.ratios.rest_open_over_pg_txn ?? 'n/a'}**; CPU ${per(c.service_cpu_ms_per_open, 2)} ms/POST${c.postgres_cpu_ms_per_open?.length ? ` (PostgreSQL ${per(c.postgres_cpu_ms_per_open, 2)})` : ''}${atRateCell(r)}; RSS ${n0(r.rss_mb_max)} MB${r.convergence_p99_ms === null || r.convergence_p99_ms === undefined ? '' : `; convergence p99 ${r.convergence_p99_ms} ms`}; load ${c.loadavg_before[0]}`;
  if (metric === 'convergence') {
    const v = c.convergence;
    const cpu = c.convergence_cpu_ms_per_account;
    return (
      `p99 **${r.convergence_p99_ms} ms**; account second p50 / p99 ${v.account_second_p50_ms} / ${v.account_second_p99_ms} ms, customer second ${v.customer_second_p50_ms} / ${v.customer_second_p99_ms} ms` +
      `${v.floor_p99_ms === undefined ? '' : `, raw floor ${v.floor_p50_ms} / ${v.floor_p99_ms} ms`}${cpu ? `; CPU per account: service ${cpu.service.toFixed(3)}, PostgreSQL ${cpu.postgres.toFixed(3)} ms` : ''}; load ${c.loadavg_before[0]}`
    );
  }
  return `${n0(r.events_per_s)}/s vs limit ${n0(r.events_limit_per_s)}/s = **${r.ratios.events_over_events_limit ?? 'n/a'}**; CPU ${per(c.service_cpu_ms_per_event, 3)} ms/event; load ${c.loadavg_before[0]}`;
}

/** The largest RSS, what it was made of (rss-kinds.ts), and what the run cost in CPU at the same load for every variant. */
function rssCell(r: Results): string {
  const c = r.context;
  const kinds = Object.entries(c.rss_kinds_at_peak_mb ?? {})
    .map(([name, k]) =>
      k
        ? ` (${name}: node binary ${k.nodeBinary}, malloc ${round1(k.mallocMain + k.mallocArenas)} of which thread arenas ${k.mallocArenas}, other anonymous ${k.anonOther})`
        : '',
    )
    .join('');
  const a = c.cpu_ms_per_open_at_rate;
  const atRate = a?.service.length ? `; at ${n0(c.half_rate_per_s)}/s: service ${per(a.service, 3)}, PostgreSQL ${per(a.postgres, 3)} ms/POST` : '';
  return `RSS **${n0(r.rss_mb_max)} MB**${kinds}${atRate}; events: service ${per(c.service_cpu_ms_per_event, 3)} ms/event; load ${c.loadavg_before[0]} before, ${c.loadavg_after[0]} after`;
}

export function abSection(experiments: Experiment[]): string {
  const rows = [...experiments]
    .sort((a, b) => a.order - b.order)
    .flatMap((e) => {
      const names = Object.keys(e.runs).sort((a, b) => a.slice(1).localeCompare(b.slice(1)) || a.localeCompare(b));
      return [
        `**${e.title}** (\`${e.command}\`): ${Object.entries(e.variants)
          .map(([k, v]) => `${k} = ${v}`)
          .join('; ')}. **Decision: ${e.decision}.**`,
        '',
        '| run | figures |',
        '| --- | --- |',
        ...names.map((n) => `| ${n} | ${runCell(e.runs[n], e.metric)} |`),
        '',
      ];
    });
  return rows.join('\n').trimEnd();
}

export function loadExperiments(dir: string): Experiment[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join(dir, d.name, 'experiment.json')))
    .map((d) => {
      const spec = JSON.parse(readFileSync(join(dir, d.name, 'experiment.json'), 'utf8')) as Omit<Experiment, 'runs'>;
      const runs: Record<string, Results> = {};
      for (const f of readdirSync(join(dir, d.name)))
        if (/^[A-Z]\d+\.json$/.test(f)) runs[f.replace('.json', '')] = JSON.parse(readFileSync(join(dir, d.name, f), 'utf8')) as Results;
      return { ...spec, runs };
    });
}
