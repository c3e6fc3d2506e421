// ESM-only packages in the dependency tree. Node >= 22.12 loads them with require(esm);
// Jest's CommonJS runtime does so only on Node >= 24.9 with --experimental-vm-modules, so
// SWC compiles them to CommonJS for the tests instead (the built services never go
// through this). commander: the CLIs' argument parser (the replay CLI test drives it in
// process); content-disposition: required by @fastify/static (Swagger UI's assets).
const esmOnly = ['commander', 'content-disposition'];

const { ignoredForMissingBinaries } = require('./test/support/needs-binaries');

// A test file that needs a missing nats-server or initdb fails with the install command;
// only CALM_ALLOW_MISSING_BINARIES=1 leaves such files out (counted after the totals).
const skippedForMissingBinaries = ignoredForMissingBinaries(__dirname);

/** @type {import('jest').Config} */
const common = {
  transform: {
    '^.+\\.ts$': ['@swc/jest'],
    [`/node_modules/(${esmOnly.join('|')})/.+\\.js$`]: [
      '@swc/jest',
      { jsc: { parser: { syntax: 'ecmascript' }, target: 'es2022' }, module: { type: 'commonjs' } },
    ],
  },
  transformIgnorePatterns: [`/node_modules/(?!(${esmOnly.join('|')})/)`],
  moduleFileExtensions: ['ts', 'js', 'json'],
  moduleNameMapper: {
    '^@calm/(config|contracts|folds|jetstream|local-infra|nest-platform|outbox|pg|testing|tracing)$': '<rootDir>/libs/$1/src',
  },
  testEnvironment: 'node',
  testPathIgnorePatterns: ['/node_modules/', ...skippedForMissingBinaries],
  setupFilesAfterEnv: ['<rootDir>/test/support/require-binaries.setup.js'],
};

module.exports = {
  testTimeout: 60_000,
  ...(skippedForMissingBinaries.length > 0 && { reporters: ['default', '<rootDir>/test/support/skipped-files.reporter.js'] }),
  // PostgreSQL and NATS: the local servers when they answer, testcontainers when Docker is
  // available, otherwise a message that says what to start (test/support/services.ts).
  globalSetup: '<rootDir>/test/support/services.global-setup.ts',
  globalTeardown: '<rootDir>/test/support/services.global-teardown.ts',
  // globalSetup runs outside the projects: it needs the same transform and aliases.
  transform: common.transform,
  transformIgnorePatterns: common.transformIgnorePatterns,
  moduleNameMapper: common.moduleNameMapper,
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/{apps,libs,bench}/**/*.spec.ts', '<rootDir>/test/controls/*.spec.ts'] },
    { ...common, displayName: 'integration', testMatch: ['<rootDir>/{apps,libs}/**/*.int-spec.ts', '<rootDir>/test/**/*.e2e-spec.ts'] },
    { ...common, displayName: 'faults', testMatch: ['<rootDir>/test/faults/**/*.soak-spec.ts'] },
    { ...common, displayName: 'reorder', testMatch: ['<rootDir>/test/reorder/**/*.spec.ts', '<rootDir>/{apps,libs}/**/*.reorder-spec.ts'] },
  ],
};
