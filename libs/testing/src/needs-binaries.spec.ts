import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The skip logic of jest.config.js: a missing binary fails a run unless the person running it opts out. */
const root = join(__dirname, '../../..');
const needs = require(join(root, 'test/support/needs-binaries.js'));
const { expectedSuites } = require(join(root, 'test/support/expected-suites.js'));

// Built from parts, so that this file does not itself read as one that needs nats-server.
const natsUser = ['start', 'NatsServer'].join('');
const pgUser = ['start', 'PostgresServer'].join('');
const nowhere = { PATH: '/nonexistent', NATS_SERVER_BIN: '/nonexistent/nats-server', PG_BIN_DIR: '/nonexistent' };

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'needs-binaries-'));
  mkdirSync(join(dir, 'test/e2e'), { recursive: true });
  mkdirSync(join(dir, 'libs/x/src'), { recursive: true });
  writeFileSync(join(dir, 'test/e2e/broker.e2e-spec.ts'), `await ${natsUser}();`);
  writeFileSync(join(dir, 'test/e2e/db.e2e-spec.ts'), `await ${pgUser}();`);
  writeFileSync(join(dir, 'libs/x/src/pure.spec.ts'), 'expect(1).toBe(1);');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('missing binaries', () => {
  it('finds the binaries the environment points at, and misses them where it points nowhere', () => {
    expect(needs.missingBinaries(nowhere).map((b: { name: string }) => b.name)).toEqual(['nats-server', 'initdb']);
    expect(needs.missingBinaries({ ...nowhere, NATS_SERVER_BIN: process.execPath, PG_BIN_DIR: join(dir, 'bin') }).map((b: { name: string }) => b.name)).toEqual(
      ['initdb'],
    );
  });

  it('leaves nothing out without the opt-out, however much is missing', () => {
    expect(needs.ignoredForMissingBinaries(dir, nowhere)).toEqual([]);
    expect(needs.ignoredForMissingBinaries(dir, { ...nowhere, CALM_ALLOW_MISSING_BINARIES: 'yes' })).toEqual([]);
  });

  it('with CALM_ALLOW_MISSING_BINARIES=1, leaves out exactly the files that need a missing binary', () => {
    const ignored = needs.ignoredForMissingBinaries(dir, { ...nowhere, CALM_ALLOW_MISSING_BINARIES: '1' });
    expect(ignored).toEqual(['<rootDir>/test/e2e/broker\\.e2e-spec\\.ts', '<rootDir>/test/e2e/db\\.e2e-spec\\.ts']);
    const onlyNats = needs.ignoredForMissingBinaries(dir, { ...nowhere, PG_BIN_DIR: undefined, CALM_ALLOW_MISSING_BINARIES: '1' });
    expect(onlyNats).toContain('<rootDir>/test/e2e/broker\\.e2e-spec\\.ts');
  });

  it('names the install command of each binary a file needs', () => {
    const missing = needs.missingBinaries(nowhere);
    expect(needs.missingFor(join(dir, 'test/e2e/broker.e2e-spec.ts'), missing).map((b: { install: string }) => b.install)).toEqual([
      expect.stringContaining('apt-get install nats-server'),
    ]);
    expect(needs.missingFor(join(dir, 'test/e2e/db.e2e-spec.ts'), missing).map((b: { install: string }) => b.install)).toEqual([
      expect.stringContaining('PG_BIN_DIR'),
    ]);
    expect(needs.missingFor(join(dir, 'libs/x/src/pure.spec.ts'), missing)).toEqual([]);
  });
});

describe('expected suites', () => {
  it('counts the files each selected project matches on disk, ignore patterns aside', () => {
    const counts = expectedSuites(root, ['unit', 'integration']).map((p: { project: string; files: string[] }) => [p.project, p.files.length]);
    expect(counts.map((c: [string, number]) => c[0])).toEqual(['unit', 'integration']);
    const unit = expectedSuites(root, ['unit'])[0].files as string[];
    expect(unit).toContain(__filename);
    expect(unit.every((f) => /\/((apps|libs|bench)\/.+|test\/controls\/[^/]+)\.spec\.ts$/.test(f) && !f.includes('/node_modules/'))).toBe(true);
    const integration = expectedSuites(root, ['integration'])[0].files as string[];
    expect(integration).toContain(join(root, 'test/e2e/canonical-roundtrip.e2e-spec.ts'));
    expect(integration.some((f) => f.endsWith('.spec.ts') && !/(int|e2e)-spec\.ts$/.test(f))).toBe(false);
  });
});
