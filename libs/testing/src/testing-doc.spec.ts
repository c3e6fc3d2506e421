import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * docs/testing.md maps each guarantee to its proving test and negative control. It must
 * stay in step with the repository: every test file it names exists, and no row lacks
 * a test or a control.
 */
const root = join(__dirname, '..', '..', '..');
const doc = readFileSync(join(root, 'docs', 'testing.md'), 'utf8');
const rows = doc
  .split('\n')
  .filter((l) => l.startsWith('| ') && !l.startsWith('| ---') && !l.startsWith('| claim'))
  .map((l) => l.split(' | ').map((c) => c.replace(/^\| |\s*\|$/g, '').trim()));

describe('docs/testing.md', () => {
  it('lists claims', () => {
    expect(rows.length).toBeGreaterThanOrEqual(10);
  });

  it.each(rows.map((r) => [r[0].slice(0, 60), r] as const))(
    '%s: names existing test files, and a negative control',
    (_claim, [claim, proving, control, seen]) => {
      const files = [...`${proving} ${control} ${seen}`.matchAll(/`([^`\s]+\.(?:spec|int-spec|e2e-spec|soak-spec|reorder-spec)\.ts)`/g)].map((m) => m[1]);
      const proofs = [...proving.matchAll(/`([^`\s]+\.ts)`/g)].map((m) => m[1]);
      expect({ claim, proofs: proofs.length > 0 }).toEqual({ claim, proofs: true });
      expect(files.filter((f) => !existsSync(join(root, f)))).toEqual([]);
      expect(control.length).toBeGreaterThan(10);
      expect(seen.length).toBeGreaterThan(5);
    },
  );
});
