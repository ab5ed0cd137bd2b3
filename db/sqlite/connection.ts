/**
 * Opening an SQLite file: pragmas, drizzle over better-sqlite3, and the committed migrations.
 */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { drizzle, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { backfillCaseLogChains } from './chainBackfill';
import * as schema from './schema';

/** drizzle over one better-sqlite3 connection. */
export type SqliteDb = BetterSQLite3Database<typeof schema> & { $client: Database.Database };

export const MIGRATIONS_FOLDER = path.join(__dirname, 'migrations');

/** Options of an SQLite store. */
export interface SqliteOptions {
  /** How long a write waits for another process's lock before the store answers busy, in ms. @defaultValue 5000 */
  busyTimeoutMs?: number;
}

/** Opens (creating if needed) a caseflow SQLite file and brings its schema up to date. */
export function openSqlite(file: string, options: SqliteOptions = {}): SqliteDb {
  if (file === ':memory:') return migrated(new Database(file), options);
  fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  return withMigrationLock(file, () => migrated(new Database(file), options));
}

/** Sets the connection's pragmas and applies the committed migrations. */
function migrated(sqlite: Database.Database, options: SqliteOptions): SqliteDb {
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('foreign_keys = ON');
  // freed pages are zeroed: an identity sealed in place (or a session deleted) leaves no old bytes behind
  sqlite.pragma('secure_delete = ON');
  sqlite.pragma(`busy_timeout = ${Math.max(0, Math.floor(options.busyTimeoutMs ?? 5000))}`);
  const db = drizzle(sqlite, { schema });
  migrate(db, { migrationsFolder: MIGRATIONS_FOLDER });
  backfillCaseLogChains(sqlite);
  return db;
}

/**
 * Runs `fn` holding a write lock on a small companion file (`<file>-migrate.lock`), so that two
 * processes opening a new database at the same moment migrate it one after the other: the second
 * then finds every migration applied. SQLite's file lock is released by the OS if a process dies.
 */
function withMigrationLock<T>(file: string, fn: () => T): T {
  const lock = new Database(`${file}-migrate.lock`);
  try {
    lock.pragma('busy_timeout = 60000');
    lock.exec('BEGIN IMMEDIATE');
    try {
      return fn();
    } finally {
      lock.exec('ROLLBACK');
    }
  } finally {
    lock.close();
  }
}

/** A second, read-only connection to a file `openSqlite` opened: reads never write, and never wait on a writer. */
export function openSqliteReader(file: string, options: SqliteOptions = {}): SqliteDb {
  const sqlite = new Database(file, { readonly: true, fileMustExist: true });
  sqlite.pragma(`busy_timeout = ${Math.max(0, Math.floor(options.busyTimeoutMs ?? 5000))}`);
  return drizzle(sqlite, { schema });
}
