// Added to Jest's reporters only where CALM_ALLOW_MISSING_BINARIES=1 left test files out:
// after Jest's totals, one line says how many files this run would have run were skipped.
const { relative } = require('node:path');
const { filesNeedingMissingBinaries, missingBinaries } = require('./needs-binaries');
const { expectedSuites } = require('./expected-suites');

class SkippedFilesReporter {
  constructor(globalConfig) {
    this.globalConfig = globalConfig;
  }

  /** The skipped files the run's selected projects and path patterns would have included. */
  skipped() {
    const { rootDir, selectProjects, testPathPatterns } = this.globalConfig;
    const projects = require(`${rootDir}/jest.config.js`).projects.map((p) => p.displayName);
    const wanted = new Set(expectedSuites(rootDir, selectProjects?.length ? selectProjects : projects).flatMap((p) => p.files));
    const byPath = testPathPatterns?.isSet() ? testPathPatterns.toExecutor({ rootDir }) : undefined;
    return filesNeedingMissingBinaries(rootDir).filter((f) => wanted.has(f) && (!byPath || byPath.isMatch(f)));
  }

  onRunComplete() {
    const files = this.skipped();
    if (files.length === 0) return;
    const names = missingBinaries()
      .map((b) => b.name)
      .join(' and ');
    process.stderr.write(
      `Skipped:     ${files.length} test file${files.length === 1 ? '' : 's'} (${names} not installed, CALM_ALLOW_MISSING_BINARIES=1): ` +
        `${files.map((f) => relative(this.globalConfig.rootDir, f)).join(', ')}\n`,
    );
  }
}

module.exports = SkippedFilesReporter;
