/** @type {import('jest').Config} */
const transform = { '^.+\\.ts$': ['ts-jest', { diagnostics: false }] }

module.exports = {
  // the production build (npm run build) holds copies of the workspace packages: never a test or a module here
  modulePathIgnorePatterns: ['<rootDir>/dist/'],
  // one file at a time: the integration suites share one stack, and some pause a service on purpose
  maxWorkers: 1,
  // the integration suites share one stack (Postgres, Redis, five subgraphs, gateway) started once
  projects: [
    {
      displayName: 'unit',
      testEnvironment: 'node',
      transform,
      // a service keeps its own tests in its folder (subgraphs/<name>/tests/)
      testMatch: ['<rootDir>/tests/unit/**/*.test.ts', '<rootDir>/subgraphs/*/tests/unit/**/*.test.ts'],
    },
    {
      displayName: 'integration',
      testEnvironment: 'node',
      transform,
      testMatch: ['<rootDir>/tests/integration/**/*.test.ts', '<rootDir>/subgraphs/*/tests/integration/**/*.test.ts'],
      globalSetup: '<rootDir>/tests/support/global-setup.ts',
      globalTeardown: '<rootDir>/tests/support/global-teardown.ts',
      testTimeout: 30000,
    },
  ],
}
