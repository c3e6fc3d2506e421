import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeJson } from './report';

/**
 * `node dist/bench/src/heap-summary.js <file.heapprofile> [--out file]`: sums a sampling
 * heap profile (BENCH_HEAP_SAMPLES, see tuned-service.main.ts) by the package that
 * allocated, by the nearest package or app frame above node's internals, and by function.
 * Writes bench/results/heap-summary.json, which docs/performance.md quotes.
 */
interface ProfileNode {
  callFrame: { functionName: string; url: string; lineNumber: number };
  selfSize: number;
  children?: ProfileNode[];
}

export function packageOf(url: string): string {
  if (url.includes('node_modules/')) {
    const parts = url.split('node_modules/').pop()!.split('/');
    return parts[0].startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0];
  }
  if (url.includes('/dist/')) return `app:${url.split('/dist/')[1].split('/').slice(0, 3).join('/')}`;
  if (url.startsWith('node:')) return `node:${url.slice(5)}`;
  return '(V8 builtins and native)';
}

export function summarize(head: ProfileNode): {
  total_mb: number;
  by_package: [string, number][];
  by_owner: [string, number][];
  by_function: [string, number][];
} {
  const byPackage = new Map<string, number>();
  const byOwner = new Map<string, number>();
  const byFunction = new Map<string, number>();
  let total = 0;
  const add = (m: Map<string, number>, k: string, v: number) => m.set(k, (m.get(k) ?? 0) + v);
  const walk = (n: ProfileNode, owner: string) => {
    const pkg = packageOf(n.callFrame.url);
    const here = pkg.startsWith('node:') || pkg.startsWith('(') ? owner : pkg;
    if (n.selfSize) {
      total += n.selfSize;
      add(byPackage, pkg, n.selfSize);
      add(byOwner, here, n.selfSize);
      add(byFunction, `${n.callFrame.functionName || '(anonymous)'} (${pkg})`, n.selfSize);
    }
    for (const c of n.children ?? []) walk(c, here);
  };
  walk(head, '(node internals only)');
  const top = (m: Map<string, number>): [string, number][] =>
    [...m]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 12)
      .map(([k, v]) => [k, Math.round((1000 * v) / total) / 10]);
  return { total_mb: Math.round(total / 1048576), by_package: top(byPackage), by_owner: top(byOwner), by_function: top(byFunction) };
}

if (require.main === module) {
  const file = process.argv[2];
  if (!file) throw new Error('usage: heap-summary <file.heapprofile> [--out file]');
  const i = process.argv.indexOf('--out');
  const out = i > 0 ? process.argv[i + 1] : join(__dirname, '..', '..', '..', 'bench', 'results', 'heap-summary.json');
  const doc = { profile: file.split('/').pop(), ...summarize((JSON.parse(readFileSync(file, 'utf8')) as { head: ProfileNode }).head) };
  writeJson(out, doc);
  process.stdout.write(`${JSON.stringify(doc, null, 2)}\n(written to ${out})\n`);
}
