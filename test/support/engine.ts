/**
 * Test fixtures: caseflow on its own database, with a manual clock, built by the same composition
 * root as production. The database is a SQLite file in a temporary folder, or with
 * `CASEFLOW_TEST_BACKEND=postgres` a PostgreSQL database of its own (test/support/backend.ts).
 */
import { composeCaseflow, type CaseflowOptions, type ComposedCaseflow } from '../../app/compose';
import type { Store } from '../../db/port';
import type { Actor } from '../../machines/types';
import { ManualClock } from '../../src/clock';
import { IdentitySeal, makeKeyring, newKeyLine, parseKeyEncryptionKey, type KeyEncryptionKey } from '../../src/privacy/identitySeal';
import type { CaseEngine } from '../../src/engine/engine';
import { createTestDatabase, type TestBackend, type TestDatabase } from './backend';
import { assertDataFileHoldsNoSecret, secretsSeenSoFar } from './capture';

interface EngineFixtureBase {
  cf: ComposedCaseflow;
  engine: CaseEngine;
  store: Store;
  clock: ManualClock;
  backend: TestBackend;
  /** The environment that makes a `caseflow` child process (a worker, say) open this database. */
  env: Record<string, string>;
  /** The CLI flags that make `caseflow` open this database (`--db <file>` or `--database-url <url>`). */
  args: string[];
  /** Another caseflow on the same database, as a second process would have (its own connection). */
  openAnother(options?: Partial<CaseflowOptions>): Promise<ComposedCaseflow>;
  /** Everything stored, table by table: to prove a refused request changed nothing. */
  dump(): Promise<Record<string, unknown[]>>;
  cleanup(): Promise<void>;
}

/** caseflow on a database of the run's backend: a SQLite `file`, or a PostgreSQL `url`. */
export type EngineFixture = EngineFixtureBase &
  ({ backend: 'sqlite'; file: string; url?: undefined } | { backend: 'postgres'; url: string; file?: undefined });

/** A seal with a fresh random key (`kid` names it), as each test office gets. */
export function testIdentitySeal(kid = 'test-1', older: readonly KeyEncryptionKey[] = []): IdentitySeal {
  return new IdentitySeal(makeKeyring(parseKeyEncryptionKey(newKeyLine(kid), 'the test key'), older));
}

/** 2026-11-25 20:00 in Shanghai: the evening a criticism report is aired. */
export const AIRED_AT = '2026-11-25T20:00:00+08:00';

/** Builds caseflow on a fresh database; call `cleanup()` afterwards. */
export async function engineFixture(options: Partial<CaseflowOptions> = {}, start: string = AIRED_AT): Promise<EngineFixture> {
  const database: TestDatabase = await createTestDatabase();
  const clock = new ManualClock(Date.parse(start));
  const identitySeal = testIdentitySeal();
  const opened: ComposedCaseflow[] = [];
  const build = async (extra: Partial<CaseflowOptions>) => {
    // every test database has its own identity key, as an office would (a test may pass null: no key)
    const cf = composeCaseflow({ clock, identitySeal, ...options, ...extra, store: await database.openStore() });
    opened.push(cf);
    return cf;
  };
  let cf: ComposedCaseflow;
  try {
    cf = await build({});
  } catch (error) {
    await database.drop();
    throw error;
  }
  const secretsBefore = secretsSeenSoFar();
  const base: EngineFixtureBase = {
    cf,
    engine: cf.engine,
    store: cf.store,
    clock,
    backend: database.backend,
    env: database.env,
    args: database.args,
    openAnother: (extra = {}) => build(extra),
    dump: () => cf.store.dumpAll(),
    cleanup: async () => {
      try {
        for (const other of opened.splice(0)) await other.close();
        // the byte search: nothing this test handed out is in its data file
        if (database.backend === 'sqlite') assertDataFileHoldsNoSecret(database.file, secretsBefore);
      } finally {
        await database.drop();
      }
    },
  };
  return database.backend === 'sqlite' ? { ...base, backend: 'sqlite', file: database.file } : { ...base, backend: 'postgres', url: database.url };
}

export const supervisor: Actor = { id: 'li.wei', role: 'supervisor' };
export const liaison: Actor = { id: 'zhou.min', role: 'unitLiaison' };
export const clerk: Actor = { id: 'wang.fang', role: 'intakeClerk' };
export const worker: Actor = { id: 'deadline-worker', role: 'system' };

/** A rectification input: "Seeing" criticized the housing bureau at 20:00. */
export const criticism = (unit = 'Municipal Housing Bureau', airedAt = AIRED_AT) => ({
  unit,
  report: 'Seeing: applicants wait weeks for a stamp',
  airedAt,
});
