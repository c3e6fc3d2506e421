import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadControls } from '../../../test/controls/registry';

/**
 * docs/testing.md maps each guarantee to its proving test and its negative controls. It
 * must stay in step with the repository: every test file it names exists, and each row
 * names its controls by their registry names (test/controls/*.controls.ts), every one of
 * which is in the registry, so that `npm run test:controls` executes what the row claims.
 */
const root = join(__dirname, '..', '..', '..');
const doc = readFileSync(join(root, 'docs', 'testing.md'), 'utf8');
const claims = doc.slice(doc.indexOf('## Claims'), doc.indexOf('\n## ', doc.indexOf('## Claims') + 1));
const rows = claims
  .split('\n')
  .filter((l) => l.startsWith('| ') && !l.startsWith('| ---') && !l.startsWith('| claim'))
  .map((l) => l.split(' | ').map((c) => c.replace(/^\| |\s*\|$/g, '').trim()));
const registered = new Set(loadControls().map((c) => c.name));

/** The control names a cell gives: code spans in kebab-case (file paths carry a / or a dot). */
const controlNames = (cell: string): string[] => [...cell.matchAll(/`([a-z0-9]+(?:-[a-z0-9]+)+)`/g)].map((m) => m[1]);

describe('docs/testing.md', () => {
  it('lists claims', () => {
    expect(rows.length).toBeGreaterThanOrEqual(10);
  });

  it('names every control of the registry in some row (a control no claim relies on is a claim the doc hides)', () => {
    const named = new Set(rows.flatMap((r) => controlNames(r[2] ?? '')));
    expect([...registered].filter((n) => !named.has(n))).toEqual([]);
  });

  it('reads control names from a cell, not file paths or options', () => {
    expect(controlNames('`inbox-claim-do-update`, `hold-no-working`: prose; `libs/a-b.ts`, `--force`, `x`')).toEqual([
      'inbox-claim-do-update',
      'hold-no-working',
    ]);
  });

  it.each(rows.map((r) => [r[0].slice(0, 60), r] as const))(
    '%s: names existing test files, and controls that are in the registry',
    (_claim, [claim, proving, control]) => {
      const files = [...`${proving} ${control}`.matchAll(/`([^`\s]+\.(?:spec|int-spec|e2e-spec|soak-spec|reorder-spec)\.ts)`/g)].map((m) => m[1]);
      const proofs = [...proving.matchAll(/`([^`\s]+\.ts)`/g)].map((m) => m[1]);
      const names = controlNames(control);
      expect({ claim, proofs: proofs.length > 0, controls: names.length > 0 }).toEqual({ claim, proofs: true, controls: true });
      expect(files.filter((f) => !existsSync(join(root, f)))).toEqual([]);
      expect({ claim, notInRegistry: names.filter((n) => !registered.has(n)) }).toEqual({ claim, notInRegistry: [] });
    },
  );
});
