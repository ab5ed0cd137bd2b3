/**
 * Throwaway PostgreSQL databases for tests. Per `postgresTestDatabases()` (one per test file, say),
 * one template database, migrated once by the store itself; per test, a clone of it (`CREATE
 * DATABASE … TEMPLATE`: a copy, no migration to run), dropped when the test is done, passed or
 * failed, with whatever is still connected to it. The next clone is made while a test runs.
 *
 *   const databases = postgresTestDatabases();
 *   afterAll(() => databases.dispose());
 *   const { url, drop } = await databases.create();   // in beforeEach; `await drop()` in afterEach
 *
 * The server is `TEST_DATABASE_URL`, or the local one (trust auth, database `test`). Names are
 * `cf_tmpl_<pid>_<random>` and `cf_t_<pid>_<random>`: a run killed before its afterAll leaves
 * its databases behind, and the pid tells whose they were.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { openPostgresStore } from '../../../db/postgres';

export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export interface TestDatabase {
  /** The database's name (`cf_t_…`). */
  name: string;
  /** The server's URL, naming this database. */
  url: string;
  /** Drops the database, ending whatever is still connected to it; once, however often it is called. */
  drop(): Promise<void>;
}

export interface TestDatabases {
  /**
   * A fresh database with caseflow's schema and no rows (the template is made on the first call);
   * with `empty`, one with no tables at all, that the first store to open it migrates.
   */
  create(options?: { empty?: boolean }): Promise<TestDatabase>;
  /** Drops every database not dropped yet, the template last, and disconnects. */
  dispose(): Promise<void>;
}

/** `url` naming database `name` instead. */
export function databaseUrl(url: string, name: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${name}`;
  return parsed.toString();
}

const suffix = () => `${process.pid}_${randomBytes(4).toString('hex')}`;

export interface TestDatabaseOptions {
  /** The server, through a database that only serves to create and drop the others (`TEST_DATABASE_URL` by default). */
  serverUrl?: string;
  /** An ICU locale (`en-US`) to collate text by, instead of the server's default: to run where ids and states do not sort by bytes. */
  icuLocale?: string;
}

/** Test databases on one server, cloned from one template. */
export function postgresTestDatabases(options: TestDatabaseOptions = {}): TestDatabases {
  const { serverUrl = TEST_DATABASE_URL, icuLocale } = options;
  const admin = new pg.Pool({ connectionString: serverUrl, max: 2 });
  admin.on('error', () => undefined);
  const live = new Set<string>();
  const templateName = `cf_tmpl_${suffix()}`;
  let template: Promise<string> | undefined;
  let disposed = false;

  const dropDatabase = async (name: string) => {
    await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    live.delete(name);
  };

  const collation = icuLocale === undefined ? '' : ` TEMPLATE template0 LOCALE_PROVIDER icu ICU_LOCALE '${icuLocale.replaceAll("'", "''")}'`;
  const makeTemplate = async () => {
    await admin.query(`CREATE DATABASE "${templateName}"${collation}`);
    live.add(templateName);
    const store = await openPostgresStore(databaseUrl(serverUrl, templateName));
    await store.close();
    return templateName;
  };

  /** A new clone of the template. */
  const clone = async () => {
    const from = await (template ??= makeTemplate());
    const name = `cf_t_${suffix()}`;
    await admin.query(`CREATE DATABASE "${name}" TEMPLATE "${from}"`);
    live.add(name);
    return name;
  };
  /** The clone the next create() hands out, made while the test before it runs (a clone takes longer than most tests). */
  let spare: Promise<string> | undefined;

  return {
    async create({ empty = false } = {}) {
      if (disposed) throw new Error('postgresTestDatabases: create() after dispose()');
      let name: string;
      if (empty) {
        name = `cf_t_${suffix()}`;
        await admin.query(`CREATE DATABASE "${name}"${collation}`);
        live.add(name);
      } else {
        name = await (spare ?? clone());
        spare = clone();
        spare.catch(() => undefined); // if it failed, the next create() says so
      }
      let dropped: Promise<void> | undefined;
      return { name, url: databaseUrl(serverUrl, name), drop: () => (dropped ??= dropDatabase(name)) };
    },

    async dispose() {
      if (disposed) return;
      disposed = true;
      try {
        await template?.catch(() => undefined);
        await spare?.catch(() => undefined);
        for (const name of [...live].filter((n) => n !== templateName)) await dropDatabase(name);
        if (live.has(templateName)) await dropDatabase(templateName);
      } finally {
        await admin.end();
      }
    },
  };
}
