import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import type { ControlResult } from './execute';

const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

/** The console table: control, tests, result, seconds. */
export function table(results: readonly ControlResult[]): string {
  const rows = [
    ['control', 'tests', 'result', 'seconds'],
    ...results.map((r) => [r.name, r.tests.map((t) => t.split('/').pop()).join(', '), r.result, String(r.seconds)]),
  ];
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  return rows.map((r) => r.map((c, i) => c.padEnd(widths[i])).join('  ')).join('\n');
}

const HEADER = ['| control | tests | result | seconds | what the tests said | run at |', '| --- | --- | --- | --- | --- | --- |'];

/** The rows of a results file, by control name. */
function readRows(path: string): Map<string, string> {
  const rows = new Map<string, string>();
  if (!existsSync(path)) return rows;
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    const name = /^\| `([a-z0-9-]+)` \|/.exec(line)?.[1];
    if (name) rows.set(name, line);
  }
  return rows;
}

/**
 * Records results in `path` (docs/controls-run.md): one row per control, a new run's
 * row replacing the control's old one, so a run of one control keeps the others' rows.
 * Controls no longer in the registry are dropped.
 */
export function record(path: string, results: readonly ControlResult[], registered: readonly string[], machine: string): void {
  const rows = readRows(path);
  const at = new Date().toISOString().slice(0, 16).replace('T', ' ');
  for (const r of results) {
    rows.set(r.name, `| \`${r.name}\` | ${r.tests.map((t) => `\`${t}\``).join(', ')} | ${r.result} | ${r.seconds} | ${cell(r.detail)} | ${at} |`);
  }
  const kept = registered.filter((n) => rows.has(n)).map((n) => rows.get(n) as string);
  const text = [
    '# Negative controls: the last run of each',
    '',
    'Written by `npm run test:controls` (test/controls/run.ts); do not edit by hand. Each row',
    'is the last run of that control: its patch applied in a scratch copy of the tree, built',
    'when a test needs dist/, its tests run. `caught` means every listed test failed. The',
    'seconds include the copy and the build; the machine the rows were measured on:',
    `${machine}.`,
    '',
    ...HEADER,
    ...kept,
    '',
  ].join('\n');
  writeFileSync(path, text);
}

const START = '<!-- controls-run:start -->';
const END = '<!-- controls-run:end -->';

/**
 * The time and result of each control's last run, from the results file, into the
 * marked block of `docPath` (docs/testing.md), so the claims page shows what each
 * control costs. A page without the markers is left alone.
 */
export function recordTimes(docPath: string, resultsPath: string): void {
  const doc = readFileSync(docPath, 'utf8');
  const [from, to] = [doc.indexOf(START), doc.indexOf(END)];
  if (from < 0 || to < from) return;
  const rows = [...readRows(resultsPath).values()].map((line) => {
    const [name, , result, seconds] = line.split(' | ').map((c) => c.replace(/^\| /, ''));
    return `| ${name} | ${result} | ${seconds} |`;
  });
  const block = [START, '| control | last result | seconds |', '| --- | --- | --- |', ...rows, END].join('\n');
  writeFileSync(docPath, doc.slice(0, from) + block + doc.slice(to + END.length));
}
