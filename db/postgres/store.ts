/**
 * The PostgreSQL adapter of the storage port. Each transaction takes a connection of the pool:
 * writes run at READ COMMITTED, every guarded update checking how many rows it touched, and a case
 * read in one locks the case until commit (so writers of one case take turns); reads run
 * in a READ ONLY, REPEATABLE READ transaction, so that every read in one sees the same snapshot and
 * none can write. Across processes, PostgreSQL's row locks order the writers of a row; a writer
 * kept waiting past `busyTimeoutMs`, or a database that cannot be reached, is the port's
 * StoreUnavailableError.
 */
import { sql } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/node-postgres';
import type pg from 'pg';
import { StoreUnavailableError, type StoreUnavailableReason } from '../errors';
import type { Store, Tx } from '../port';
import { openPostgres, withoutPassword, type PostgresDb, type PostgresOptions } from './connection';
import { postgresCases, postgresEventLog } from './cases';
import { postgresDeadlines, postgresOutbox } from './deadlines';
import { postgresNotifications } from './notifications';
import { postgresAccounts, postgresReporters } from './people';
import { statementRunner, type RunStatement } from './statements';
import { postgresSupervision } from './supervision';
import { postgresCalendarYears } from './calendarYears';
import { postgresOnTime } from './onTime';
import { postgresConsequences } from './consequences';

/** The repositories on one transaction: small objects of closures, built per transaction. */
function repositoriesOn(db: PostgresDb, run: RunStatement, forWrite: boolean): Tx {
  return {
    cases: postgresCases(db, run, { forWrite }),
    events: postgresEventLog(db, run),
    deadlines: postgresDeadlines(db, run),
    outbox: postgresOutbox(db),
    notifications: postgresNotifications(db, run),
    accounts: postgresAccounts(db),
    reporters: postgresReporters(db),
    supervision: postgresSupervision(db),
    calendarYears: postgresCalendarYears(db),
    onTime: postgresOnTime(db),
    consequences: postgresConsequences(db),
  };
}

/** SQLSTATEs after which the same request may go through shortly: a lock wait ran out (busyTimeoutMs), a statement was cancelled, a deadlock, a serialization failure, a full server. */
const BUSY_STATES = new Set(['55P03', '57014', '40P01', '40001', '53300']);
/** SQLSTATEs of a server that went away or does not take connections (class 08, and shutdowns). */
const GONE_STATE = /^(08...|57P0[123])$/;
/** What Node's sockets say when a server cannot be reached. */
const SOCKET_ERRORS = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN']);
/** What node-postgres says, word for word, of a connection that broke (these carry no code). */
const LOST_CONNECTION = new Set([
  'Connection terminated',
  'Connection terminated unexpectedly',
  'Connection terminated due to connection timeout',
  'Client has encountered a connection error and is not queryable',
]);

/** pg-pool's word when every connection stayed in use past the connection timeout. */
const POOL_EXHAUSTED = 'timeout exceeded when trying to connect';

function unavailability(error: unknown): StoreUnavailableReason | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { code, message } = error as { code?: unknown; message?: unknown };
  if (typeof code === 'string') {
    if (BUSY_STATES.has(code)) return 'busy';
    if (GONE_STATE.test(code) || SOCKET_ERRORS.has(code)) return 'unreachable';
  }
  if (message === POOL_EXHAUSTED) return 'busy';
  return typeof message === 'string' && LOST_CONNECTION.has(message) ? 'unreachable' : undefined;
}

/**
 * A busy or unreachable database's error (or drizzle's wrapping of one, as its `cause`) as the port's
 * coded error; anything else, the caller's own errors included, as it is. When the connection
 * broke, drizzle's failed rollback hides the first error, but says the same.
 */
function asStoreError(error: unknown): unknown {
  if (error instanceof StoreUnavailableError) return error;
  const reason = unavailability(error) ?? unavailability((error as { cause?: unknown } | null)?.cause);
  return reason ? new StoreUnavailableError(reason, 1000, error) : error;
}

const rethrowAsStoreError = (error: unknown): never => {
  throw asStoreError(error);
};

const BEGIN_WRITE = 'BEGIN ISOLATION LEVEL READ COMMITTED';
const BEGIN_READ = 'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY';

/** caseflow's store on one PostgreSQL database (or one schema of it). */
export class PostgresStore implements Store {
  readonly dialect = 'postgres';
  private closed: Promise<void> | undefined;

  constructor(
    /** drizzle over the pool; only the adapter and its own tests reach it. */
    readonly db: PostgresDb,
    private readonly pool: pg.Pool,
    readonly location: string,
  ) {}

  withTransaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
    return this.transaction(BEGIN_WRITE, true, fn);
  }

  read<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
    return this.transaction(BEGIN_READ, false, fn);
  }

  private transaction<T>(begin: string, forWrite: boolean, fn: (tx: Tx) => Promise<T>): Promise<T> {
    return this.onConnection(begin, (db, client) => fn(repositoriesOn(db, statementRunner(client), forWrite)));
  }

  /**
   * One transaction on one connection of the pool: the hot statements run on it as named
   * statements, the rest through a drizzle over the same connection (drizzle without the relational
   * schema, which costs a quarter of a millisecond to build). A connection whose rollback failed is
   * broken and leaves the pool.
   */
  private async onConnection<T>(begin: string, fn: (db: PostgresDb, client: pg.PoolClient) => Promise<T>): Promise<T> {
    const client = await this.pool.connect().catch(rethrowAsStoreError);
    let broken = false;
    try {
      await client.query(begin);
      const result = await fn(drizzle({ client }), client);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => (broken = true));
      throw asStoreError(error);
    } finally {
      client.release(broken);
    }
  }

  /**
   * Every table of the store's schema but drizzle's own, each in insertion order: by its identity
   * column where it has one; else by the rows' physical place, which is insertion order for rows
   * never updated (an updated row moves; the order of unchanged rows stays put, which is what a
   * before-and-after comparison needs).
   */
  dumpAll(): Promise<Record<string, unknown[]>> {
    return this.onConnection(BEGIN_READ, async (db) => {
      const tables = await db.execute<{ name: string; identity: string | null }>(sql`
        SELECT t.table_name AS name,
               (SELECT c.column_name FROM information_schema.columns c
                 WHERE c.table_schema = t.table_schema AND c.table_name = t.table_name AND c.is_identity = 'YES'
                 ORDER BY c.ordinal_position LIMIT 1) AS identity
          FROM information_schema.tables t
         WHERE t.table_schema = current_schema() AND t.table_type = 'BASE TABLE' AND t.table_name NOT LIKE '\\_\\_drizzle%'
         ORDER BY t.table_name`);
      const dump: Record<string, unknown[]> = {};
      for (const { name, identity } of tables.rows) {
        const order = identity === null ? sql.raw('ctid') : sql.identifier(identity);
        dump[name] = (await db.execute(sql`SELECT * FROM ${sql.identifier(name)} ORDER BY ${order}`)).rows;
      }
      return dump;
    });
  }

  /** Ends the pool once the transactions under way are done. */
  close(): Promise<void> {
    return (this.closed ??= this.pool.end());
  }
}

/** Opens the store on `url`, applying the committed migrations first. */
export async function openPostgresStore(url: string, options: PostgresOptions = {}): Promise<PostgresStore> {
  const { pool, db } = await openPostgres(url, options);
  return new PostgresStore(db, pool, withoutPassword(url));
}
