/**
 * A database failure in the middle of a write (provoked with a `RAISE(ABORT)` trigger) rolls the
 * whole write back: snapshot, log entry and deadline rows together.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { composeCaseflow, type ComposedCaseflow } from '../../../app/compose';
import { openSqliteStore, type SqliteStore } from '../../../db/sqlite';
import { ManualClock } from '../../../src/clock';
import { AIRED_AT, criticism, liaison, supervisor } from '../../support/engine';

/**
 * The message a rejected promise carries. (better-sqlite3's native part creates its SqliteError from
 * the first test file that loaded the driver in this jest worker, so in a later file it is not an
 * `Error` of this file's realm and `rejects.toThrow` would not see it as thrown.)
 */
const failureOf = (promise: Promise<unknown>): Promise<string> =>
  promise.then(
    () => 'resolved',
    (error: unknown) => String((error as { message?: unknown }).message),
  );

describe('sqlite: a failure at any step of a write changes nothing', () => {
  let dir: string;
  let store: SqliteStore;
  let cf: ComposedCaseflow;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'caseflow-sqlite-'));
    store = openSqliteStore(path.join(dir, 'caseflow.sqlite'));
    cf = composeCaseflow({ store, clock: new ManualClock(Date.parse(AIRED_AT)) });
  });
  afterEach(async () => {
    await cf.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('a database failure while opening the next deadline rolls back the snapshot and the event row', async () => {
    const caseId = (await cf.engine.createCase({ type: 'rectification', input: criticism(), actor: supervisor })).id;
    await cf.engine.applyEvent(caseId, { type: 'NOTIFY_UNIT', liaisonId: liaison.id }, supervisor);
    store.db.$client.exec(
      "CREATE TRIGGER fail_review_deadline BEFORE INSERT ON deadlines WHEN NEW.kind = 'planReviewDue' BEGIN SELECT RAISE(ABORT, 'disk full'); END",
    );
    const before = await store.dumpAll();
    expect(
      await failureOf(
        cf.engine.applyEvent(caseId, { type: 'SUBMIT_PLAN', plan: 'x', measures: ['y'], completionDueAt: '2026-12-10T00:00:00Z' }, liaison),
      ),
    ).toContain('disk full');
    expect(await store.dumpAll()).toEqual(before);
    expect(await cf.engine.getCase(caseId)).toMatchObject({ state: 'planDue', version: 2 });

    store.db.$client.exec('DROP TRIGGER fail_review_deadline');
    const retried = await cf.engine.applyEvent(
      caseId,
      { type: 'SUBMIT_PLAN', plan: 'x', measures: ['y'], completionDueAt: '2026-12-10T00:00:00Z' },
      liaison,
    );
    expect(retried.case).toMatchObject({ state: 'planReview', version: 3 });
  });

  it('a database failure while logging the opening of a case leaves no case behind', async () => {
    store.db.$client.exec("CREATE TRIGGER fail_log BEFORE INSERT ON case_events WHEN NEW.kind = 'created' BEGIN SELECT RAISE(ABORT, 'log full'); END");
    const before = await store.dumpAll();
    expect(await failureOf(cf.engine.createCase({ type: 'rectification', input: criticism(), actor: supervisor }))).toContain('log full');
    expect(await store.dumpAll()).toEqual(before);
  });
});
