// Mutation testing of the pure core: `npm run test:mutation`. The modules and their
// files are listed once, in test/mutation/modules.js (the score table groups by them).
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { mutatedFiles, selectedModule, slug } = require('./test/mutation/modules.js');

// One module per run (test/mutation/run.js names it): its files, its own incremental file
// and report, so runs of different modules neither redo nor overwrite each other's work.
const selected = selectedModule();
const reportName = selected ? slug(selected.name) : 'mutation';

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  mutate: selected ? selected.files : mutatedFiles(),
  testRunner: 'jest',
  // Each mutant loads only the specs that import its file (of the module's specs, with one
  // module selected): a mutant of asyncapi.ts loads asyncapi.spec.ts, not the ten specs of
  // libs/contracts.
  jest: { projectType: 'custom', configFile: 'test/mutation/jest.config.js', enableFindRelatedTests: true },
  checkers: ['typescript'],
  tsconfigFile: 'tsconfig.mutation.json',
  coverageAnalysis: 'perTest',
  // A static mutant (one in code that runs when a module loads: the zod schemas, the
  // ISO 4217 table) needs every related spec reloaded, about 80 % of the run's time on
  // this machine. They are left out and counted in the table as "static, not run".
  ignoreStatic: true,
  // The machine is shared: two workers at most (one checker, one test runner).
  concurrency: 2,
  // A loaded machine slows a surviving mutant's run: a short timeout would count it as killed.
  timeoutMS: 20_000,
  reporters: ['clear-text', 'progress', 'json'],
  jsonReporter: { fileName: `reports/mutation/${reportName}.json` },
  ignorePatterns: ['dist', 'coverage', 'bench', 'deploy', 'reports', '.tools', '.data'],
  tempDirName: '.stryker-tmp',
  // Later runs test again only the mutants whose code or covering tests changed.
  incremental: true,
  incrementalFile: `reports/mutation/${reportName}.incremental.json`,
  // The 85 % bar is per module, checked by test/mutation/score-table.js after the run.
  thresholds: { high: 90, low: 85, break: null },
};
