import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The mutation score table in docs/testing.md is what test/mutation/score-table.js renders
 * from the committed summary, and every module of the pure core is measured, at the bar,
 * by a run named by its date, commit and time.
 */
const root = join(__dirname, '../../..');
const table = require(join(root, 'test/mutation/score-table.js'));
const { modules } = require(join(root, 'test/mutation/modules.js'));
const summary = JSON.parse(readFileSync(join(root, table.SUMMARY), 'utf8'));

const mutant = (status: string, line = 1) => ({
  id: `${status}${line}`,
  mutatorName: 'ConditionalExpression',
  replacement: 'true',
  status,
  location: { start: { line, column: 1 }, end: { line, column: 2 } },
});

describe('mutation score table', () => {
  it('docs/testing.md holds the section rendered from test/mutation/score.json', () => {
    const doc = readFileSync(join(root, 'docs/testing.md'), 'utf8');
    expect(table.currentSection(doc)).toBe(table.renderSection(summary));
  });

  it('lists the modules test/mutation/modules.js names, every one measured at the minimum or above by a run on committed code', () => {
    expect(summary.modules.map((m: { name: string }) => m.name)).toEqual(modules().map((m: { name: string }) => m.name));
    expect(table.problems(summary)).toEqual([]);
  });

  const run = { date: '2026-12-06 08:00 UTC', commit: 'abc', seconds: 5 };
  const scored = (name: string, score: number, extra = {}) => ({ name, files: [`${name}.ts`], measured: true, score, run, ...extra });

  it('finds a module not measured, under the minimum, without its run, or measured on uncommitted changes', () => {
    const s = {
      minimum: table.MINIMUM,
      modules: [
        scored('fine', table.MINIMUM),
        { name: 'none', files: ['none.ts'], measured: false, score: null },
        scored('low', table.MINIMUM - 0.1),
        scored('anonymous', 100, { run: undefined }),
        scored('dirty', 100, { run: { ...run, uncommitted: ['dirty.spec.ts'] } }),
      ],
    };
    expect(table.problems(s)).toEqual([
      'none: not measured',
      `low: ${table.MINIMUM - 0.1} % is under ${table.MINIMUM} %`,
      'anonymous: no run date, commit and time',
      'dirty: measured with uncommitted changes to dirty.spec.ts',
    ]);
  });

  it("merges one module's run into the summary: the others keep their results unless their files changed", () => {
    const list = [
      { name: 'a', files: ['a.ts'] },
      { name: 'b', files: ['b.ts'] },
      { name: 'c', files: ['c2.ts'] },
    ];
    const previous = { minimum: table.MINIMUM, modules: [{ ...scored('a', 90), files: ['a.ts'] }, { ...scored('b', 90), files: ['b.ts'] }, scored('c', 90)] };
    const fresh = table.measure({ files: { 'b.ts': { mutants: [mutant('Killed')] } } }, list[1], run);
    const merged = table.merge(previous, fresh, list);
    expect(merged.modules.map((m: { name: string; score: number | null }) => [m.name, m.score])).toEqual([
      ['a', 90],
      ['b', 100],
      ['c', null],
    ]);
    expect(merged.modules[1].run).toEqual(run);
    expect(table.renderSection(merged)).toContain('| 2026-12-06 08:00 UTC, `abc`, 5 s |');
  });

  it('shows a module the run did not reach as not measured, and refuses a module measured in part', () => {
    const s = table.summarize({ files: { 'a.ts': { mutants: [mutant('Killed')] } } }, [
      { name: 'one', files: ['a.ts'] },
      { name: 'none', files: ['b.ts'] },
    ]);
    expect(s.modules[1]).toEqual({ name: 'none', files: ['b.ts'], measured: false, score: null });
    expect(table.renderSection(s)).toContain('| none | `b.ts` | not measured |');
    expect(() => table.summarize({ files: { 'a.ts': { mutants: [] } } }, [{ name: 'part', files: ['a.ts', 'c.ts'] }])).toThrow(
      /c\.ts: not in the mutation report/,
    );
  });

  it('scores (killed + timed out) over the mutants that ran, leaving ignored, compile and runtime errors out', () => {
    const report = {
      files: {
        'a.ts': { mutants: [mutant('Killed'), mutant('Timeout'), mutant('Survived', 7), mutant('Ignored'), mutant('CompileError'), mutant('RuntimeError')] },
        'b.ts': { mutants: [mutant('Killed'), mutant('NoCoverage', 3)] },
      },
    };
    const s = table.summarize(report, [
      { name: 'one', files: ['a.ts'] },
      { name: 'both', files: ['a.ts', 'b.ts:2-9'] },
    ]);
    expect(s.modules.map((m: { name: string; score: number }) => [m.name, m.score])).toEqual([
      ['one', 66.6],
      ['both', 60],
    ]);
    expect(s.modules[1]).toMatchObject({ killed: 2, timeout: 1, survived: 1, noCoverage: 1, ignored: 1, compileError: 1, runtimeError: 1 });
    expect(s.modules[1].survivors.map((x: { file: string; line: number }) => `${x.file}:${x.line}`)).toEqual(['a.ts:7', 'b.ts:3']);
  });

  it('names why a survivor is equivalent when test/mutation/equivalent.js knows it, by the code it replaces', () => {
    const at = (line: number, from: number, to: number) => ({ start: { line, column: from }, end: { line, column: to } });
    const survivor = (id: string, location: ReturnType<typeof at>) => ({
      id,
      mutatorName: 'ConditionalExpression',
      replacement: 'true',
      status: 'Survived',
      location,
    });
    const report = { files: { 'a.ts': { source: 'x\nif (a > 1 && b > 1) go();', mutants: [survivor('1', at(2, 5, 10)), survivor('2', at(2, 14, 19))] } } };
    const known = [{ file: 'a.ts', code: 'if (a > 1', original: 'b > 1', mutator: 'ConditionalExpression', replacement: 'true', why: 'b is never 1' }];
    const m = table.measure(report, { name: 'one', files: ['a.ts'] }, run, known);
    expect(m.survivors.map((x: { equivalent?: string }) => x.equivalent)).toEqual([undefined, 'b is never 1']);
    expect(m.score).toBe(0);
    expect(table.renderSection({ minimum: table.MINIMUM, modules: [m] })).toContain('`` true ``; equivalent: b is never 1');
  });

  it('refuses a report with an unfinished mutant', () => {
    expect(() => table.summarize({ files: { 'a.ts': { mutants: [mutant('Pending')] } } }, [{ name: 'one', files: ['a.ts'] }])).toThrow(/status Pending/);
  });

  it('replaces only the marked section of a document', () => {
    const doc = `# T\n\nkept\n\n${table.BEGIN}\nold\n${table.END}\n`;
    expect(table.replaceSection(doc, `${table.BEGIN}\nnew\n${table.END}`)).toBe(`# T\n\nkept\n\n${table.BEGIN}\nnew\n${table.END}\n`);
    expect(table.replaceSection('# T\n', 'S')).toBe('# T\n\nS\n');
  });
});
