/**
 * Upgrading a database written before the hash chain: opening it with this caseflow applies the
 * chain's migrations and seals the old log rows once, under the migration lock, so that the audit
 * passes on the upgraded data; the append-only triggers hold from then on.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { drizzle as sqliteDrizzle } from 'drizzle-orm/better-sqlite3';
import { migrate as sqliteMigrate } from 'drizzle-orm/better-sqlite3/migrator';
import { drizzle as pgDrizzle } from 'drizzle-orm/node-postgres';
import { migrate as pgMigrate } from 'drizzle-orm/node-postgres/migrator';
import pg from 'pg';
import { openPostgresStore, MIGRATIONS_FOLDER as PG_MIGRATIONS } from '../../db/postgres';
import type { Store } from '../../db/port';
import { MIGRATIONS_FOLDER as SQLITE_MIGRATIONS, openSqliteStore } from '../../db/sqlite';

import { systemClock } from '../../src/clock';
import { CaseLogAudit } from '../../src/engine/audit';
import { postgresTestDatabases } from './postgres/databases';

/** A copy of `folder` holding only the migrations from before the hash chain. */
function migrationsBeforeTheChain(folder: string, into: string): string {
  const journal = JSON.parse(fs.readFileSync(path.join(folder, 'meta', '_journal.json'), 'utf8')) as { entries: { tag: string }[] };
  const cut = journal.entries.findIndex((e) => e.tag.endsWith('_case_log_chain'));
  expect(cut).toBeGreaterThan(0);
  const entries = journal.entries.slice(0, cut);
  fs.mkdirSync(path.join(into, 'meta'), { recursive: true });
  for (const { tag } of entries) fs.copyFileSync(path.join(folder, `${tag}.sql`), path.join(into, `${tag}.sql`));
  fs.writeFileSync(path.join(into, 'meta', '_journal.json'), JSON.stringify({ ...journal, entries }));
  return into;
}

const T0 = Date.parse('2026-11-25T12:00:00Z');
/** Two cases and five log rows, as the old schema stored them (no chain columns). */
const OLD_CASES = ['RC-OLD-1', 'RC-OLD-2'];
const OLD_EVENTS: [string, number, string, string][] = [
  ['RC-OLD-1', 1, 'created', 'CASE_OPENED'],
  ['RC-OLD-2', 1, 'created', 'CASE_OPENED'],
  ['RC-OLD-1', 2, 'transition', 'NOTIFY_UNIT'],
  ['RC-OLD-1', 2, 'deadlineStep', 'DEADLINE_STEP'],
  ['RC-OLD-2', 2, 'transition', 'NOTIFY_UNIT'],
];
const CASE_SQL =
  "INSERT INTO cases (id, type, machine_version, state, status, snapshot, version, time_zone, created_by, created_at, updated_at) VALUES (?, 'rectification', 1, 'planDue', 'open', '{}', 2, 'Asia/Shanghai', 'li.wei', ?, ?)";
const EVENT_SQL = "INSERT INTO case_events (case_id, version, kind, type, actor_id, actor_role, at, payload) VALUES (?, ?, ?, ?, 'li.wei', 'supervisor', ?, ?)";

async function expectSealed(store: Store): Promise<void> {
  const report = await new CaseLogAudit({ store, clock: systemClock }).verifyAll();
  expect(report).toEqual({ ok: true, cases: 2, events: 5, breaks: [] });
  const first = await store.read((tx) => tx.events.ofCase('RC-OLD-1'));
  expect(first.map((e) => [e.type, e.seq])).toEqual([
    ['CASE_OPENED', 1],
    ['NOTIFY_UNIT', 2],
    ['DEADLINE_STEP', 3],
  ]);
  expect(await store.read((tx) => tx.cases.chainHead('RC-OLD-1'))).toEqual({ seq: 3, hash: first[2]!.hash });
  expect(Object.keys(await store.dumpAll())).not.toContain('case_log_backfill');
}

describe('a database from before the hash chain is sealed on upgrade', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'caseflow-upgrade-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('SQLite file', async () => {
    const file = path.join(dir, 'old.sqlite');
    const old = new Database(file);
    sqliteMigrate(sqliteDrizzle(old), { migrationsFolder: migrationsBeforeTheChain(SQLITE_MIGRATIONS, path.join(dir, 'migrations')) });
    for (const id of OLD_CASES) old.prepare(CASE_SQL).run(id, T0, T0);
    OLD_EVENTS.forEach(([caseId, version, kind, type], i) => old.prepare(EVENT_SQL).run(caseId, version, kind, type, T0 + i, JSON.stringify({ n: i, note: 'ü' })));
    old.close();

    const store = openSqliteStore(file);
    try {
      await expectSealed(store);
    } finally {
      await store.close();
    }
    // opened again, nothing is sealed twice
    const again = openSqliteStore(file);
    try {
      await expectSealed(again);
      await expect(again.withTransaction(async () => Promise.resolve(again.db.$client.prepare("UPDATE case_events SET seq = 9 WHERE case_id = 'RC-OLD-2'").run()))).rejects.toMatchObject({ message: expect.stringMatching(/append-only/) });
    } finally {
      await again.close();
    }
  });

  test('PostgreSQL database', async () => {
    const databases = postgresTestDatabases();
    const database = await databases.create({ empty: true });
    try {
      const client = new pg.Client({ connectionString: database.url });
      await client.connect();
      try {
        await pgMigrate(pgDrizzle({ client }), { migrationsFolder: migrationsBeforeTheChain(PG_MIGRATIONS, path.join(dir, 'migrations')) });
        const numbered = (sql: string) => {
          let n = 0;
          return sql.replace(/\?/g, () => `$${++n}`);
        };
        for (const id of OLD_CASES) await client.query(numbered(CASE_SQL), [id, T0, T0]);
        for (const [i, [caseId, version, kind, type]] of OLD_EVENTS.entries()) {
          await client.query(numbered(EVENT_SQL), [caseId, version, kind, type, T0 + i, JSON.stringify({ n: i, note: 'ü' })]);
        }
      } finally {
        await client.end();
      }
      const store = await openPostgresStore(database.url);
      try {
        await expectSealed(store);
      } finally {
        await store.close();
      }
    } finally {
      await database.drop();
      await databases.dispose();
    }
  });
});
