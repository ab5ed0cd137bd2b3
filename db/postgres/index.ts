/**
 * The PostgreSQL backend: caseflow on a server, for several processes on one database.
 */
export { openPostgresStore, PostgresStore } from './store';
export { MIGRATIONS_FOLDER, type PostgresOptions } from './connection';
