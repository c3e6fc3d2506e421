// `npm run test:mutation [-- <module> ...]`: Stryker once per module (all of them, or the
// ones named by name or file-name form), one after another: a run over everything at once
// did not finish on the shared 2-core machine, and a module's result is worth keeping
// while the next one runs. After each run the module's result, with the date, the commit
// and the run's wall time, goes into test/mutation/score.json and docs/testing.md.
const { spawnSync, execFileSync } = require('node:child_process');
const { readFileSync } = require('node:fs');
const { join } = require('node:path');
const { MODULE_VARIABLE, modules, slug } = require('./modules');
const table = require('./score-table');

const root = join(__dirname, '../..');
const git = (...args) => execFileSync('git', args, { cwd: root, encoding: 'utf8' }).trim();

/** The modules the arguments name (every module when none). */
function chosen(args, all = modules()) {
  if (args.length === 0) return all;
  return args.map((a) => {
    const m = all.find((x) => x.name === a || slug(x.name) === a);
    if (!m) throw new Error(`${a}: no such module (test/mutation/modules.js lists ${all.map((x) => slug(x.name)).join(', ')})`);
    return m;
  });
}

/**
 * Which commit a run measured: HEAD, and the module's files and specs that differ from it
 * (a result measured on uncommitted code is not the commit's; score-table.js refuses it).
 */
function commitOf(m) {
  const paths = [...m.files.map((f) => f.replace(/:\d+-\d+$/, '')), ...m.tests];
  const changed = git('status', '--porcelain', '--', ...paths)
    .split('\n')
    .filter(Boolean)
    .map((l) => l.slice(3));
  return { commit: git('rev-parse', '--short=12', 'HEAD'), ...(changed.length > 0 && { uncommitted: changed }) };
}

function runModule(m) {
  const { commit, uncommitted } = commitOf(m);
  const started = new Date();
  process.stdout.write(`\n== ${m.name}: stryker run (${MODULE_VARIABLE}=${slug(m.name)})\n`);
  const result = spawnSync('npx', ['stryker', 'run'], { cwd: root, stdio: 'inherit', env: { ...process.env, [MODULE_VARIABLE]: slug(m.name) } });
  const seconds = Math.round((Date.now() - started.getTime()) / 1000);
  if (result.status !== 0) throw new Error(`${m.name}: stryker exited ${result.status ?? result.signal} after ${seconds} s`);
  const report = JSON.parse(readFileSync(join(root, 'reports/mutation', `${slug(m.name)}.json`), 'utf8'));
  const run = { date: `${started.toISOString().slice(0, 16).replace('T', ' ')} UTC`, commit, seconds, ...(uncommitted && { uncommitted }) };
  const entry = table.measure(report, m, run);
  table.writeSummary(table.merge(table.readSummary(), entry));
  process.stdout.write(`== ${m.name}: ${entry.measured ? `${entry.score} %` : 'not measured'} in ${seconds} s\n`);
}

if (require.main === module) {
  // A module whose run fails is reported at the end; the next ones still run.
  const failed = [];
  for (const m of chosen(process.argv.slice(2))) {
    try {
      runModule(m);
    } catch (err) {
      failed.push(err.message);
    }
  }
  const found = [...failed, ...table.problems(table.readSummary())];
  for (const p of found) process.stderr.write(`${p}\n`);
  if (found.length > 0) process.exitCode = 1;
}

module.exports = { chosen };
