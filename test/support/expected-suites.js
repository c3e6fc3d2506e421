// How many test files the selected Jest projects match on disk, by their testMatch alone
// (no ignore pattern but node_modules): what a complete run must have run. `.ci/run`
// compares it with Jest's numTotalTestSuites, so a file left out fails CI.
const { readdirSync } = require('node:fs');
const { join } = require('node:path');
const micromatch = require('micromatch');

function files(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.name.startsWith('.') || ['node_modules', 'dist', 'reports', 'coverage'].includes(e.name)
      ? []
      : e.isDirectory()
        ? files(join(dir, e.name))
        : [join(dir, e.name)],
  );
}

/** Whether a project's testMatch (with <rootDir>) matches this absolute path. */
function matchesProject(project, file) {
  const root = project.rootDir;
  return project.testMatch.some((glob) => micromatch.isMatch(file, glob.replace('<rootDir>', root), { dot: true }));
}

/** Test files per selected project (by displayName), from jest.config.js in `root`. */
function expectedSuites(root, selected) {
  const config = require(join(root, 'jest.config.js'));
  const all = files(root);
  return config.projects
    .filter((p) => selected.includes(p.displayName))
    .map((p) => ({ project: p.displayName, files: all.filter((f) => matchesProject({ rootDir: root, ...p }, f)) }));
}

module.exports = { expectedSuites, matchesProject };
