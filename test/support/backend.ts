/**
 * Which database the engine, API and worker suites run on: `CASEFLOW_TEST_BACKEND`, `sqlite` (the
 * default) or `postgres`. jest.config.js runs those suites once per backend (projects `sqlite` and
 * `postgres`); test/support/postgresBackend.ts selects PostgreSQL for the second.
 *
 * On SQLite each test database is a file in its own temporary folder; on PostgreSQL, a clone of a
 * migrated template (test/db/postgres/databases.ts), one set of them per test file, dropped with
 * the template in the `afterAll` that test/support/disposeDatabases.ts registers.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Store } from '../../db/port';
import { openPostgresStore } from '../../db/postgres';
import { openSqliteStore } from '../../db/sqlite';
import { postgresTestDatabases, type TestDatabases } from '../db/postgres/databases';

export type TestBackend = 'sqlite' | 'postgres';

function backendFromEnv(value = process.env.CASEFLOW_TEST_BACKEND): TestBackend {
  if (value === undefined || value === '' || value === 'sqlite') return 'sqlite';
  if (value === 'postgres') return 'postgres';
  throw new Error(`CASEFLOW_TEST_BACKEND must be sqlite or postgres (got "${value}")`);
}

/** The backend of this test run. */
export const TEST_BACKEND: TestBackend = backendFromEnv();

let databases: TestDatabases | undefined;

/** This test file's PostgreSQL test databases, made on first use. */
function postgresDatabases(): TestDatabases {
  return (databases ??= postgresTestDatabases());
}

/** Drops this test file's PostgreSQL databases, if any were made (test/support/disposeDatabases.ts, after all tests). */
export async function disposeTestDatabases(): Promise<void> {
  const made = databases;
  databases = undefined;
  await made?.dispose();
}

interface DatabaseBase {
  /** A new store on this database (its own connection, as another process would have). */
  openStore(): Promise<Store>;
  /** The environment that makes a `caseflow` child process open this database. */
  env: Record<string, string>;
  /** The CLI flags that make `caseflow` open this database. */
  args: string[];
  /** Deletes the database (close its stores first); once, however often it is called. */
  drop(): Promise<void>;
}

export interface SqliteTestDatabase extends DatabaseBase {
  backend: 'sqlite';
  file: string;
  url?: undefined;
}

export interface PostgresTestDatabase extends DatabaseBase {
  backend: 'postgres';
  /** postgres://… naming this database. */
  url: string;
  file?: undefined;
}

/** One empty, migrated caseflow database of the run's backend. */
export type TestDatabase = SqliteTestDatabase | PostgresTestDatabase;

/** A fresh database on the run's backend; `drop()` it afterwards. */
export async function createTestDatabase(backend: TestBackend = TEST_BACKEND): Promise<TestDatabase> {
  if (backend === 'postgres') {
    const database = await postgresDatabases().create();
    return {
      backend,
      url: database.url,
      openStore: () => openPostgresStore(database.url),
      // DATABASE_URL wins over CASEFLOW_DB (app/compose.ts openStore)
      env: { DATABASE_URL: database.url },
      args: ['--database-url', database.url],
      drop: () => database.drop(),
    };
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'caseflow-test-'));
  const file = path.join(dir, 'caseflow.sqlite');
  let dropped = false;
  return {
    backend,
    file,
    openStore: () => Promise.resolve(openSqliteStore(file)),
    // an empty DATABASE_URL, so that one set in the developer's shell does not win over the file
    env: { CASEFLOW_DB: file, DATABASE_URL: '' },
    args: ['--db', file],
    drop: () => {
      if (!dropped) fs.rmSync(dir, { recursive: true, force: true });
      dropped = true;
      return Promise.resolve();
    },
  };
}
