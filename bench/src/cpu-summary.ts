import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageOf } from './heap-summary';
import { writeJson } from './report';

/**
 * `node dist/bench/src/cpu-summary.js <file.cpuprofile> --label <before|after> [--commit c] [--out file]`:
 * the self time of a service's CPU profile (the bench's `--cpu-prof <dir>`) by package and
 * by function, stored under its label in bench/results/cpu-profile.json (the other labels
 * kept), which docs/performance.md renders: the profile of the POST path before and after
 * a change, from the same command.
 */
interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string }; hitCount?: number }[];
  samples: number[];
  startTime: number;
  endTime: number;
}

export interface CpuSummary {
  profile: string;
  commit: string | null;
  command: string;
  seconds: number;
  /** Samples in which the service was not idle. */
  busy_samples: number;
  by_package: [string, number][];
  by_function: [string, number][];
}

/** Percent of the samples per package and per function (self time), the 12 largest of each. */
export function summarizeCpu(p: CpuProfile): Pick<CpuSummary, 'seconds' | 'busy_samples' | 'by_package' | 'by_function'> {
  const hits = new Map<number, number>();
  // An idle sample is the event loop waiting, not work: shares are of the busy samples.
  const idle = new Set(p.nodes.filter((n) => n.callFrame.functionName === '(idle)').map((n) => n.id));
  const busy = p.samples.filter((id) => !idle.has(id));
  for (const id of busy) hits.set(id, (hits.get(id) ?? 0) + 1);
  const byPackage = new Map<string, number>();
  const byFunction = new Map<string, number>();
  const add = (m: Map<string, number>, k: string, v: number) => m.set(k, (m.get(k) ?? 0) + v);
  for (const n of p.nodes) {
    const h = hits.get(n.id) ?? 0;
    if (!h) continue;
    const pkg = n.callFrame.url ? packageOf(n.callFrame.url) : '(V8 builtins and native)';
    add(byPackage, pkg, h);
    add(byFunction, `${n.callFrame.functionName || '(anonymous)'} (${pkg})`, h);
  }
  const total = busy.length;
  const top = (m: Map<string, number>): [string, number][] =>
    [...m]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 12)
      .map(([k, v]) => [k, Math.round((1000 * v) / total) / 10]);
  return { seconds: Math.round((p.endTime - p.startTime) / 1e5) / 10, busy_samples: total, by_package: top(byPackage), by_function: top(byFunction) };
}

export function cpuProfileSection(doc: Record<string, CpuSummary>): string {
  const list = (xs: [string, number][]) => xs.map(([k, v]) => `${k} ${v} %`).join('; ');
  return Object.entries(doc)
    .flatMap(([label, s]) => [
      `**${label}**${s.commit ? ` (commit \`${s.commit}\`)` : ''}: \`${s.command}\`, ${s.seconds} s, ${s.busy_samples.toLocaleString('en-US')} busy samples; share of the busy samples (self time; idle left out):`,
      '',
      `- by package: ${list(s.by_package)};`,
      `- by function: ${list(s.by_function)}.`,
      '',
    ])
    .join('\n')
    .trimEnd();
}

if (require.main === module) {
  const arg = (name: string) => {
    const i = process.argv.indexOf(name);
    return i > 0 ? process.argv[i + 1] : undefined;
  };
  const file = process.argv[2];
  const label = arg('--label');
  const command = arg('--command');
  if (!file || !label || !command)
    throw new Error('usage: cpu-summary <file.cpuprofile> --label <name> --command <the bench command> [--commit c] [--out file]');
  const out = arg('--out') ?? join(__dirname, '..', '..', '..', 'bench', 'results', 'cpu-profile.json');
  const doc = existsSync(out) ? (JSON.parse(readFileSync(out, 'utf8')) as Record<string, CpuSummary>) : {};
  doc[label] = {
    profile: file.split('/').pop()!,
    commit: arg('--commit') ?? null,
    command,
    ...summarizeCpu(JSON.parse(readFileSync(file, 'utf8')) as CpuProfile),
  };
  writeJson(out, doc);
  process.stdout.write(`${cpuProfileSection({ [label]: doc[label] })}\n(written to ${out})\n`);
}
