/**
 * Two projects, one `jest` run: every test on SQLite, and the engine, API and worker suites again on
 * PostgreSQL (CASEFLOW_TEST_BACKEND=postgres; a database per test, see test/support/backend.ts).
 * `npx jest --selectProjects sqlite` (or `postgres`) runs one of them.
 */
const transform = {
  '^.+\\.ts$': ['@swc/jest', { jsc: { target: 'es2022', parser: { syntax: 'typescript' } } }],
};

const fs = require('node:fs');
const path = require('node:path');

/** The newest modification time of the files under `folders` (what `npm run build` compiles or copies). */
function newestSource(folders) {
  let newest = 0;
  const walk = (dir) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else newest = Math.max(newest, fs.statSync(full).mtimeMs);
    }
  };
  for (const folder of folders) walk(path.join(__dirname, folder));
  return newest;
}

// The CLI processes the tests start run the compiled CLI (dist/, which `npm ci` builds) when it is newer
// than every source it was built from, and the TypeScript through tsx otherwise (an edit since the last
// `npm run build`): never a dist/ built from older sources. CASEFLOW_FROM_SOURCE=1 forces the sources.
if (process.env.CASEFLOW_FROM_SOURCE === undefined) {
  const compiled = path.join(__dirname, 'dist', 'app', 'cli.js');
  const built = fs.existsSync(compiled) ? fs.statSync(compiled).mtimeMs : 0;
  const current = built > newestSource(['app', 'src', 'db', 'machines', 'workers', 'bin']);
  process.env.CASEFLOW_FROM_SOURCE = current ? '0' : '1';
}

/** @type {import('jest').Config} */
module.exports = {
  testTimeout: 30000,
  // Jest's default is one worker fewer than the cores: one on a 2-core machine. Most files wait on
  // PostgreSQL, Redis or child processes, so two workers there take about half the wall time.
  maxWorkers: 2,
  // the suite-wide byte search over every captured log line (test/support/capture.ts)
  globalSetup: '<rootDir>/test/support/captureSetup.ts',
  globalTeardown: '<rootDir>/test/support/captureTeardown.ts',
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
