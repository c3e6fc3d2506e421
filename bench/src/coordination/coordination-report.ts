import { median, percentile, round1 } from '../report';
import type { DesignStack } from './design-stack';
import type { OutageFigures } from './outage.phase';
import { DESIGNS, Design } from './scenario';
import type { ThroughputFigures } from './throughput.phase';

export interface CoordinationInput {
  local: { throughput: ThroughputFigures; outage: { figures: Map<DesignStack, OutageFigures>; window: { clusterBackMs: number } }; outageRate: number };
  remote: ThroughputFigures | null;
  latencyMs: number;
  outage: { beforeS: number; outageS: number; afterS: number; deadlineMs: number };
  context: Record<string, unknown>;
}

/** bench/results/coordination.json: the contract's keys at the top level, the rest beside them. */
export type CoordinationDoc = Record<string, unknown> & {
  with_latency: Record<string, number | null> | null;
  outage: Record<string, unknown>;
  context: Record<string, unknown>;
};

const byName = <T>(m: Map<DesignStack, T>): Map<Design, T> => new Map([...m].map(([s, v]) => [s.design, v]));
const med = (xs: number[]) => (xs.length ? round1(median(xs)) : null);
const frac = (x: number | null) => (x === null ? null : Math.round(x * 1000) / 1000);

function throughputKeys(t: ThroughputFigures): Record<string, number | null> {
  const out: Record<string, number | null> = {};
  const figures = byName(t.byDesign);
  for (const d of DESIGNS) {
    const f = figures.get(d)!;
    Object.assign(out, {
      [`${d}_open_per_s`]: med(f.openPerS),
      [`${d}_p50_ms`]: med(f.p50Ms),
      [`${d}_p99_ms`]: med(f.p99Ms),
      [`${d}_cpu_ms_per_scenario`]: f.cpuMsPerScenario.length ? Math.round(median(f.cpuMsPerScenario) * 100) / 100 : null,
    });
  }
  const conv = t.calmConvergenceMs;
  return {
    ...out,
    half_rate_per_s: round1(t.halfRate),
    calm_convergence_p50_ms: conv.length ? round1(percentile(conv, 50)) : null,
    calm_convergence_p99_ms: conv.length ? round1(percentile(conv, 99)) : null,
    calm_convergence_samples: conv.length,
  };
}

export function coordinationDoc(input: CoordinationInput): CoordinationDoc {
  const outage = byName(input.local.outage.figures);
  const keys: Record<string, unknown> = { ...throughputKeys(input.local.throughput) };
  const perDesign: Record<string, unknown> = {};
  for (const d of DESIGNS) {
    const o = outage.get(d)!;
    Object.assign(keys, {
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
  }
  const perRound = Object.fromEntries(
    [...byName(input.local.throughput.byDesign)].map(([d, f]) => [
      d,
      { open_per_s: f.openPerS.map(round1), p50_ms: f.p50Ms, p99_ms: f.p99Ms, failed: f.failures },
    ]),
  );
  return {
    ...keys,
    with_latency: input.remote ? { injected_rtt_ms: input.latencyMs, ...throughputKeys(input.remote) } : null,
    outage: {
      seconds: input.outage.outageS,
      cluster_restart_ms: input.local.outage.window.clusterBackMs,
      rate_per_s_per_design: round1(input.local.outageRate),
      by_design: perDesign,
    },
    context: { ...input.context, per_round: perRound },
  };
}

const fmt = (v: unknown): string =>
  v === null || v === undefined ? 'n/a' : typeof v === 'number' ? (v >= 100 ? String(Math.round(v)) : String(v)) : String(v);
const pctOf = (v: unknown): string => (typeof v === 'number' ? `${Math.round(v * 100)} %` : 'n/a');

/** The comparison as rows: one per design, without and with the injected latency. */
export function coordinationRows(doc: CoordinationDoc): { head: string[]; body: string[][] } {
  const rtt = doc.with_latency?.injected_rtt_ms;
  const head = [
    'design',
    'scenarios/s',
    'CPU ms/scenario',
    'p50 ms',
    'p99 ms',
    ...(doc.with_latency ? [`scenarios/s +${rtt} ms`, `p50 ms +${rtt} ms`, `p99 ms +${rtt} ms`] : []),
    'accepted while customer db down',
    'converged after',
    'lost',
  ];
  const body = DESIGNS.map((d) => [
    d,
    fmt(doc[`${d}_open_per_s`]),
    fmt(doc[`${d}_cpu_ms_per_scenario`]),
    fmt(doc[`${d}_p50_ms`]),
    fmt(doc[`${d}_p99_ms`]),
    ...(doc.with_latency ? [fmt(doc.with_latency[`${d}_open_per_s`]), fmt(doc.with_latency[`${d}_p50_ms`]), fmt(doc.with_latency[`${d}_p99_ms`])] : []),
    pctOf(doc[`${d}_accepted_during_outage`]),
    doc[`${d}_converged_after_outage`] ? 'yes' : 'NO',
    fmt(doc[`${d}_lost`]),
  ]);
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
  ].join('\n');
}
