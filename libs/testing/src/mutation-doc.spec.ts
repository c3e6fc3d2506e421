import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The mutation score table in docs/testing.md is what test/mutation/score-table.js renders
 * from the committed summary, and every module of the pure core is at the bar.
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
  location: { start: { line } },
});

describe('mutation score table', () => {
  it('docs/testing.md holds the section rendered from test/mutation/score.json', () => {
    const doc = readFileSync(join(root, 'docs/testing.md'), 'utf8');
    expect(table.currentSection(doc)).toBe(table.renderSection(summary));
  });

  it('lists the modules test/mutation/modules.js names, each measured one at the minimum or above', () => {
    expect(summary.modules.map((m: { name: string }) => m.name)).toEqual(modules().map((m: { name: string }) => m.name));
    for (const m of summary.modules.filter((x: { measured: boolean }) => x.measured)) {
      expect({ module: m.name, atLeast: m.score >= table.MINIMUM }).toEqual({ module: m.name, atLeast: true });
    }
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

  it('scores (killed + timed out) over the mutants that ran, leaving ignored and compile errors out', () => {
    const report = {
      files: {
        'a.ts': { mutants: [mutant('Killed'), mutant('Timeout'), mutant('Survived', 7), mutant('Ignored'), mutant('CompileError')] },
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
    expect(s.modules[1]).toMatchObject({ killed: 2, timeout: 1, survived: 1, noCoverage: 1, ignored: 1, compileError: 1 });
    expect(s.survivors.map((x: { file: string; line: number }) => `${x.file}:${x.line}`)).toEqual(['a.ts:7', 'a.ts:7', 'b.ts:3']);
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
