import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CoordinationDoc, coordinationRows, cpuRows } from './coordination-report';
import { DESIGNS } from './scenario';

/**
 * `npm run bench:docs`: regenerates the figures block of docs/coordination.md from
 * bench/results/coordination.json, so no figure in the docs is typed by hand. The prose
 * around the block is written to hold whatever a run measures.
 */
const root = join(__dirname, '..', '..', '..', '..');
const START = '<!-- generated from bench/results/coordination.json by npm run bench:docs: do not edit -->';
const END = '<!-- end of generated block -->';

/** The designs ordered by one figure, best first: the prose below the block reads these orderings, never a typed figure. */
function ranking(get: (d: string) => unknown, higherIsBetter: boolean): string {
  const known = DESIGNS.filter((d) => typeof get(d) === 'number');
  const sorted = [...known].sort((a, b) => ((get(a) as number) - (get(b) as number)) * (higherIsBetter ? -1 : 1));
  return sorted.map((d) => `${d} (${cell(get(d))})`).join(', then ');
}

const cell = (v: unknown) => (v === null || v === undefined ? 'n/a' : String(v));

const table = ({ head, body }: { head: string[]; body: string[][] }): string[] => [
  `| ${head.join(' | ')} |`,
  `| ${head.map(() => '---').join(' | ')} |`,
  ...body.map((r) => `| ${r.join(' | ')} |`),
];

export function coordinationMarkdown(doc: CoordinationDoc): string {
  const ctx = doc.context;
  const outage = doc.outage as {
    seconds: number;
    cluster_restart_ms: number;
    rate_per_s_per_design: number;
    by_design: Record<string, Record<string, unknown>>;
  };
  const phases = doc.phases as Record<string, unknown>[];
  const halfRate = (rtt: number, k: number) => cell(phases.find((p) => p.injected_rtt_ms === rtt && p.k === k)?.half_rate_per_s);
  const key = (suffix: string) => (d: string) => doc[`${d}_${suffix}`];
  return [
    `Run: ${ctx.mode}, ${ctx.started_at}, ${ctx.cores} cores (${ctx.cpu}), Node ${ctx.node}; median of ${ctx.rounds} rounds of ${ctx.round_seconds} s, ${ctx.connections} requests in flight at saturation.`,
    `Machine load (\`uptime\`) before: \`${cell(ctx.uptime_before)}\`; after: \`${cell(ctx.uptime_after)}\`.`,
    '',
    ...table(coordinationRows(doc)),
    '',
    'CPU ms per account opened, by process (at saturation, in each block; PostgreSQL and NATS not counted):',
    '',
    ...table(cpuRows(doc)),
    '',
    'Best first, in this run:',
    `- opens/s at saturation: ${ranking(key('open_per_s'), true)}; +5 ms: ${ranking(key('open_per_s_lat5'), true)}; +20 ms: ${ranking(key('open_per_s_lat20'), true)}; k=16: ${ranking(key('open_per_s_k16'), true)}`,
    `- p99 ms: ${ranking(key('p99_ms'), false)}; +20 ms: ${ranking(key('p99_ms_lat20'), false)}; k=16: ${ranking(key('p99_ms_k16'), false)}`,
    `- CPU ms per open: ${ranking(key('cpu_ms_per_scenario'), false)}`,
    `- accepted while the customer database was down: ${ranking(key('accepted_during_outage'), true)}`,
    '',
    `- Latency columns: open loop at half the slowest design's rate of the block: ${halfRate(0, 1)} scenarios/s without injected latency, ${halfRate(20, 1)} with +20 ms. p99 at k=16 (+5 ms) is the whole scenario, the customer and its 16 accounts, in the saturation rounds (the same ${cell(ctx.connections)} requests in flight for every design, so one scenario of 16 at a time).`,
    `- Idle CPU ms per second by process (no load; relays, consumer, metrics, timers): ${DESIGNS.map((d) => `${d} ${JSON.stringify((ctx.idle_cpu_ms_per_s_by_process as Record<string, unknown> | undefined)?.[d] ?? null)}`).join('; ')}.`,
    `- calm convergence, from the scenario's start until the account reads \`valid\`: p50 ${cell(doc.calm_convergence_p50_ms)} ms, p99 ${cell(doc.calm_convergence_p99_ms)} ms (${cell(doc.calm_convergence_samples)} sampled scenarios, no injected latency).`,
    `- Outage: the customers cluster stopped (immediate mode) for ${outage.seconds} s (its restart, crash recovery included, took ${cell(outage.cluster_restart_ms)} ms) under ${cell(outage.rate_per_s_per_design)} scenarios/s per design, the three designs at once:`,
    ...DESIGNS.map((d) => {
      const o = outage.by_design[d];
      const both = d === 'calm' ? `; both POSTs 2xx at the first try while down: ${cell(o.both_first_try_while_down)}` : '';
      return `  - ${d}: ${cell(o.answered_2xx_while_down)} of ${cell(o.issued_while_down)} scenarios started while down were accepted before the restart${both}; a whole scenario completed again ${cell(o.completed_again_after_restart_ms)} ms after the restart began; all ${cell(o.accepted_in_phase)} accepted in the phase reached their final status ${o.converged_after_restart_ms === null ? 'NOT within the deadline' : `${cell(o.converged_after_restart_ms)} ms after the load ended`}.`;
    }),
  ].join('\n');
}

function main(): void {
  const doc = JSON.parse(readFileSync(join(root, 'bench', 'results', 'coordination.json'), 'utf8')) as CoordinationDoc;
  const path = join(root, 'docs', 'coordination.md');
  const text = readFileSync(path, 'utf8');
  const [a, b] = [text.indexOf(START), text.indexOf(END)];
  if (a < 0 || b < a) throw new Error(`${path} has no generated block (${START} ... ${END})`);
  writeFileSync(path, `${text.slice(0, a + START.length)}\n${coordinationMarkdown(doc)}\n${text.slice(b)}`);
  process.stdout.write(`docs/coordination.md: figures from ${doc.context.started_at as string}\n`);
}

if (require.main === module) main();
