/**
 * Opening a caseflow PostgreSQL database: a node-postgres pool whose every query reads jsonb as JSON
 * text and int8 as a number, drizzle over it, and the committed migrations applied under an advisory
 * lock, so that processes starting together take turns.
 */
import path from 'node:path';
import pg from 'pg';
import { drizzle, type NodePgQueryResultHKT } from 'drizzle-orm/node-postgres';
import { migrate } from 'drizzle-orm/node-postgres/migrator';
import { readMigrationFiles, type MigrationMeta } from 'drizzle-orm/migrator';
import { PgDialect, type PgDatabase, type PgSession } from 'drizzle-orm/pg-core';
import { backfillCaseLogChains } from './chainBackfill';

/** drizzle over the pool, or over one transaction of it: what the repositories are built on. */
export type PostgresDb = PgDatabase<NodePgQueryResultHKT>;

export const MIGRATIONS_FOLDER = path.join(__dirname, 'migrations');

/** The key of the advisory lock migrations run under ('caseflow' in ASCII). */
const MIGRATION_LOCK = '7161131761843072887';

const asText = (value: string): string => value;
/**
 * The parsers caseflow reads with: jsonb and json stay JSON text (the records hold strings), and int8
 * becomes a number (every int8 here is epoch ms, a duration in ms, an id or a count: all below 2^53).
 */
const PARSERS: ReadonlyMap<number, (value: string) => unknown> = new Map<number, (value: string) => unknown>([
  [pg.types.builtins.INT8, Number],
  [pg.types.builtins.JSON, asText],
  [pg.types.builtins.JSONB, asText],
]);

/** Type parsers that read with `PARSERS` first, then with `fallback`. */
function caseflowTypes(fallback: pg.CustomTypesConfig = pg.types): pg.CustomTypesConfig {
  return { getTypeParser: (oid, format): unknown => (format === 'binary' ? undefined : PARSERS.get(oid)) ?? (fallback.getTypeParser(oid, format) as unknown) };
}

/**
 * A query config with caseflow's parsers in front of the ones it carries. drizzle gives each of its
 * queries its own `types` (which fall back to pg's global parsers, not the pool's), so the pool's
 * `types` alone would not reach them.
 */
function withCaseflowTypes(config: unknown): unknown {
  if (typeof config !== 'object' || config === null || typeof (config as Partial<pg.Submittable>).submit === 'function') return config;
  const { types } = config as pg.QueryConfig;
  return types ? { ...config, types: caseflowTypes(types) } : config;
}

/** A pg client that reads every result, its own queries' and drizzle's, with caseflow's parsers. */
class CaseflowClient extends pg.Client {
  constructor(config?: pg.ClientConfig) {
    super({ ...config, types: caseflowTypes() });
    // a connection that breaks while a transaction holds it fails that transaction's queries, and the
    // pool drops it when it is released; the pool listens only to idle clients, and an 'error' event
    // nobody listens to would end the process
    this.on('error', () => undefined);
  }
}
const clientQuery = Reflect.get(pg.Client.prototype, 'query') as (this: pg.Client, ...args: unknown[]) => unknown;
Object.defineProperty(CaseflowClient.prototype, 'query', {
  configurable: true,
  writable: true,
  value: function query(this: pg.Client, config: unknown, ...rest: unknown[]): unknown {
    return clientQuery.apply(this, [withCaseflowTypes(config), ...rest]);
  },
});

export interface PostgresOptions {
  /**
   * The schema the tables live in (created if missing), instead of `public`: every connection's
   * search_path, and where the migrations are recorded.
   */
  schemaName?: string;
  /**
   * How long a write waits for a row another transaction holds before the store answers busy, in ms
   * (PostgreSQL's lock_timeout; 0 waits for ever). @defaultValue 5000, as SQLite's busy timeout
   */
  busyTimeoutMs?: number;
}

const CONNECT_TIMEOUT_MS = 10_000;

/** A schema name caseflow quotes without escaping. */
const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/** Opens a pool on `url` and brings the schema up to date; the caller ends the pool. */
export async function openPostgres(url: string, options: PostgresOptions = {}): Promise<{ pool: pg.Pool; db: PostgresDb }> {
  const { schemaName, busyTimeoutMs = 5000 } = options;
  if (schemaName !== undefined && !SCHEMA_NAME.test(schemaName)) throw new Error(`not a schema name caseflow accepts: ${JSON.stringify(schemaName)}`);
  // every connection's settings, set once when it opens (not as startup options, which poolers such as PgBouncer refuse)
  const settings = [`SET lock_timeout = ${Math.max(0, Math.floor(busyTimeoutMs))}`, ...(schemaName === undefined ? [] : [`SET search_path TO "${schemaName}"`])];
  const pool = new pg.Pool({
    connectionString: url,
    Client: CaseflowClient,
    // a new connection is handed out once its settings are set, and not at all if they cannot be
    verify: (client, done) => {
      client.query(settings.join('; ')).then(
        () => done(),
        (error: unknown) => done(error instanceof Error ? error : new Error(String(error))),
      );
    },
    // a transaction waits at most this long for a connection (every one busy, or a server that does not answer)
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
  });
  // an idle connection that breaks (a restarted server, a terminated backend) is dropped by the pool
  // and replaced on the next checkout; without a listener the error would end the process
  pool.on('error', () => undefined);
  try {
    await migrateUnderLock(pool, schemaName);
  } catch (error) {
    await pool.end();
    throw error;
  }
  return { pool, db: drizzle({ client: pool }) };
}

/**
 * Applies the committed migrations on one connection that holds the migration lock: drizzle's
 * migrator reads what is applied before its own transaction, so two processes must not run it at once.
 */
async function migrateUnderLock(pool: pg.Pool, schemaName: string | undefined): Promise<void> {
  const client = await pool.connect();
  try {
    // however long another process takes to migrate (the connection is closed afterwards, not reused)
    await client.query('SET lock_timeout = 0');
    await client.query(`SELECT pg_advisory_lock(${MIGRATION_LOCK})`);
    try {
      const db = drizzle({ client });
      if (schemaName === undefined || schemaName === 'public') {
        await migrate(db, { migrationsFolder: MIGRATIONS_FOLDER });
      } else {
        await client.query(`CREATE SCHEMA IF NOT EXISTS "${schemaName}"`);
        // drizzle-kit qualifies references with "public".: here they name the store's schema
        const migrations = readMigrationFiles({ migrationsFolder: MIGRATIONS_FOLDER }).map((m) => inSchema(m, schemaName));
        await new PgDialect().migrate(migrations, db._.session as PgSession, { migrationsFolder: MIGRATIONS_FOLDER, migrationsSchema: schemaName });
      }
      await backfillCaseLogChains(client);
    } finally {
      // if this fails the connection is gone, and the lock with it
      await client.query(`SELECT pg_advisory_unlock(${MIGRATION_LOCK})`).catch(() => undefined);
    }
  } finally {
    client.release(true);
  }
}

function inSchema(migration: MigrationMeta, schemaName: string): MigrationMeta {
  return { ...migration, sql: migration.sql.map((statement) => statement.replaceAll('"public".', `"${schemaName}".`)) };
}

/** `url` without its password (in the user info or a `password` parameter), for messages. */
export function withoutPassword(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.password = '';
    parsed.searchParams.delete('password');
    return parsed.toString();
  } catch {
    return url.replace(/(password=)\S*/gi, '$1');
  }
}
