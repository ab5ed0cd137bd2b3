/**
 * Two projects, one `jest` run: every test on SQLite, and the engine, API and worker suites again on
 * PostgreSQL (CASEFLOW_TEST_BACKEND=postgres; a database per test, see test/support/backend.ts).
 * `npx jest --selectProjects sqlite` (or `postgres`) runs one of them.
 */
const transform = {
  '^.+\\.ts$': ['@swc/jest', { jsc: { target: 'es2022', parser: { syntax: 'typescript' } } }],
};

// The CLI processes tests start run the TypeScript (bin/caseflow.js through tsx), never a dist/ built
// from older sources; .ci/run checks the compiled CLI that `npm ci` builds.
process.env.CASEFLOW_FROM_SOURCE = process.env.CASEFLOW_FROM_SOURCE ?? '1';

/** @type {import('jest').Config} */
module.exports = {
  testTimeout: 30000,
  projects: [
    {
      displayName: 'sqlite',
      testEnvironment: 'node',
      roots: ['<rootDir>/test'],
      testMatch: ['**/*.test.ts'],
      transform,
    },
    {
      displayName: 'postgres',
      testEnvironment: 'node',
      roots: ['<rootDir>/test/engine', '<rootDir>/test/api', '<rootDir>/test/workers'],
      testMatch: ['**/*.test.ts'],
      transform,
      setupFiles: ['<rootDir>/test/support/postgresBackend.ts'],
      setupFilesAfterEnv: ['<rootDir>/test/support/disposeDatabases.ts'],
    },
  ],
};
