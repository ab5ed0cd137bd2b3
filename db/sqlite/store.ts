/**
 * The SQLite adapter of the storage port. better-sqlite3 is synchronous and has one connection, so
 * transactions are taken one at a time through an async lock: `BEGIN IMMEDIATE` (or a deferred
 * `BEGIN` for reads), the caller's async function, then `COMMIT`, or `ROLLBACK` if it threw.
 * Across processes, SQLite's file lock orders writers (busy_timeout waits for it).
 */
import path from 'node:path';
import type { Store, Tx } from '../port';
import { openSqlite, type SqliteDb } from './connection';
import { sqliteCases, sqliteEventLog } from './cases';
import { sqliteDeadlines, sqliteOutbox } from './deadlines';
import { sqliteNotifications } from './notifications';
import { sqliteAccounts, sqliteReporters } from './people';
import { sqliteSupervision } from './supervision';

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
 * One turn lock per database file in this process. Two stores on one file in one process (a test's
 * "second process", or two composition roots) must take turns here: a `BEGIN IMMEDIATE` that waits
 * on SQLite's file lock blocks the whole thread, so the other store could never commit.
 */
const fileLocks = new Map<string, { lock: TurnLock; stores: number }>();

/** The turn lock of `file`, and how to let go of it when the store closes. */
function lockFor(file: string): { lock: TurnLock; release(): void } {
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

/** caseflow's store on one SQLite file. */
export class SqliteStore implements Store {
  readonly dialect = 'sqlite';
  private readonly lock: TurnLock;
  private readonly releaseLock: () => void;
  private readonly readOnly;
  private readonly readWrite;
  private readonly tx: Tx;
  private readonly begin;
  private readonly beginRead;
  private readonly commit;
  private readonly rollback;

  constructor(
    /** The drizzle handle; only the adapter and its own tests reach it. */
    readonly db: SqliteDb,
    readonly location: string,
  ) {
    const turns = lockFor(location);
    this.lock = turns.lock;
    this.releaseLock = () => turns.release();
    const client = db.$client;
    this.readOnly = client.prepare('PRAGMA query_only = ON');
    this.readWrite = client.prepare('PRAGMA query_only = OFF');
    this.begin = client.prepare('BEGIN IMMEDIATE');
    this.beginRead = client.prepare('BEGIN');
    this.commit = client.prepare('COMMIT');
    this.rollback = client.prepare('ROLLBACK');
    this.tx = {
      cases: sqliteCases(db),
      events: sqliteEventLog(db),
      deadlines: sqliteDeadlines(db),
      outbox: sqliteOutbox(db),
      notifications: sqliteNotifications(db),
      accounts: sqliteAccounts(db),
      reporters: sqliteReporters(db),
      supervision: sqliteSupervision(db),
    };
  }

  withTransaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
    return this.run(this.begin, fn);
  }

  /** A deferred transaction with writes refused (`query_only`), as the port promises. */
  async read<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
    return this.run(this.beginRead, async (tx) => {
      this.readOnly.run();
      try {
        return await fn(tx);
      } finally {
        this.readWrite.run();
      }
    });
  }

  async dumpAll(): Promise<Record<string, unknown[]>> {
    return this.read(async () => {
      const client = this.db.$client;
      const tables = client
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '__drizzle%' ORDER BY name")
        .all() as { name: string }[];
      return Object.fromEntries(tables.map(({ name }) => [name, client.prepare(`SELECT * FROM "${name}" ORDER BY rowid`).all()]));
    });
  }

  async close(): Promise<void> {
    const release = await this.lock.acquire();
    try {
      if (this.db.$client.open) {
        this.db.$client.close();
        this.releaseLock();
      }
    } finally {
      release();
    }
  }

  private async run<T>(begin: { run(): unknown }, fn: (tx: Tx) => Promise<T>): Promise<T> {
    const release = await this.lock.acquire();
    try {
      begin.run();
      let result: T;
      try {
        result = await fn(this.tx);
      } catch (error) {
        if (this.db.$client.inTransaction) this.rollback.run();
        throw error;
      }
      try {
        this.commit.run();
      } catch (error) {
        if (this.db.$client.inTransaction) this.rollback.run();
        throw error;
      }
      return result;
    } finally {
      release();
    }
  }
}

/** Opens (creating and migrating if needed) the SQLite store in `file`. */
export function openSqliteStore(file: string): SqliteStore {
  return new SqliteStore(openSqlite(file), file);
}
