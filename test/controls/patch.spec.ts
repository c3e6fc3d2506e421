import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { applyPatch, applyPatches } from './patch';
import { verdict } from './execute';
import { loadControls, repoRoot } from './registry';
import { SUBSETS } from './subsets';

describe('a control patch', () => {
  const patch = (find: string, replace = 'X') => ({ file: 'a.ts', find, replace });

  it('replaces its one occurrence', () => {
    expect(applyPatch('const a = 1;\nconst b = 2;\n', patch('b = 2', 'b = 3'))).toBe('const a = 1;\nconst b = 3;\n');
  });

  it('no longer applies when its text is gone', () => {
    expect(() => applyPatch('const a = 1;\n', patch('b = 2'))).toThrow('a.ts: the find text occurs 0 times, expected once (the control no longer applies)');
  });

  it('does not apply where its text occurs twice', () => {
    expect(() => applyPatch('x; x;', patch('x;'))).toThrow('occurs 2 times');
  });

  it('patches files in a tree in order, a later patch seeing an earlier one', () => {
    const root = mkdtempSync(join(tmpdir(), 'patch-spec-'));
    try {
      mkdirSync(join(root, 'src'));
      writeFileSync(join(root, 'src/a.ts'), 'lock(); read();\n');
      applyPatches(root, [
        { file: 'src/a.ts', find: 'lock(); ', replace: '' },
        { file: 'src/a.ts', find: 'read();', replace: 'read(); write();' },
      ]);
      expect(readFileSync(join(root, 'src/a.ts'), 'utf8')).toBe('read(); write();\n');
      expect(() => applyPatches(root, [{ file: 'src/a.ts', find: 'lock();', replace: '' }])).toThrow('occurs 0 times');
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});

describe("a control's verdict", () => {
  const file = (name: string, statuses: string[], message = '') => ({
    name: `/r/${name}`,
    message,
    assertionResults: statuses.map((status) => ({
      status,
      failureMessages: status === 'failed' ? ['Error: expect(x).toBe(y)\nExpected: 0\nReceived: 11'] : [],
    })),
  });

  it('is caught only when every listed test file failed', () => {
    expect(verdict('/r', ['a.spec.ts', 'b.spec.ts'], { testResults: [file('a.spec.ts', ['failed']), file('b.spec.ts', ['failed', 'passed'])] }).result).toBe(
      'caught',
    );
    expect(verdict('/r', ['a.spec.ts', 'b.spec.ts'], { testResults: [file('a.spec.ts', ['failed']), file('b.spec.ts', ['passed'])] })).toEqual({
      result: 'not caught',
      detail: 'passed under the patch: b.spec.ts',
    });
  });

  it('is an error when a suite did not load or did not run', () => {
    expect(verdict('/r', ['a.spec.ts'], { testResults: [file('a.spec.ts', [], 'SyntaxError: Unexpected token')] }).result).toBe('error');
    expect(verdict('/r', ['a.spec.ts'], { testResults: [] }).result).toBe('error');
  });
});

describe('the registry', () => {
  it('loads every test/controls/*.controls.ts, names unique, every file it names present', () => {
    expect(loadControls().length).toBeGreaterThan(0);
  });

  it('names in its subsets only controls it has', () => {
    const names = new Set(loadControls().map((c) => c.name));
    expect(Object.entries(SUBSETS).flatMap(([subset, list]) => list.filter((n) => !names.has(n)).map((n) => `${subset}: ${n}`))).toEqual([]);
  });

  it('every control still applies to the tree as it is (each find once, in order)', () => {
    const stale = loadControls().flatMap((c) => {
      const files = new Map<string, string>();
      try {
        for (const p of c.patches) files.set(p.file, applyPatch(files.get(p.file) ?? readFileSync(join(repoRoot, p.file), 'utf8'), p));
        return [];
      } catch (e) {
        return [`${c.name}: ${(e as Error).message}`];
      }
    });
    expect(stale).toEqual([]);
  });
});
