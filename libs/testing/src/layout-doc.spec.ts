import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The layout tables of README.md and docs/development.md name every folder of apps/ and
 * libs/ and no other, and each library row lists the libraries the lint lets it use.
 */
const root = join(__dirname, '..', '..', '..');
// An ES module: read in a child process, as Jest's module system does not load one.
const { APPS, LIBRARY_USES } = JSON.parse(
  execFileSync(
    process.execPath,
    [
      '--input-type=module',
      '-e',
      "const m = await import('./eslint.layout.mjs'); process.stdout.write(JSON.stringify({ APPS: m.APPS, LIBRARY_USES: m.LIBRARY_USES }));",
    ],
    { cwd: root, encoding: 'utf8' },
  ),
) as { APPS: string[]; LIBRARY_USES: Record<string, string[]> };
const folders = (dir: string) =>
  readdirSync(join(root, dir), { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => `${dir}/${d.name}`)
    .sort();

function layoutRows(file: string): Map<string, string> {
  const doc = readFileSync(join(root, file), 'utf8');
  const start = doc.indexOf('## Layout');
  const section = doc.slice(start, doc.indexOf('\n## ', start + 1));
  const rows = new Map<string, string>();
  for (const line of section.split('\n')) {
    const m = /^\| `((?:apps|libs)\/[^/`]+)\/` \| .* \| (.*) \|$/.exec(line);
    if (m) rows.set(m[1], m[2]);
  }
  return rows;
}

describe.each(['README.md', 'docs/development.md'])('the layout section of %s', (file) => {
  const rows = layoutRows(file);

  it('names every app and library folder, and only those', () => {
    expect([...rows.keys()].sort()).toEqual([...folders('apps'), ...folders('libs')].sort());
  });

  it('agrees with the lint on the apps and on what each library may use', () => {
    expect(folders('apps')).toEqual(APPS.map((a) => `apps/${a}`).sort());
    expect(folders('libs')).toEqual(
      Object.keys(LIBRARY_USES)
        .map((l) => `libs/${l}`)
        .sort(),
    );
    for (const [lib, uses] of Object.entries(LIBRARY_USES)) {
      const named = [...(rows.get(`libs/${lib}`) ?? '').matchAll(/`@calm\/([a-z-]+)`/g)].map((m) => m[1]).sort();
      expect({ lib, named }).toEqual({ lib, named: [...uses].sort() });
    }
  });
});
