// The Jest configuration Stryker runs: the unit specs of the mutated libraries only (no
// PostgreSQL, no NATS, no global setup), so each mutant costs a few pure test files.
const root = require('node:path').join(__dirname, '../..');
const { projects } = require(`${root}/jest.config.js`);

const { selectedModule } = require('./modules');

const unit = projects.find((p) => p.displayName === 'unit');
// A run of one module judges it by that module's specs only: the related-test search
// alone loaded every spec that imports the file for each mutant (ten for fields.ts), most
// of the time of a mutant on this machine.
const selected = selectedModule();

/** @type {import('jest').Config} */
module.exports = {
  ...unit,
  rootDir: root,
  testMatch: selected ? selected.tests.map((t) => `<rootDir>/${t}`) : ['<rootDir>/libs/{folds,contracts,pg,jetstream,outbox}/src/**/*.spec.ts'],
  // The AsyncAPI parser takes seconds to load into every run that touches contracts; that
  // spec validates the committed document, which asyncapi.spec.ts compares with the output.
  testPathIgnorePatterns: [...unit.testPathIgnorePatterns, '/asyncapi-validation\\.spec\\.ts$'],
  setupFiles: [`${__dirname}/fast-check.setup.js`],
};
