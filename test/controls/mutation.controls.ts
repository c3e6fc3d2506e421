import type { Control } from './control';

/** Controls of the mutation score table, the skip logic and the raw-spelling generators. */
const controls: Control[] = [
  {
    name: 'spelling-whole-string-case',
    breaks: 'the mixed-case generator spells a whole id in one case',
    patches: [{ file: 'libs/testing/src/spelling.arbitraries.ts', find: 'up[i % up.length]', replace: 'up[0]' }],
    tests: ['libs/testing/src/spelling.arbitraries.spec.ts'],
    testNamePattern: 'mixes case within one UUID',
  },
  {
    name: 'spelling-utc-only',
    breaks: 'the instant spelling never leaves UTC',
    patches: [
      {
        file: 'libs/testing/src/spelling.arbitraries.ts',
        find: "return `${date}${choice.t}${hms}${ms}${shifted ? choice.zone.text : 'Z'}`;",
        replace: 'return `${canonical.slice(0, 10)}${choice.t}${canonical.slice(11, 23)}${choice.subMs}Z`;',
      },
    ],
    tests: ['libs/testing/src/spelling.arbitraries.spec.ts'],
    testNamePattern: 'other offsets',
  },
  {
    name: 'uuid-spelling-kept',
    breaks: 'the uuid field keeps the letter case it was sent in',
    patches: [
      {
        file: 'libs/contracts/src/fields.ts',
        find: ".regex(UUID_ANY_CASE, { error: 'must be a UUID' }).toLowerCase()",
        replace: ".regex(UUID_ANY_CASE, { error: 'must be a UUID' })",
      },
    ],
    tests: ['test/reorder/integration/services.spec.ts'],
    testNamePattern: 'trial',
  },
  {
    name: 'missing-binary-skipped-silently',
    breaks: 'a test file that needs a missing binary is left out without the opt-out',
    patches: [{ file: 'test/support/needs-binaries.js', find: "if (env[OPT_OUT] !== '1') return [];", replace: "if (env[OPT_OUT] === 'never') return [];" }],
    tests: ['libs/testing/src/needs-binaries.spec.ts'],
  },
  {
    name: 'mutation-table-drifts',
    breaks: 'the score table in docs/testing.md says other figures than test/mutation/score.json',
    patches: [
      { file: 'test/mutation/score-table.js', find: "m.score === null ? 'n/a' : `${m.score} %`", replace: "m.score === null ? 'n/a' : `${m.score + 1} %`" },
    ],
    tests: ['libs/testing/src/mutation-doc.spec.ts'],
  },
  {
    name: 'mutation-unmeasured-module-passes',
    breaks: 'a module of the pure core with no mutation result passes the score check',
    patches: [{ file: 'test/mutation/score-table.js', find: 'if (!m.measured) return [`${m.name}: not measured`];', replace: 'if (!m.measured) return [];' }],
    tests: ['libs/testing/src/mutation-doc.spec.ts'],
    testNamePattern: 'finds a module not measured',
  },
];

export default controls;
