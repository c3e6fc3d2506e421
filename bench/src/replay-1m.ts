/**
 * bench/results/replay-1m.json (bench/src/replay-1m.main.ts): `replay rebuild accounts` of
 * a history of a million events, for the goal that a large rebuild fits in a small
 * container; the bench's own replay figure folds only the history its phases left.
 */
export interface Rebuild1m {
  events: number;
  accounts_per_customer: number;
  seed_seconds: number;
  rebuild: { events: number; seconds: number; eventsPerSecond: number; peakRssMb: number; phases?: Record<string, number> };
  context: { cores: number; cpu: string; node: string; commit: string | null; started_at: string; loadavg_before: number[]; loadavg_after: number[] };
}

/** The goal: the CLI's peak RSS over the whole rebuild of a million events. */
export const REBUILD_1M_RSS_GOAL_MB = 400;

const n0 = (v: number): string => Math.round(v).toLocaleString('en-US');

export function rebuild1mSection(r: Rebuild1m): string {
  const b = r.rebuild;
  const c = r.context;
  const met = b.peakRssMb <= REBUILD_1M_RSS_GOAL_MB;
  return [
    `\`node dist/bench/src/replay-1m.main.js\`${c.commit ? ` at commit \`${c.commit}\`` : ''}, ${c.started_at.slice(0, 16).replace('T', ' ')} UTC: ` +
      `${c.cores} cores (${c.cpu}), node ${c.node}, load average ${c.loadavg_before.join(' ')} before and ${c.loadavg_after.join(' ')} after; ` +
      `${n0(r.events)} events seeded in ${r.seed_seconds} s (${r.accounts_per_customer} accounts per customer, the bench's mix).`,
    '',
    '| figure | value | goal | met |',
    '| --- | --- | --- | --- |',
    `| peak RSS of \`replay rebuild accounts\` | ${n0(b.peakRssMb)} MB | <= ${REBUILD_1M_RSS_GOAL_MB} MB | ${met ? '**yes**' : 'no'} |`,
    `| events folded | ${n0(b.events)} in ${b.seconds} s (${n0(b.eventsPerSecond)} /s) | | |`,
    ...(b.phases
      ? [
          `| phases | ${Object.entries(b.phases)
            .map(([k, v]) => `${k} ${v}`)
            .join(', ')} | | |`,
        ]
      : []),
  ].join('\n');
}
