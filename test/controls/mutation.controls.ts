import type { Control } from './control';

/** Controls of the mutation score table, the skip logic and the raw-spelling generators. */
const controls: Control[] = [
  {
    name: 'missing-binary-skipped-silently',
    breaks: 'a test file that needs a missing binary is left out without the opt-out',
    patches: [{ file: 'test/support/needs-binaries.js', find: "if (env[OPT_OUT] !== '1') return [];", replace: "if (env[OPT_OUT] === 'never') return [];" }],
    tests: ['libs/testing/src/needs-binaries.spec.ts'],
  },
];

export default controls;
