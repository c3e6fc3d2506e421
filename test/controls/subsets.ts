/**
 * Named subsets of the registry (`npm run test:controls -- --subset ci`). `ci` is what
 * .ci/run executes: the controls that fit its budget (the whole CI run under 40 min with
 * the suite's 8); the rest run with `npm run test:controls`, their times in
 * docs/controls-run.md.
 */
export const SUBSETS: Record<string, readonly string[]> = {
  ci: [],
};
