// setupFilesAfterEnv: a test file that needs a binary this machine lacks fails here, at
// once, naming the install command, instead of failing later on a spawn error or being
// left out of a green run. (With CALM_ALLOW_MISSING_BINARIES=1 such files never get here:
// jest.config.js leaves them out and the totals line counts them.)
const { missingFor, OPT_OUT } = require('./needs-binaries');

/* global expect -- setupFilesAfterEnv runs inside the test environment */
const { testPath } = expect.getState();
const missing = testPath ? missingFor(testPath) : [];
if (missing.length > 0) {
  throw new Error(
    missing.map((b) => `${b.name} is not installed, and this test file needs it: ${b.install}.`).join('\n') +
      `\nTo run the other test files without it, set ${OPT_OUT}=1 (the files that need it are then skipped and counted).`,
  );
}
