import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';

/**
 * The layout's rules (eslint.layout.mjs) catch what they say: each violating text gets the
 * rule's error, and its conforming counterpart does not. ESLint runs in a child process: it
 * loads its ESM configuration with import(), which Jest's module system does not provide.
 */
const root = join(__dirname, '..', '..', '..');

interface Case {
  name: string;
  filePath: string;
  code: string;
}

/** The rule ids ESLint reports for each case. */
function lint(cases: Case[]): Record<string, string[]> {
  const script = `
    import { ESLint } from 'eslint';
    const cases = JSON.parse(process.argv[1]);
    const eslint = new ESLint({ cwd: process.cwd() });
    const out = {};
    for (const c of cases) {
      const [result] = await eslint.lintText(c.code, { filePath: c.filePath });
      out[c.name] = result.messages.map((m) => m.ruleId ?? m.message);
    }
    process.stdout.write(JSON.stringify(out));`;
  const stdout = execFileSync(process.execPath, ['--input-type=module', '-e', script, JSON.stringify(cases)], { cwd: root, encoding: 'utf8' });
  return JSON.parse(stdout) as Record<string, string[]>;
}

const RESTRICTED = '@typescript-eslint/no-restricted-imports';
const lines = (n: number) => Array.from({ length: n }, (_, i) => `export const v${i} = ${i};`).join('\n') + '\n';

/** Each import rule's violation and its conforming counterpart: [file, what it exports from where] twice. */
const imports: [string, string, string, string][] = [
  ['libs/pg/src/x.ts', '{ x } from "../../../apps/accounts/src"', 'libs/pg/src/x.ts', '{ sql } from "./sql"'],
  ['apps/accounts/src/x.ts', '{ waitFor } from "@calm/testing"', 'apps/accounts/src/x.int-spec.ts', '{ waitFor } from "@calm/testing"'],
  ['libs/outbox/src/x.ts', '{ waitFor } from "@calm/testing"', 'libs/outbox/src/x.ts', '{ sql } from "@calm/pg"'],
  [
    'apps/replay/src/x.ts',
    '{ AccountStore } from "../../accounts/src/persistence/account.store"',
    'apps/replay/src/x.ts',
    '{ AccountStore } from "../../accounts/src"',
  ],
  ['libs/config/src/x.ts', '{ Injectable } from "@nestjs/common"', 'libs/nest-platform/src/x.ts', '{ Injectable } from "@nestjs/common"'],
  ['libs/pg/src/x.ts', '{ Injectable } from "@nestjs/common"', 'libs/pg/src/x.ts', '{ Logger } from "@nestjs/common"'],
  ['libs/pg/src/x.ts', '{ OutboxRelay } from "@calm/outbox"', 'libs/outbox/src/x.ts', '{ Database } from "@calm/pg"'],
];

const pairs: { rule: string; bad: Omit<Case, 'name'>; good: Omit<Case, 'name'> }[] = [
  ...imports.map(([badPath, bad, goodPath, good]) => ({
    rule: RESTRICTED,
    bad: { filePath: badPath, code: `export ${bad};\n` },
    good: { filePath: goodPath, code: `export ${good};\n` },
  })),
  { rule: 'max-lines', bad: { filePath: 'libs/config/src/x.ts', code: lines(301) }, good: { filePath: 'libs/config/src/x.ts', code: lines(300) } },
];

describe('the layout rules in the lint', () => {
  let dir: string;
  let found: Record<string, string[]>;

  beforeAll(() => {
    // Two real files that import each other: no-cycle follows imports on disk.
    dir = mkdtempSync(join(root, 'libs', 'config', 'src', 'cycle-'));
    writeFileSync(join(dir, 'a.ts'), "import { b } from './b';\nexport const a = (): number => b() + 1;\n");
    writeFileSync(join(dir, 'b.ts'), "import { a } from './a';\nexport const b = (): number => a() - 1;\n");
    writeFileSync(join(dir, 'c.ts'), 'export const c = (): number => 1;\n');
    const rel = relative(root, dir);
    found = lint([
      ...pairs.flatMap((p, i) => [
        { name: `bad${i}`, ...p.bad },
        { name: `good${i}`, ...p.good },
      ]),
      { name: 'cycle', filePath: `${rel}/a.ts`, code: "import { b } from './b';\nexport const a = (): number => b() + 1;\n" },
      { name: 'no-cycle', filePath: `${rel}/a.ts`, code: "import { c } from './c';\nexport const a = (): number => c() + 1;\n" },
    ]);
  }, 120_000);

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it.each(pairs.map((p, i) => [i, p.rule, p.bad.filePath, p.bad.code.split('\n')[0]] as const))('case %i: %s reports %s: %s', (i, rule) => {
    expect(found[`bad${i}`]).toContain(rule);
  });

  it.each(pairs.map((p, i) => [i, p.rule, p.good.filePath, p.good.code.split('\n')[0]] as const))('case %i: %s lets %s pass: %s', (i, rule) => {
    expect(found[`good${i}`]).not.toContain(rule);
  });

  it('reports an import cycle, and not an import that closes none', () => {
    expect(found.cycle).toContain('import-x/no-cycle');
    expect(found['no-cycle']).not.toContain('import-x/no-cycle');
  });
});
