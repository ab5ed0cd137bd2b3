/**
 * Tamper drills on a real database, SQLite file and PostgreSQL alike: an attacker who holds the data
 * drops the append-only triggers, then edits, deletes, reorders or cuts off log rows. Every drill is
 * caught by the audit with the reason that fits; with the triggers in place the database itself
 * refuses to change or delete a log row.
 */
import { generateKeyPairSync } from 'node:crypto';
import Database from 'better-sqlite3';
import pg from 'pg';
import { composeCaseflow, type ComposedCaseflow } from '../../app/compose';
import { entryHash } from '../../db/chain';
import type { CaseEventRecord } from '../../db/records';
import { ManualClock } from '../../src/clock';
import { CaseLogAudit } from '../../src/engine/audit';
import { createTestDatabase, disposeTestDatabases, type TestBackend, type TestDatabase } from '../support/backend';
import { AIRED_AT, criticism, liaison, supervisor } from '../support/engine';

/** SQL straight on the data, as someone holding the file (or the database owner's password) would run it. */
interface RawAccess {
  run(sql: string, params?: unknown[]): Promise<void>;
  dropTriggers(): Promise<void>;
  close(): Promise<void>;
}

function rawAccess(database: TestDatabase): RawAccess {
  if (database.backend === 'sqlite') {
    const client = new Database(database.file);
    const now = (fn: () => void) => new Promise<void>((resolve) => resolve(fn()));
    return {
      run: (sql, params = []) => now(() => client.prepare(sql).run(...params)),
      dropTriggers: () => now(() => client.exec('DROP TRIGGER case_events_no_update; DROP TRIGGER case_events_no_delete;')),
      close: () => now(() => client.close()),
    };
  }
  const client = new pg.Client({ connectionString: database.url });
  const connected = client.connect();
  return {
    run: async (sql, params = []) => {
      await connected;
      // $1, $2 … for PostgreSQL where the drill writes ?
      let n = 0;
      await client.query(sql.replace(/\?/g, () => `$${++n}`), params);
    },
    dropTriggers: async () => {
      await connected;
      await client.query('DROP TRIGGER case_events_no_update_or_delete ON case_events; DROP TRIGGER case_events_no_truncate ON case_events;');
    },
    close: () => client.end(),
  };
}

const backends: TestBackend[] = ['sqlite', 'postgres'];

describe.each(backends)('tamper drills on %s', (backend) => {
  let database: TestDatabase;
  let cf: ComposedCaseflow;
  let raw: RawAccess;
  let audit: CaseLogAudit;
  let caseId: string;
  let log: CaseEventRecord[];

  beforeEach(async () => {
    database = await createTestDatabase(backend);
    const clock = new ManualClock(Date.parse(AIRED_AT));
    cf = composeCaseflow({ clock, store: await database.openStore() });
    const opened = await cf.engine.createCase({ type: 'rectification', input: criticism(), actor: supervisor });
    await cf.engine.createCase({ type: 'rectification', input: criticism('Water Bureau'), actor: supervisor });
    caseId = opened.id;
    clock.advance(5 * 60_000);
    await cf.engine.applyEvent(caseId, { type: 'NOTIFY_UNIT', liaisonId: liaison.id }, supervisor);
    clock.advance(20 * 60_000);
    await cf.engine.applyEvent(caseId, { type: 'SUBMIT_PLAN', plan: 'Same-day stamps', measures: ['a fast lane'], completionDueAt: '2026-12-10T18:00:00+08:00' }, liaison);
    clock.advance(20 * 60_000);
    await cf.engine.applyEvent(caseId, { type: 'ACCEPT_PLAN', reason: 'measures are concrete' }, supervisor);
    log = await cf.store.read((tx) => tx.events.ofCase(caseId));
    audit = new CaseLogAudit({ store: cf.store, clock, pageSize: 1 });
    raw = rawAccess(database);
  });

  afterEach(async () => {
    await raw.close();
    await cf.close();
    await database.drop();
  });
  afterAll(() => disposeTestDatabases());

  const entry = (seq: number): CaseEventRecord => log.find((e) => e.seq === seq)!;
  const reasonOf = async () => (await audit.verifyCase(caseId)).breaks.map((b) => [b.reason, b.seq]);

  test('an untouched log verifies, case by case and all together', async () => {
    expect(log.map((e) => e.seq)).toEqual([1, 2, 3, 4]);
    expect(await audit.verifyCase(caseId)).toEqual({ ok: true, cases: 1, events: 4, breaks: [] });
    expect(await audit.verifyAll()).toMatchObject({ ok: true, cases: 2, events: 5, breaks: [] });
  });

  test('the database refuses to change or delete a log row', async () => {
    const before = await cf.store.dumpAll();
    await expect(raw.run('UPDATE case_events SET actor_id = ? WHERE id = ?', ['mallory', entry(2).id])).rejects.toMatchObject({ message: expect.stringMatching(/append-only/) });
    await expect(raw.run('DELETE FROM case_events WHERE id = ?', [entry(2).id])).rejects.toMatchObject({ message: expect.stringMatching(/append-only/) });
    if (backend === 'postgres') await expect(raw.run('TRUNCATE case_events CASCADE')).rejects.toMatchObject({ message: expect.stringMatching(/append-only/) });
    expect(await cf.store.dumpAll()).toEqual(before);
  });

  test('an edited payload is caught at its entry', async () => {
    await raw.dropTriggers();
    await raw.run('UPDATE case_events SET payload = ? WHERE id = ?', [JSON.stringify({ plan: 'Nothing to change', measures: [] }), entry(3).id]);
    expect(await reasonOf()).toEqual([['edited', 3]]);
  });

  test('a changed actor is caught at its entry', async () => {
    await raw.dropTriggers();
    await raw.run('UPDATE case_events SET actor_id = ? WHERE id = ?', ['mallory', entry(4).id]);
    expect(await reasonOf()).toEqual([['edited', 4]]);
    const all = await audit.verifyAll();
    expect(all.ok).toBe(false);
    expect(all.breaks).toEqual([expect.objectContaining({ caseId, reason: 'edited', eventId: entry(4).id, message: expect.stringContaining('edited') })]);
  });

  test('a deleted row is caught at the entry after it', async () => {
    await raw.dropTriggers();
    await raw.run('DELETE FROM case_events WHERE id = ?', [entry(2).id]);
    expect(await reasonOf()).toEqual([['deleted', 3]]);
  });

  test('two reordered rows are caught where the first stands', async () => {
    await raw.dropTriggers();
    const swap = async (target: CaseEventRecord, from: CaseEventRecord) =>
      raw.run('UPDATE case_events SET version = ?, kind = ?, type = ?, actor_id = ?, actor_role = ?, at = ?, payload = ?, from_state = ?, to_state = ?, seq = ?, prev_hash = ?, hash = ? WHERE id = ?', [
        from.version,
        from.kind,
        from.type,
        from.actorId,
        from.actorRole,
        from.at,
        from.payload,
        from.fromState,
        from.toState,
        from.seq,
        from.prevHash,
        from.hash,
        target.id,
      ]);
    await swap(entry(2), entry(3));
    await swap(entry(3), entry(2));
    expect(await reasonOf()).toEqual([['reordered', 3]]);
  });

  test('a truncated tail is caught at the case row', async () => {
    await raw.dropTriggers();
    await raw.run('DELETE FROM case_events WHERE id = ?', [entry(4).id]);
    expect(await reasonOf()).toEqual([['truncated', null]]);
  });

  test("one row's hash recomputed without the next is caught at the next", async () => {
    await raw.dropTriggers();
    const forged = { ...entry(2), payload: JSON.stringify({ liaisonId: 'mallory' }) };
    await raw.run('UPDATE case_events SET payload = ?, hash = ? WHERE id = ?', [forged.payload, entryHash(forged, 2, forged.prevHash!), forged.id]);
    expect(await reasonOf()).toEqual([['relinked', 3]]);
  });

  test('a row inserted outside the writer is caught as unsealed', async () => {
    const last = entry(4);
    await raw.run('INSERT INTO case_events (case_id, version, kind, type, actor_id, actor_role, at, payload) VALUES (?, ?, ?, ?, ?, ?, ?, ?)', [
      caseId,
      last.version,
      'transition',
      'DEADLINE_MISSED',
      'mallory',
      'system',
      last.at + 1,
      '{}',
    ]);
    expect(await reasonOf()).toEqual([['unsealed', null]]);
  });

  describe('against a signed checkpoint', () => {
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');

    test('a tail cut off together with the head on the case row', async () => {
      const checkpoint = await audit.checkpoint(privateKey);
      expect(checkpoint).toMatchObject({ lastEventId: entry(4).id, cases: 2, keyId: expect.stringMatching(/^[0-9a-f]{16}$/) });
      expect((await audit.verifyAll({ checkpoint, publicKey })).checkpoint).toEqual({ ok: true, lastEventId: entry(4).id });
      await raw.dropTriggers();
      await raw.run('DELETE FROM case_events WHERE id = ?', [entry(4).id]);
      await raw.run('UPDATE cases SET chain_seq = ?, chain_head = ? WHERE id = ?', [3, entry(3).hash, caseId]);
      expect(await audit.verifyCase(caseId)).toMatchObject({ ok: true });
      const report = await audit.verifyAll({ checkpoint, publicKey });
      expect(report.ok).toBe(false);
      expect(report.checkpoint?.problem?.reason).toBe('truncatedSinceCheckpoint');
    });

    test('a chain rewritten from an entry onwards, head and all', async () => {
      const checkpoint = await audit.checkpoint(privateKey);
      await raw.dropTriggers();
      let prev = entry(2).prevHash!;
      for (const seq of [2, 3, 4]) {
        const forged = { ...entry(seq), actorId: seq === 2 ? 'mallory' : entry(seq).actorId };
        const hash = entryHash(forged, seq, prev);
        await raw.run('UPDATE case_events SET actor_id = ?, prev_hash = ?, hash = ? WHERE id = ?', [forged.actorId, prev, hash, forged.id]);
        prev = hash;
      }
      await raw.run('UPDATE cases SET chain_head = ? WHERE id = ?', [prev, caseId]);
      expect(await audit.verifyCase(caseId)).toMatchObject({ ok: true });
      const report = await audit.verifyAll({ checkpoint, publicKey });
      expect(report.checkpoint?.problem?.reason).toBe('rewrittenSinceCheckpoint');
    });

    test('a checkpoint signed by another key, or altered, is refused', async () => {
      const checkpoint = await audit.checkpoint(privateKey);
      const other = generateKeyPairSync('ed25519');
      expect((await audit.verifyAll({ checkpoint, publicKey: other.publicKey })).checkpoint?.problem?.reason).toBe('badSignature');
      const altered = { ...checkpoint, lastEventId: checkpoint.lastEventId - 1 };
      expect((await audit.verifyAll({ checkpoint: altered, publicKey })).checkpoint?.problem?.reason).toBe('badSignature');
    });
  });
});
