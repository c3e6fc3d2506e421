/**
 * bench/results/replay-floor.json (bench/src/replay-floor.probe.ts): what a rebuild of the
 * bench's history cannot go below on this machine, part by part, rendered into
 * docs/performance.md beside the replay goal.
 */
export interface FloorPart {
  wall_ms: number;
  per_s: number;
  /** CPU ms of each process the part ran in (this one: `node`; `nats_server`; `postgres`: the backend). */
  cpu_ms: Record<string, number>;
  /** All of that CPU per event of the history, µs. */
  cpu_us_per_item: number;
  loadavg: number;
}

export interface ReplayFloor {
  events: number;
  accounts: number;
  known_customers: number;
  read: FloorPart[];
  copy_scratch: FloorPart[];
  swap: FloorPart[];
  floor: { read_cpu_us_per_event: number; write_cpu_us_per_event: number; events_per_s_two_cores: number };
  context: { cores: number; cpu: string; node: string; commit: string | null; started_at: string; loadavg_before: number[]; loadavg_after: number[] };
}

const n0 = (v: number): string => Math.round(v).toLocaleString('en-US');
const cpu = (p: FloorPart): string =>
  Object.entries(p.cpu_ms)
    .map(([k, v]) => `${k.replace('_', '-')} ${v}`)
    .join(' + ');
const rows = (parts: FloorPart[]): string => parts.map((p) => `${n0(p.per_s)} /s (${cpu(p)} ms = ${p.cpu_us_per_item} µs per event)`).join('; ');

export function replayFloorSection(r: ReplayFloor): string {
  const c = r.context;
  return [
    `\`node dist/bench/src/replay-floor.probe.js\`${c.commit ? ` at commit \`${c.commit}\`` : ''}, ${c.started_at.slice(0, 16).replace('T', ' ')} UTC: ` +
      `${c.cores} cores (${c.cpu}), node ${c.node}, load average ${c.loadavg_before.join(' ')} before and ${c.loadavg_after.join(' ')} after; ` +
      `a history of ${n0(r.events)} events (${n0(r.accounts)} account.opened, ${n0(r.known_customers)} customer.created), each part measured ${r.read.length} times:`,
    '',
    '| part | every measurement: rate, CPU of each process, CPU per event |',
    '| --- | --- |',
    `| read both streams as the rebuild does, nothing else | ${rows(r.read)} |`,
    `| COPY the folded rows into TEMP scratch tables | ${rows(r.copy_scratch)} |`,
    `| the swap: scratch into the live tables, indexes rebuilt | ${rows(r.swap)} |`,
    '',
    `Medians: reading costs ${r.floor.read_cpu_us_per_event} µs of CPU per event, writing ${Math.round(r.floor.write_cpu_us_per_event * 100) / 100} µs; ` +
      `with both cores busy all the time and nothing else (no decoding, no fold) that is at most **${n0(r.floor.events_per_s_two_cores)} events/s**.`,
  ].join('\n');
}
