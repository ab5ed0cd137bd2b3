/**
 * jest's `postgres` project (jest.config.js): the engine, API and worker suites on PostgreSQL.
 * A setup file, run before each test file's modules load.
 */
process.env.CASEFLOW_TEST_BACKEND = 'postgres';
export {};
