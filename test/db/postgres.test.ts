/**
 * The store contract on PostgreSQL: every test on its own database, a clone of a template the
 * migrations were applied to once (see test/db/postgres/databases.ts). It runs twice: with the
 * server's default collation, and with an ICU one (en-US), where text does not sort by bytes.
 * Then what is PostgreSQL's own: migrations under the lock, JSON as text, a store in a schema.
 *
 * JSON columns are jsonb, which gives back the same JSON but not the same text (keys reordered,
 * spaces added), so here the contract compares JSON text as JSON (test/db/postgres/jsonText.ts).
 */
import fs from 'node:fs';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { GENESIS } from '../../db/chain';
import { StoreUnavailableError } from '../../db/errors';
import { MIGRATIONS_FOLDER, openPostgresStore, type PostgresOptions, type PostgresStore } from '../../db/postgres';
import { databaseUrl, postgresTestDatabases, TEST_DATABASE_URL, type TestDatabase } from './postgres/databases';
import { compareJsonTextAsJson } from './postgres/jsonText';
import { aCase, aDeadline, storeContract } from './storeContract';

compareJsonTextAsJson();

/** How many migrations drizzle-kit has committed (db/postgres/migrations/meta/_journal.json). */
const MIGRATIONS = (JSON.parse(fs.readFileSync(path.join(MIGRATIONS_FOLDER, 'meta', '_journal.json'), 'utf8')) as { entries: unknown[] }).entries.length;

for (const [name, icuLocale] of [
  ['postgres', undefined],
  ['postgres, collated en-US', 'en-US'],
] as const) {
  const databases = postgresTestDatabases({ icuLocale });
  afterAll(() => databases.dispose());

  storeContract(name, async () => {
    const database = await databases.create();
    const store = await openPostgresStore(database.url).catch(async (error: unknown) => {
      await database.drop();
      throw error;
    });
    return {
      store,
      cleanup: async () => {
        try {
          await store.close();
        } finally {
          await database.drop();
        }
      },
    };
  });
}

describe('postgres adapter', () => {
  const databases = postgresTestDatabases();
  afterAll(() => databases.dispose());
  let database: TestDatabase | undefined;
  const stores: PostgresStore[] = [];
  /** A store on `url`, closed after the test. */
  const open = async (url: string, options?: PostgresOptions) => {
    const store = await openPostgresStore(url, options);
    stores.push(store);
    return store;
  };
  afterEach(async () => {
    try {
      await Promise.all(stores.splice(0).map((s) => s.close()));
    } finally {
      await database?.drop();
      database = undefined;
    }
  });

  test('stores opening an empty database at once migrate it once', async () => {
    database = await databases.create({ empty: true });
    const [first] = await Promise.all([1, 2, 3, 4].map(() => open(database!.url)));
    const applied = await first!.db.execute<{ n: number }>(sql`SELECT count(*)::int AS n FROM drizzle.__drizzle_migrations`);
    expect(applied.rows).toEqual([{ n: MIGRATIONS }]);
    await open(database.url);
    expect((await first!.db.execute<{ n: number }>(sql`SELECT count(*)::int AS n FROM drizzle.__drizzle_migrations`)).rows).toEqual([{ n: MIGRATIONS }]);
    expect(Object.keys(await first!.dumpAll())).toHaveLength(15);
  });

  test('location is the URL without its password', async () => {
    database = await databases.create();
    const url = new URL(database.url);
    url.password = 's3cret'; // the test server trusts, so any password opens it
    const store = await open(url.toString());
    expect(store.location).toBe(database.url);
    expect(store.location).not.toContain('s3cret');
    expect(store.dialect).toBe('postgres');
  });

  test('JSON columns hold jsonb and read back as JSON text, never parsed twice', async () => {
    database = await databases.create();
    const store = await open(database.url);
    const row = aCase({ snapshot: JSON.stringify({ value: 'planDue', context: { note: '0.1', big: 1796817600000 } }) });
    await store.withTransaction(async (tx) => {
      await tx.cases.insert(row);
      // a JSON string scalar: node-postgres' own jsonb parser and then a JSON column's would make it 0.1
      await tx.events.append({ ...anEntry(row), payload: '"0.1"' });
    });
    const stored = await store.db.execute<{ type: string; value: string }>(sql`SELECT jsonb_typeof(snapshot) AS type, snapshot #>> '{context,note}' AS value FROM cases`);
    expect(stored.rows).toEqual([{ type: 'object', value: '0.1' }]);
    const read = await store.read((tx) => tx.cases.byId(row.id));
    expect(typeof read?.snapshot).toBe('string');
    expect(JSON.parse(read!.snapshot)).toEqual(JSON.parse(row.snapshot));
    expect((await store.read((tx) => tx.events.ofCase(row.id))).map((e) => e.payload)).toEqual(['"0.1"']);
    const dumped = (await store.dumpAll()).cases as { snapshot: unknown; created_at: unknown }[];
    expect(typeof dumped[0]!.snapshot).toBe('string');
    expect(dumped[0]!.created_at).toBe(row.createdAt);
  });

  test('a store in a schema of its own sees only its own tables and rows', async () => {
    database = await databases.create({ empty: true });
    const [a, b] = await Promise.all([open(database.url, { schemaName: 'caseflow_a' }), open(database.url, { schemaName: 'caseflow_b' })]);
    const owner = aCase({ id: 'only-in-a' });
    await a.withTransaction((tx) => tx.cases.insert(owner));
    expect(await a.read((tx) => tx.cases.byId(owner.id))).toEqual(owner);
    expect(await b.read((tx) => tx.cases.byId(owner.id))).toBeUndefined();
    // b's deadlines refer to b's cases, not to a's (nor to public's)
    await expect(b.withTransaction((tx) => tx.deadlines.insert(aDeadline(owner)))).rejects.toMatchObject({ code: '23503' }); // foreign_key_violation
    await a.withTransaction((tx) => tx.deadlines.insert(aDeadline(owner)));
    const tables = await a.db.execute<{ schema: string; n: number }>(
      sql`SELECT table_schema AS schema, count(*)::int AS n FROM information_schema.tables WHERE table_schema NOT IN ('pg_catalog', 'information_schema') GROUP BY 1 ORDER BY 1`,
    );
    expect(tables.rows).toEqual([
      { schema: 'caseflow_a', n: 16 }, // fifteen tables and the migrations
      { schema: 'caseflow_b', n: 16 },
    ]);
    expect(Object.keys(await b.dumpAll())).toHaveLength(15);
    await expect(openPostgresStore(database.url, { schemaName: 'Robert"); DROP TABLE cases; --' })).rejects.toThrow('not a schema name');
  });

  test('a write kept waiting past busyTimeoutMs is StoreUnavailableError(busy) and leaves nothing', async () => {
    database = await databases.create();
    const store = await open(database.url, { busyTimeoutMs: 100 });
    const row = aCase();
    await store.withTransaction((tx) => tx.cases.insert(row));
    let locked!: () => void;
    const holding = new Promise<void>((resolve) => (locked = resolve));
    const holder = store.withTransaction(async (tx) => {
      await tx.cases.update({ ...row, state: 'planReview', version: 2 }, 1);
      locked();
      await delay(600);
    });
    await holding;
    const started = Date.now();
    const waiting = store.withTransaction(async (tx) => {
      await tx.events.append(anEntry(row));
      return tx.cases.update({ ...row, state: 'escalated', version: 2 }, 1);
    });
    await expect(waiting).rejects.toBeInstanceOf(StoreUnavailableError);
    await expect(waiting).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE', reason: 'busy', cause: { code: '55P03' } });
    expect(Date.now() - started).toBeLessThan(500);
    await holder;
    expect(await store.read((tx) => tx.cases.byId(row.id))).toMatchObject({ state: 'planReview', version: 2 });
    expect(await store.read((tx) => tx.events.ofCase(row.id))).toEqual([]);
  });

  test('a write transaction that reads a case holds it: another writer of the case waits and decides on what the first wrote', async () => {
    database = await databases.create();
    const store = await open(database.url);
    const row = aCase();
    await store.withTransaction((tx) => tx.cases.insert(row));
    let loaded!: () => void;
    const holding = new Promise<void>((resolve) => (loaded = resolve));
    const first = store.withTransaction(async (tx) => {
      await tx.cases.byId(row.id);
      loaded();
      await delay(300);
      return tx.cases.update({ ...row, state: 'planReview', version: 2 }, 1);
    });
    await holding;
    // a read does not wait: it sees the case as committed
    expect(await store.read((tx) => tx.cases.byId(row.id))).toMatchObject({ version: 1 });
    const second = store.withTransaction(async (tx) => {
      const seen = (await tx.cases.byId(row.id))!;
      return { seen: seen.version, updated: await tx.cases.update({ ...seen, state: 'escalated', version: seen.version + 1 }, seen.version) };
    });
    expect(await first).toBe(true);
    expect(await second).toEqual({ seen: 2, updated: true });
    expect(await store.read((tx) => tx.cases.byId(row.id))).toMatchObject({ state: 'escalated', version: 3 });
  });

  test('two dispatchers claiming at the same moment take disjoint wake-ups, neither waiting on the other (SKIP LOCKED)', async () => {
    database = await databases.create();
    const store = await open(database.url);
    const owner = aCase();
    await store.withTransaction((tx) => tx.cases.insert(owner));
    for (const id of ['d-1', 'd-2', 'd-3', 'd-4']) await store.withTransaction((tx) => tx.deadlines.insert(aDeadline(owner, { id })));
    const now = owner.createdAt;
    let claimed!: () => void;
    const holding = new Promise<void>((resolve) => (claimed = resolve));
    let firstCommitted = false;
    const first = store
      .withTransaction(async (tx) => {
        const mine = await tx.outbox.claim(now, now + 30_000, 2);
        claimed();
        await delay(500);
        return mine.map((w) => w.deadlineId);
      })
      .finally(() => (firstCommitted = true));
    await holding;
    // the first claim is not committed yet: its rows carry no lease the second could see, only locks
    const second = await store.withTransaction(async (tx) => (await tx.outbox.claim(now, now + 30_000, 10)).map((w) => w.deadlineId));
    expect(firstCommitted).toBe(false);
    expect(second).toEqual(['d-3', 'd-4']);
    expect(await first).toEqual(['d-1', 'd-2']);
  });

  test('errors of the function a transaction runs pass through as they are', async () => {
    database = await databases.create();
    const store = await open(database.url);
    const mine = new Error('Connection terminated by the caller, not by the database');
    await expect(store.withTransaction(() => Promise.reject(mine))).rejects.toBe(mine);
    await expect(store.read(() => Promise.reject(mine))).rejects.toBe(mine);
  });

  test('a connection lost mid-transaction fails that transaction only, as StoreUnavailableError(unreachable)', async () => {
    database = await databases.create();
    const store = await open(database.url);
    let entered!: () => void;
    let resume!: () => void;
    const inside = new Promise<void>((resolve) => (entered = resolve));
    const proceed = new Promise<void>((resolve) => (resume = resolve));
    const doomed = store.withTransaction(async (tx) => {
      await tx.cases.insert(aCase({ id: 'lost' }));
      entered();
      await proceed;
      return tx.cases.byId('lost');
    });
    await inside;
    const ended = await store.db.execute<{ ended: boolean }>(
      sql`SELECT pg_terminate_backend(pid) AS ended FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND state = 'idle in transaction'`,
    );
    expect(ended.rows).toEqual([{ ended: true }]);
    await delay(50); // the server's goodbye reaches the client while no query runs
    resume();
    await expect(doomed).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE', reason: 'unreachable' });
    expect(await store.read((tx) => tx.cases.byId('lost'))).toBeUndefined();
    await store.withTransaction((tx) => tx.cases.insert(aCase({ id: 'kept' })));
    expect(await store.read((tx) => tx.cases.byId('kept'))).toMatchObject({ id: 'kept' });
  });

  test('a closed store refuses transactions; closing again is harmless', async () => {
    database = await databases.create();
    const store = await open(database.url);
    await store.close();
    await store.close();
    await expect(store.read((tx) => tx.cases.byId('x'))).rejects.toThrow();
  });

  test('a database that does not exist is an error, and leaves no pool open', async () => {
    await expect(openPostgresStore(databaseUrl(TEST_DATABASE_URL, 'cf_no_such_database'))).rejects.toHaveProperty('message', expect.stringContaining('does not exist'));
  });
});

const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** A log entry of `owner`. */
function anEntry(owner: ReturnType<typeof aCase>) {
  return {
    caseId: owner.id,
    version: owner.version,
    kind: 'created' as const,
    type: 'CREATE',
    actorId: 'li.wei',
    actorRole: 'supervisor',
    at: owner.createdAt,
    payload: '{}',
    fromState: null,
    toState: owner.state,
    seq: 1,
    prevHash: GENESIS,
    hash: 'a'.repeat(64),
  };
}
