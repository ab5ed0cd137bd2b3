/**
 * The SQLite adapter of the storage port. better-sqlite3 is synchronous, so each connection's
 * transactions take turns through an async lock: `BEGIN`, the caller's async function, then
 * `COMMIT`, or `ROLLBACK` if it threw. Writes go through one connection (`BEGIN IMMEDIATE`); reads
 * through a second, read-only one, so that they see committed data, never wait on a writer (WAL)
 * and cannot write. Across processes, SQLite's file lock orders writers (busy_timeout waits for it).
 */
import path from 'node:path';
import { StoreUnavailableError } from '../errors';
import type { Store, Tx } from '../port';
import { openSqlite, openSqliteReader, type SqliteDb, type SqliteOptions } from './connection';
import { sqliteCases, sqliteEventLog } from './cases';
import { sqliteDeadlines, sqliteOutbox } from './deadlines';
import { sqliteNotifications } from './notifications';
import { sqliteAccounts, sqliteReporters } from './people';
import { sqliteSupervision } from './supervision';
import { sqliteCalendarYears } from './calendarYears';
import { sqliteOnTime } from './onTime';
import { sqliteConsequences } from './consequences';

/** Hands out one turn at a time, in arrival order. */
class TurnLock {
  private tail: Promise<void> = Promise.resolve();
  /** Resolves with the release function once every earlier turn is released. */
  acquire(): Promise<() => void> {
    let release!: () => void;
    const mine = new Promise<void>((resolve) => (release = resolve));
    const previous = this.tail;
    this.tail = mine;
    return previous.then(() => release);
  }
}

/**
 * One write lock per database file in this process. Two stores on one file in one process (a test's
 * "second process", or two composition roots) must take turns here: a `BEGIN IMMEDIATE` that waits
 * on SQLite's file lock blocks the whole thread, so the other store could never commit.
 */
const fileLocks = new Map<string, { lock: TurnLock; stores: number }>();

/** The write lock of `file`, and how to let go of it when the store closes. */
function writeLockFor(file: string): { lock: TurnLock; release(): void } {
  if (file === ':memory:' || file === '') return { lock: new TurnLock(), release: () => undefined };
  const key = path.resolve(file);
  const entry = fileLocks.get(key) ?? { lock: new TurnLock(), stores: 0 };
  entry.stores += 1;
  fileLocks.set(key, entry);
  return {
    lock: entry.lock,
    release: () => {
      if (--entry.stores === 0) fileLocks.delete(key);
    },
  };
}

/** The repositories over one connection, and what ends a turn on it. */
function repositories(db: SqliteDb): { tx: Tx; endTurn: () => void } {
  const { cases, endTurn } = sqliteCases(db);
  const tx: Tx = {
    cases,
    events: sqliteEventLog(db),
    deadlines: sqliteDeadlines(db),
    outbox: sqliteOutbox(db),
    notifications: sqliteNotifications(db),
    accounts: sqliteAccounts(db),
    reporters: sqliteReporters(db),
    supervision: sqliteSupervision(db),
    calendarYears: sqliteCalendarYears(db),
    onTime: sqliteOnTime(db),
    consequences: sqliteConsequences(db),
  };
  return { tx, endTurn };
}

/** SQLite's "database is locked" after the busy timeout, as the port's coded error; anything else as it is. */
function busyAsUnavailable(error: unknown): unknown {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^SQLITE_(BUSY|LOCKED)/.test(code) ? new StoreUnavailableError('busy', 1000, error) : error;
}

/** One connection's transactions, one at a time. */
class Turns {
  private readonly tx: Tx;
  /** Forgets what the repositories kept for the turn that ended. */
  private readonly endTurn: () => void;
  private readonly begin;
  private readonly commit;
  private readonly rollback;

  constructor(
    private readonly db: SqliteDb,
    private readonly lock: TurnLock,
    beginSql: 'BEGIN' | 'BEGIN IMMEDIATE',
  ) {
    ({ tx: this.tx, endTurn: this.endTurn } = repositories(db));
    this.begin = db.$client.prepare(beginSql);
    this.commit = db.$client.prepare('COMMIT');
    this.rollback = db.$client.prepare('ROLLBACK');
  }

  async run<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
    const release = await this.lock.acquire();
    try {
      this.begin.run();
      let result: T;
      try {
        result = await fn(this.tx);
        this.commit.run();
      } catch (error) {
        if (this.db.$client.inTransaction) this.rollback.run();
        throw error;
      }
      return result;
    } catch (error) {
      throw busyAsUnavailable(error);
    } finally {
      this.endTurn();
      release();
    }
  }

  /** Closes the connection once every turn already asked for is done. */
  async close(): Promise<void> {
    const release = await this.lock.acquire();
    try {
      if (this.db.$client.open) this.db.$client.close();
    } finally {
      release();
    }
  }
}

/** caseflow's store on one SQLite file. */
export class SqliteStore implements Store {
  readonly dialect = 'sqlite';
  private readonly writes: Turns;
  private readonly reads: Turns;
  private readonly releaseWriteLock: () => void;
  private closed = false;

  constructor(
    /** The drizzle handle of the write connection; only the adapter and its own tests reach it. */
    readonly db: SqliteDb,
    /** The read-only connection to the same file (the write connection for `:memory:`). */
    private readonly reader: SqliteDb,
    readonly location: string,
  ) {
    const writeLock = writeLockFor(location);
    this.releaseWriteLock = () => writeLock.release();
    this.writes = new Turns(db, writeLock.lock, 'BEGIN IMMEDIATE');
    this.reads = reader === db ? this.writes : new Turns(reader, new TurnLock(), 'BEGIN');
  }

  withTransaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
    return this.writes.run(fn);
  }

  read<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
    return this.reads.run(fn);
  }

  async dumpAll(): Promise<Record<string, unknown[]>> {
    return this.read(async () => {
      const client = this.reader.$client;
      const tables = client
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '__drizzle%' ORDER BY name")
        .all() as { name: string }[];
      return Object.fromEntries(tables.map(({ name }) => [name, client.prepare(`SELECT * FROM "${name}" ORDER BY rowid`).all()]));
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.reads !== this.writes) await this.reads.close();
    await this.writes.close();
    this.releaseWriteLock();
  }
}

/** Opens (creating and migrating if needed) the SQLite store in `file`. */
export function openSqliteStore(file: string, options: SqliteOptions = {}): SqliteStore {
  const db = openSqlite(file, options);
  return new SqliteStore(db, file === ':memory:' ? db : openSqliteReader(file, options), file);
}
