// The mutation score per module, from Stryker's JSON reports: test/mutation/run.js calls
// this after each module's run. It keeps the reduced summary (test/mutation/score.json,
// committed: each module's last result with the run that measured it) and the section of
// docs/testing.md between the mutation markers, rendered from that summary alone, so
// libs/testing/src/mutation-doc.spec.ts can check the two agree.
const { readFileSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');
const { modules } = require('./modules');
const equivalent = require('./equivalent');

const root = join(__dirname, '../..');
const SUMMARY = 'test/mutation/score.json';
const DOC = 'docs/testing.md';
const BEGIN = '<!-- mutation:begin -->';
const END = '<!-- mutation:end -->';
/** The score every module must reach (stryker.config.mjs `thresholds.break` too). */
const MINIMUM = 85;

const fileOf = (entry) => entry.replace(/:\d+-\d+$/, '');

const STATUS = {
  Killed: 'killed',
  Timeout: 'timeout',
  Survived: 'survived',
  NoCoverage: 'noCoverage',
  Ignored: 'ignored',
  CompileError: 'compileError',
  RuntimeError: 'runtimeError',
};

/**
 * One module's result from a Stryker report: counts by status, the score, and every
 * surviving or uncovered mutant by place; `run` (date, commit, seconds) says which run
 * measured it. A module the report does not reach is not measured, never given a score.
 */
function measure(report, m, run, equivalents = equivalent) {
  const files = m.files.map(fileOf);
  const missing = files.filter((f) => !report.files[f]);
  if (missing.length === files.length) return { name: m.name, files: m.files, measured: false, score: null };
  if (missing.length > 0) throw new Error(`${missing.join(', ')}: not in the mutation report, while other files of ${m.name} are`);
  const counts = { killed: 0, timeout: 0, survived: 0, noCoverage: 0, ignored: 0, compileError: 0, runtimeError: 0 };
  const survivors = [];
  for (const file of files) {
    const lines = (report.files[file].source ?? '').split('\n');
    for (const mutant of report.files[file].mutants) {
      const key = STATUS[mutant.status];
      if (!key) throw new Error(`${file}: mutant ${mutant.id} has status ${mutant.status} (an unfinished run?)`);
      counts[key]++;
      if (key === 'survived' || key === 'noCoverage') {
        const survivor = { file, line: mutant.location.start.line, mutator: mutant.mutatorName, replacement: mutant.replacement ?? '', status: mutant.status };
        const why = equivalence(survivor, lines, mutant.location, equivalents);
        survivors.push(why ? { ...survivor, equivalent: why } : survivor);
      }
    }
  }
  survivors.sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line);
  const detected = counts.killed + counts.timeout;
  const valid = detected + counts.survived + counts.noCoverage;
  const score = valid === 0 ? null : Math.floor((1000 * detected) / valid) / 10;
  return { name: m.name, files: m.files, measured: true, ...counts, score, ...(run && { run }), survivors };
}

/** Why a survivor is equivalent, from test/mutation/equivalent.js (undefined: not known to be). */
function equivalence(survivor, lines, location, equivalents) {
  const line = lines[location.start.line - 1] ?? '';
  const original = location.end.line === location.start.line ? line.slice(location.start.column - 1, location.end.column - 1) : undefined;
  const entry = equivalents.find(
    (e) =>
      e.file === survivor.file && e.mutator === survivor.mutator && e.replacement === survivor.replacement && e.original === original && line.includes(e.code),
  );
  return entry?.why;
}

/** Every module of `moduleList` measured from one report (a run over all of them). */
function summarize(report, moduleList = modules(), run = undefined) {
  return { minimum: MINIMUM, modules: moduleList.map((m) => measure(report, m, run)) };
}

/**
 * The summary after one module's run: `fresh` replaces its module's entry; every other
 * module keeps its last result while its files are unchanged (a module whose files were
 * renamed or regrouped since is not measured until it runs again).
 */
function merge(previous, fresh, moduleList = modules()) {
  const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);
  return {
    minimum: MINIMUM,
    modules: moduleList.map((m) => {
      const kept = [fresh, ...(previous?.modules ?? [])].find((e) => e.name === m.name);
      return kept && same(kept.files, m.files) ? kept : { name: m.name, files: m.files, measured: false, score: null };
    }),
  };
}

/**
 * What keeps the summary from standing as the proof of the bar: a module not measured, a
 * score under the minimum, a result without the run that measured it (date, commit, time),
 * or one measured with uncommitted changes to its files or specs.
 */
function problems(summary) {
  return summary.modules.flatMap((m) => {
    if (!m.measured) return [`${m.name}: not measured`];
    const out = [];
    if (m.score === null || m.score < summary.minimum) out.push(`${m.name}: ${m.score ?? 'no'} % is under ${summary.minimum} %`);
    if (!m.run || !m.run.date || !m.run.commit || !(m.run.seconds >= 0)) out.push(`${m.name}: no run date, commit and time`);
    else if (m.run.uncommitted?.length) out.push(`${m.name}: measured with uncommitted changes to ${m.run.uncommitted.join(', ')}`);
    return out;
  });
}

const cell = (s) => String(s).replace(/\|/g, '\\|').replace(/\n/g, ' ');

const runCell = (run) => (run ? `${run.date}, \`${run.commit}\`, ${run.seconds} s` : '');

/** The docs/testing.md section, from the summary alone. */
function renderSection(summary) {
  const rows = summary.modules.map((m) =>
    m.measured
      ? `| ${m.name} | ${m.files.map((f) => `\`${f}\``).join(', ')} | ${m.score === null ? 'n/a' : `${m.score} %`} | ${m.killed} | ${m.timeout} | ${m.survived} | ${m.noCoverage} | ${m.ignored} | ${m.compileError} | ${m.runtimeError ?? 0} | ${runCell(m.run)} |`
      : `| ${m.name} | ${m.files.map((f) => `\`${f}\``).join(', ')} | not measured | | | | | | | | |`,
  );
  const survivors = summary.modules
    .filter((m) => m.survivors?.length)
    .flatMap((m) => [
      `${m.name}:`,
      '',
      ...m.survivors.map(
        (s) =>
          `- \`${s.file}:${s.line}\` ${s.mutator} (${s.status}): \`\` ${cell(s.replacement).slice(0, 80)} \`\`${s.equivalent ? `; equivalent: ${s.equivalent}` : ''}`,
      ),
      '',
    ]);
  return [
    BEGIN,
    '## Mutation testing of the pure core',
    '',
    '`npm run test:mutation` (`test/mutation/run.js`) runs StrykerJS once per module, one module',
    'after another (`stryker.config.mjs`: TypeScript checker, Jest runner, one checker and one test',
    "runner, an incremental file per module under `reports/mutation/`); each module's mutants are",
    'judged by the specs `test/mutation/modules.js` lists for it (`test/mutation/jest.config.js`).',
    '`npm run test:mutation -- <module>` runs one module. After each run',
    "`test/mutation/score-table.js` puts that module's result into `test/mutation/score.json`",
    '(committed; the other modules keep theirs) and writes this section from it;',
    '`libs/testing/src/mutation-doc.spec.ts` fails when the two differ, or when a module is not',
    `measured, is under ${summary.minimum} %, lacks its run or was measured with uncommitted changes to its files or specs.`,
    'Run: when (UTC), the commit measured, and the wall time of that Stryker run on the shared',
    '2-core development machine. A run is incremental: it reuses the result of each mutant whose',
    'code and covering tests are unchanged since the last run on the machine, so its time is that',
    'of the run, not of a full one. A survivor known to be equivalent (`test/mutation/equivalent.js`)',
    'stays counted as survived, with the reason beside it.',
    '',
    'Score = (killed + timed out) / (killed + timed out + survived + no coverage). Ignored: static',
    'mutants (code that runs as a module loads, such as the zod schemas and the ISO 4217 table:',
    'each would reload every related spec, about 80 % of the run on this machine, so',
    '`ignoreStatic` leaves them out) and mutants disabled in the source with a',
    '`// Stryker disable next-line <mutator>: <why>` comment naming why they are equivalent.',
    'Mutants the TypeScript checker refuses (compile errors) and mutants that break the test run itself',
    '(runtime errors: Jest could not run the specs) are not counted.',
    'Under Stryker a property runs `FUZZ_RUNS` (100) cases and stops at its first failure',
    '(`test/mutation/fast-check.setup.js`).',
    '',
    '| module | files | score | killed | timed out | survived | no coverage | ignored | compile errors | runtime errors | run |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    ...rows,
    '',
    'Surviving and uncovered mutants:',
    '',
    ...(survivors.length ? survivors.slice(0, -1) : ['None.']),
    END,
  ].join('\n');
}

/** `doc` with its mutation section replaced (appended at the end when it has none). */
function replaceSection(doc, section) {
  const start = doc.indexOf(BEGIN);
  const end = doc.indexOf(END);
  if (start < 0 || end < start) return `${doc.replace(/\n*$/, '\n\n')}${section}\n`;
  return doc.slice(0, start) + section + doc.slice(end + END.length);
}

/** The section as docs/testing.md holds it now (undefined without markers). */
function currentSection(doc) {
  const start = doc.indexOf(BEGIN);
  const end = doc.indexOf(END);
  return start < 0 || end < start ? undefined : doc.slice(start, end + END.length);
}

const readSummary = () => JSON.parse(readFileSync(join(root, SUMMARY), 'utf8'));

/** Writes the summary and the docs/testing.md section rendered from it. */
function writeSummary(summary) {
  writeFileSync(join(root, SUMMARY), `${JSON.stringify(summary, null, 2)}\n`);
  const docPath = join(root, DOC);
  writeFileSync(docPath, replaceSection(readFileSync(docPath, 'utf8'), renderSection(summary)));
}

// `node test/mutation/score-table.js`: the summary and the section rendered again, each
// measured module read again from its run's report under reports/mutation when this
// machine has it (after an edit of equivalent.js, say), its run kept; the runs themselves
// go through run.js.
if (require.main === module) {
  const { slug } = require('./modules');
  const { existsSync } = require('node:fs');
  const previous = readSummary();
  const again = previous.modules.map((m) => {
    const report = join(root, 'reports/mutation', `${slug(m.name)}.json`);
    return m.measured && existsSync(report) ? measure(JSON.parse(readFileSync(report, 'utf8')), m, m.run) : m;
  });
  const summary = again.reduce((s, entry) => merge(s, entry), previous);
  writeSummary(summary);
  const found = problems(summary);
  for (const p of found) process.stderr.write(`${p}\n`);
  if (found.length > 0) process.exitCode = 1;
}

module.exports = {
  BEGIN,
  END,
  MINIMUM,
  SUMMARY,
  currentSection,
  measure,
  merge,
  problems,
  readSummary,
  renderSection,
  replaceSection,
  summarize,
  writeSummary,
};
