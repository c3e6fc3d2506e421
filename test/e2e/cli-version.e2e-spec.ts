import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Every CLI answers --version from the built dist/ with the project's version, touching no server. */
const root = join(__dirname, '..', '..');
const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };

it.each([
  ['replay', 'dist/apps/replay/src/main.js'],
  ['migrate', 'dist/apps/migrate/src/main.js'],
  ['demo', 'dist/apps/demo/src/main.js'],
  ['bench', 'dist/bench/src/main.js'],
])('%s --version prints its version and exits 0', (name, entry) => {
  // Unreachable servers: a CLI that tried to connect would fail instead of printing.
  const env = { ...process.env, NATS_URL: 'nats://127.0.0.1:1', ACCOUNTS_DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none' };
  const out = execFileSync(process.execPath, [join(root, entry), '--version'], { env, timeout: 20_000 }).toString();
  expect(out.trim()).toBe(`${name} ${version} (calm-accounts, node ${process.versions.node})`);
});
