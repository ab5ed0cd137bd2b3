/**
 * Opening caseflow's SQLite database: pragmas, drizzle, and the committed migrations applied on start.
 */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { drizzle, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import * as schema from './schema';

export { schema };
export type CaseflowDb = BetterSQLite3Database<typeof schema> & { $client: Database.Database };

/** Where the data lives unless `CASEFLOW_DB` or a `--db` flag says otherwise. */
export const DEFAULT_DB_FILE = path.join('data', 'caseflow.sqlite');

/** The database file to use: an explicit path, else `CASEFLOW_DB`, else the default. */
export function resolveDbFile(explicit?: string, env: NodeJS.ProcessEnv = process.env): string {
  return explicit ?? env.CASEFLOW_DB ?? DEFAULT_DB_FILE;
}

export const MIGRATIONS_FOLDER = path.join(__dirname, 'migrations');

/** Opens (creating if needed) a caseflow database and brings its schema up to date. */
export function openDatabase(file: string): CaseflowDb {
  if (file !== ':memory:') fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const sqlite = new Database(file);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  const db = drizzle(sqlite, { schema });
  migrate(db, { migrationsFolder: MIGRATIONS_FOLDER });
  return db;
}

/** Closes the database connection. */
export function closeDatabase(db: CaseflowDb): void {
  db.$client.close();
}
