/** @type {import('jest').Config} */
const common = {
  transform: { '^.+\\.ts$': ['@swc/jest'] },
  moduleFileExtensions: ['ts', 'js', 'json'],
  moduleNameMapper: {
    '^@calm/(contracts|messaging|platform|testing)$': '<rootDir>/libs/$1/src',
  },
  testEnvironment: 'node',
};

module.exports = {
  testTimeout: 60_000,
  // PostgreSQL and NATS: the local servers when they answer, testcontainers when Docker is
  // available, otherwise a message that says what to start (test/support/services.ts).
  globalSetup: '<rootDir>/test/support/services.global-setup.ts',
  globalTeardown: '<rootDir>/test/support/services.global-teardown.ts',
  transform: common.transform,
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/{apps,libs,bench}/**/*.spec.ts'] },
    { ...common, displayName: 'integration', testMatch: ['<rootDir>/{apps,libs}/**/*.int-spec.ts', '<rootDir>/test/**/*.e2e-spec.ts'] },
    { ...common, displayName: 'faults', testMatch: ['<rootDir>/test/faults/**/*.soak-spec.ts'] },
    { ...common, displayName: 'reorder', testMatch: ['<rootDir>/test/reorder/**/*.spec.ts', '<rootDir>/{apps,libs}/**/*.reorder-spec.ts'] },
  ],
};
