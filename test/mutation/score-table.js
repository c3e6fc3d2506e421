// The mutation score per module, from Stryker's JSON report: `npm run test:mutation` runs
// this after Stryker. It writes the reduced summary (test/mutation/score.json, committed)
// and the section of docs/testing.md between the mutation markers, rendered from that
// summary alone, so libs/testing/src/mutation-doc.spec.ts can check the two agree.
const { readFileSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');
const { modules } = require('./modules');

const root = join(__dirname, '../..');
const REPORT = 'reports/mutation/mutation.json';
const SUMMARY = 'test/mutation/score.json';
const DOC = 'docs/testing.md';
const BEGIN = '<!-- mutation:begin -->';
const END = '<!-- mutation:end -->';
/** The score every module must reach (stryker.config.mjs `thresholds.break` too). */
const MINIMUM = 85;

const fileOf = (entry) => entry.replace(/:\d+-\d+$/, '');

/** Counts per module (Stryker's statuses) and every surviving or uncovered mutant, by place. */
function summarize(report, moduleList = modules()) {
  const result = { minimum: MINIMUM, modules: [], survivors: [] };
  for (const m of moduleList) {
    const counts = { killed: 0, timeout: 0, survived: 0, noCoverage: 0, ignored: 0, compileError: 0 };
    const files = m.files.map(fileOf);
    const missing = files.filter((f) => !report.files[f]);
    // A module the run did not reach is listed as not measured, never given a score.
    if (missing.length === files.length) {
      result.modules.push({ name: m.name, files: m.files, measured: false, score: null });
      continue;
    }
    if (missing.length > 0) throw new Error(`${missing.join(', ')}: not in the mutation report, while other files of ${m.name} are`);
    for (const file of files) {
      const entry = report.files[file];
      for (const mutant of entry.mutants) {
        const key = { Killed: 'killed', Timeout: 'timeout', Survived: 'survived', NoCoverage: 'noCoverage', Ignored: 'ignored', CompileError: 'compileError' }[
          mutant.status
        ];
        if (!key) throw new Error(`${file}: mutant ${mutant.id} has status ${mutant.status} (an unfinished run?)`);
        counts[key]++;
        if (key === 'survived' || key === 'noCoverage') {
          result.survivors.push({
            file,
            line: mutant.location.start.line,
            mutator: mutant.mutatorName,
            replacement: mutant.replacement ?? '',
            status: mutant.status,
          });
        }
      }
    }
    const detected = counts.killed + counts.timeout;
    const valid = detected + counts.survived + counts.noCoverage;
    result.modules.push({ name: m.name, files: m.files, measured: true, ...counts, score: valid === 0 ? null : Math.floor((1000 * detected) / valid) / 10 });
  }
  result.survivors.sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line);
  return result;
}

const cell = (s) => String(s).replace(/\|/g, '\\|').replace(/\n/g, ' ');

/** The docs/testing.md section, from the summary alone. */
function renderSection(summary) {
  const rows = summary.modules.map((m) =>
    m.measured
      ? `| ${m.name} | ${m.files.map((f) => `\`${f}\``).join(', ')} | ${m.score === null ? 'n/a' : `${m.score} %`} | ${m.killed} | ${m.timeout} | ${m.survived} | ${m.noCoverage} | ${m.ignored} | ${m.compileError} |`
      : `| ${m.name} | ${m.files.map((f) => `\`${f}\``).join(', ')} | not measured | | | | | | |`,
  );
  const survivors = summary.survivors.length
    ? summary.survivors.map((s) => `- \`${s.file}:${s.line}\` ${s.mutator} (${s.status}): \`\` ${cell(s.replacement).slice(0, 80)} \`\``)
    : ['None.'];
  return [
    BEGIN,
    '## Mutation testing of the pure core',
    '',
    '`npm run test:mutation` runs StrykerJS (`stryker.config.mjs`, TypeScript checker, Jest runner over the',
    'unit specs of these libraries only, `test/mutation/jest.config.js`) and then',
    '`test/mutation/score-table.js`, which reduces the JSON report to `test/mutation/score.json`',
    '(committed) and writes this section from it; `libs/testing/src/mutation-doc.spec.ts` fails when',
    `the two differ or a measured module is below ${summary.minimum} %. The modules are listed in \`test/mutation/modules.js\`;`,
    'a module marked *not measured* has no result in the committed report.',
    '',
    'Score = (killed + timed out) / (killed + timed out + survived + no coverage). Ignored: static',
    'mutants (code that runs as a module loads, such as the zod schemas and the ISO 4217 table:',
    'each would reload every related spec, about 80 % of the run on this machine, so',
    '`ignoreStatic` leaves them out) and mutants disabled in the source with a',
    '`// Stryker disable next-line <mutator>: <why>` comment naming why they are equivalent.',
    'Mutants the TypeScript checker refuses (compile errors) are not counted.',
    'Under Stryker a property runs `FUZZ_RUNS` (100) cases and stops at its first failure',
    '(`test/mutation/fast-check.setup.js`).',
    '',
    '| module | files | score | killed | timed out | survived | no coverage | ignored | compile errors |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    ...rows,
    '',
    'Surviving and uncovered mutants:',
    '',
    ...survivors,
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

/** One report from several (runs over disjoint sets of files, e.g. `stryker run --mutate ...`). */
const merged = (paths) => ({ files: Object.assign({}, ...paths.map((p) => JSON.parse(readFileSync(join(root, p), 'utf8')).files)) });

if (require.main === module) {
  const args = process.argv.slice(2);
  const summary = summarize(merged(args.length > 0 ? args : [REPORT]));
  writeFileSync(join(root, SUMMARY), `${JSON.stringify(summary, null, 2)}\n`);
  const docPath = join(root, DOC);
  writeFileSync(docPath, replaceSection(readFileSync(docPath, 'utf8'), renderSection(summary)));
  for (const m of summary.modules) process.stdout.write(`${m.name}: ${m.measured ? `${m.score} %` : 'not measured'}\n`);
  const low = summary.modules.filter((m) => !m.measured || m.score === null || m.score < MINIMUM);
  if (low.length > 0) {
    process.stderr.write(`below ${MINIMUM} % or not measured: ${low.map((m) => m.name).join(', ')}\n`);
    process.exitCode = 1;
  }
}

module.exports = { BEGIN, END, MINIMUM, SUMMARY, currentSection, renderSection, replaceSection, summarize };
