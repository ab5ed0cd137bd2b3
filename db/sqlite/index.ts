/**
 * The SQLite backend: caseflow's embedded default, one file, nothing to install.
 */
export { openSqliteStore, SqliteStore } from './store';
export { MIGRATIONS_FOLDER, type SqliteOptions } from './connection';
