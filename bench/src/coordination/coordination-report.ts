import { median, percentile, round1 } from '../report';
import type { DesignStack } from './design-stack';
import type { OutageFigures } from './outage.phase';
import { DESIGNS, Design } from './scenario';
import type { ThroughputFigures } from './throughput.phase';

export interface CoordinationInput {
  /** One entry per measured block: at 0 ms (k = 1) first. */
  phases: ThroughputFigures[];
  outage: {
    figures: Map<DesignStack, OutageFigures>;
    window: { clusterBackMs: number };
    rate: number;
    settings: { beforeS: number; outageS: number; afterS: number; deadlineMs: number };
  };
  context: Record<string, unknown>;
}

/** bench/results/coordination.json: the contract's keys at the top level, the rest beside them. */
export type CoordinationDoc = Record<string, unknown> & {
  with_latency: Record<string, number | null> | null;
  outage: Record<string, unknown>;
  phases: Record<string, unknown>[];
  context: Record<string, unknown>;
};

const byName = <T>(m: Map<DesignStack, T>): Map<Design, T> => new Map([...m].map(([s, v]) => [s.design, v]));
const med = (xs: number[]) => (xs.filter(Number.isFinite).length ? round1(median(xs.filter(Number.isFinite))) : null);
const frac = (x: number | null) => (x === null ? null : Math.round(x * 1000) / 1000);
const cents = (x: number) => Math.round(x * 100) / 100;

/** Median per process of the rounds' CPU ms per account opened, and their sum. */
export function cpuByProcess(rounds: Record<string, number>[]): Record<string, number> | null {
  if (rounds.length === 0) return null;
  const out: Record<string, number> = {};
  for (const p of Object.keys(rounds[0])) out[p] = cents(median(rounds.map((r) => r[p])));
  out.total = cents(median(rounds.map((r) => Object.values(r).reduce((a, b) => a + b, 0))));
  return out;
}

function phaseKeys(t: ThroughputFigures): Record<string, number | null> {
  const out: Record<string, number | null> = {};
  for (const [d, f] of byName(t.byDesign)) {
    Object.assign(out, {
      [`${d}_open_per_s`]: med(f.openPerS),
      [`${d}_p50_ms`]: med(f.p50Ms),
      [`${d}_p99_ms`]: med(f.p99Ms),
      [`${d}_saturated_p99_ms`]: med(f.saturatedP99Ms),
      [`${d}_cpu_ms_per_scenario`]: cpuByProcess(f.cpuMsByProcess)?.total ?? null,
    });
  }
  const conv = t.calmConvergenceMs;
  return {
    injected_rtt_ms: t.rttMs,
    k: t.k,
    ...out,
    half_rate_per_s: t.halfRate === null ? null : round1(t.halfRate),
    calm_convergence_p50_ms: conv.length ? round1(percentile(conv, 50)) : null,
    calm_convergence_p99_ms: conv.length ? round1(percentile(conv, 99)) : null,
    calm_convergence_samples: conv.length,
  };
}

const find = (phases: ThroughputFigures[], rttMs: number, k: number) => phases.find((p) => p.rttMs === rttMs && p.k === k);

export function coordinationDoc(input: CoordinationInput): CoordinationDoc {
  const phases = input.phases.map(phaseKeys);
  const at = (rtt: number, k: number) => phases[input.phases.indexOf(find(input.phases, rtt, k)!)] ?? {};
  const [local, lat5, lat20, k16] = [at(0, 1), at(5, 1), at(20, 1), at(5, 16)];
  const keys: Record<string, unknown> = {
    half_rate_per_s: local.half_rate_per_s,
    calm_convergence_p50_ms: local.calm_convergence_p50_ms,
    calm_convergence_p99_ms: local.calm_convergence_p99_ms,
    calm_convergence_samples: local.calm_convergence_samples,
  };
  const outage = byName(input.outage.figures);
  const perDesign: Record<string, unknown> = {};
  const cpu: Record<string, unknown> = {};
  for (const d of DESIGNS) {
    const o = outage.get(d)!;
    Object.assign(keys, {
      [`${d}_open_per_s`]: local[`${d}_open_per_s`],
      [`${d}_p50_ms`]: local[`${d}_p50_ms`],
      [`${d}_p99_ms`]: local[`${d}_p99_ms`],
      [`${d}_cpu_ms_per_scenario`]: local[`${d}_cpu_ms_per_scenario`],
      [`${d}_open_per_s_lat5`]: lat5[`${d}_open_per_s`] ?? null,
      [`${d}_open_per_s_lat20`]: lat20[`${d}_open_per_s`] ?? null,
      [`${d}_p99_ms_lat20`]: lat20[`${d}_p99_ms`] ?? null,
      [`${d}_open_per_s_k16`]: k16[`${d}_open_per_s`] ?? null,
      [`${d}_p99_ms_k16`]: k16[`${d}_saturated_p99_ms`] ?? null,
      [`${d}_accepted_during_outage`]: frac(o.acceptedFraction),
      [`${d}_converged_after_outage`]: o.final.converged,
      [`${d}_lost`]: o.final.lost,
    });
    perDesign[d] = {
      issued_while_down: o.issued,
      answered_2xx_while_down: o.answered2xx,
      both_first_try_while_down: frac(o.bothFirstTryFraction),
      accepted_in_phase: o.acceptedTotal,
      first_2xx_after_restart_ms: o.first2xxAfterRestartMs,
      completed_again_after_restart_ms: o.completedAgainAfterMs,
      converged_after_restart_ms: o.final.convergedAfterMs,
      pending_at_deadline: o.final.pending,
    };
    cpu[d] = Object.fromEntries(
      input.phases.map((p) => [`rtt${p.rttMs}_k${p.k}`, cpuByProcess([...p.byDesign].find(([s]) => s.design === d)![1].cpuMsByProcess)]),
    );
  }
  const perRound = input.phases.map((p) => ({
    rtt_ms: p.rttMs,
    k: p.k,
    ...Object.fromEntries(
      [...byName(p.byDesign)].map(([d, f]) => [d, { open_per_s: f.openPerS.map(round1), p50_ms: f.p50Ms, p99_ms: f.p99Ms, failed: f.failures }]),
    ),
  }));
  return {
    ...keys,
    with_latency: Object.keys(lat20).length ? lat20 : null,
    phases,
    cpu_ms_per_open_by_process: cpu,
    outage: {
      seconds: input.outage.settings.outageS,
      cluster_restart_ms: input.outage.window.clusterBackMs,
      rate_per_s_per_design: round1(input.outage.rate),
      by_design: perDesign,
    },
    context: { ...input.context, per_round: perRound },
  };
}

const fmt = (v: unknown): string =>
  v === null || v === undefined ? 'n/a' : typeof v === 'number' ? (v >= 100 ? String(Math.round(v)) : String(v)) : String(v);
const pctOf = (v: unknown): string => (typeof v === 'number' ? `${Math.round(v * 100)} %` : 'n/a');

/** The comparison as rows: one per design. */
export function coordinationRows(doc: CoordinationDoc): { head: string[]; body: string[][] } {
  const head = [
    'design',
    'opens/s',
    'CPU ms/open',
    'p50 ms',
    'p99 ms',
    'opens/s +5 ms',
    'opens/s +20 ms',
    'p99 ms +20 ms',
    'opens/s k=16 (+5 ms)',
    'p99 ms k=16 (+5 ms)',
    'accepted while customer db down',
    'converged after',
    'lost',
  ];
  const body = DESIGNS.map((d) => [
    d,
    ...['open_per_s', 'cpu_ms_per_scenario', 'p50_ms', 'p99_ms', 'open_per_s_lat5', 'open_per_s_lat20', 'p99_ms_lat20', 'open_per_s_k16', 'p99_ms_k16'].map(
      (k) => fmt(doc[`${d}_${k}`]),
    ),
    pctOf(doc[`${d}_accepted_during_outage`]),
    doc[`${d}_converged_after_outage`] ? 'yes' : 'NO',
    fmt(doc[`${d}_lost`]),
  ]);
  return { head, body };
}

/** CPU ms per account opened, per process of each design, in every block (rows: design and block). */
export function cpuRows(doc: CoordinationDoc): { head: string[]; body: string[][] } {
  const cpu = doc.cpu_ms_per_open_by_process as Record<string, Record<string, Record<string, number> | null>>;
  const head = ['design', 'block', 'customers', 'accounts', 'onboarding', 'total'];
  const body = DESIGNS.flatMap((d) =>
    Object.entries(cpu[d]).map(([block, c]) => [d, block.replace(/^rtt(\d+)_k(\d+)$/, '+$1 ms, k=$2'), ...head.slice(2).map((p) => fmt(c?.[p]))]),
  );
  return { head, body };
}

export function coordinationTable(doc: CoordinationDoc): string {
  const { head, body } = coordinationRows(doc);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
  const ctx = doc.context;
  return [
    `CALM against coordination (${ctx.mode}, median of ${ctx.rounds} rounds, ${ctx.connections} scenarios in flight at saturation): ${ctx.cores} cores, loadavg before ${(ctx.loadavg_before as number[]).join(' ')}, after ${(ctx.loadavg_after as number[]).join(' ')}`,
    line(head),
    line(widths.map((w) => '-'.repeat(w))),
    ...body.map(line),
    `latency at ${fmt(doc.half_rate_per_s)} scenarios/s (half the slowest design); calm convergence (start to valid) p50 ${fmt(doc.calm_convergence_p50_ms)} ms, p99 ${fmt(doc.calm_convergence_p99_ms)} ms`,
    ...cpuRows(doc).body.map((r) => `CPU ms/open ${r[0]} ${r[1]}: customers ${r[2]}, accounts ${r[3]}, onboarding ${r[4]}, total ${r[5]}`),
  ].join('\n');
}
