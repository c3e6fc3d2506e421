import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Control } from './control';

/** The repository root (this file is test/controls/registry.ts). */
export const repoRoot = join(__dirname, '..', '..');

/**
 * Every control of every `test/controls/*.controls.ts` file (one file per area, each
 * default-exporting an array), checked: names unique and kebab-case, at least one patch
 * and one test, every file it names exists.
 */
export function loadControls(dir = __dirname, root = repoRoot): Control[] {
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.controls.ts'))
    .sort();
  const controls = files.flatMap((f) => {
    const loaded = (require(join(dir, f)) as { default?: Control[] }).default;
    if (!Array.isArray(loaded)) throw new Error(`${f}: the default export must be an array of controls`);
    return loaded;
  });
  const problems = controls.flatMap((c) => controlProblems(c, root));
  const seen = new Set<string>();
  for (const c of controls) {
    if (seen.has(c.name)) problems.push(`${c.name}: the name is used twice`);
    seen.add(c.name);
  }
  if (problems.length > 0) throw new Error(`control registry:\n  ${problems.join('\n  ')}`);
  return controls;
}

function controlProblems(c: Control, root: string): string[] {
  const problems: string[] = [];
  if (!/^[a-z0-9]+(-[a-z0-9]+)*$/.test(c.name)) problems.push(`${c.name}: the name must be kebab-case`);
  if (!c.breaks) problems.push(`${c.name}: says nothing it breaks`);
  if (c.patches.length === 0) problems.push(`${c.name}: no patch`);
  if (c.tests.length === 0) problems.push(`${c.name}: no test`);
  for (const f of [...c.patches.map((p) => p.file), ...c.tests]) if (!existsSync(join(root, f))) problems.push(`${c.name}: ${f} does not exist`);
  return problems;
}
