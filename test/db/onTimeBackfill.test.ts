/**
 * Upgrading a database that already holds closed deadlines: the migration that adds the on-time
 * rollup names each deadline's owner (the unit's own limits, the office's for the rest) and fills
 * the rollup from what closed before, so the rates read the same as a scan of the deadlines.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { MIGRATIONS_FOLDER } from '../../db/sqlite/connection';
import { openSqliteStore } from '../../db/sqlite';

const ROLLUP = '0012_on_time_rollup';
const DAY = 86_400_000;
const T0 = Date.parse('2026-11-25T20:00:00+08:00');

describe('the on-time rollup migration', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'caseflow-backfill-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('a database with closed deadlines from before gets their owners and a rollup equal to the scan', async () => {
    // the schema as it stood before the rollup: every migration up to it
    const before = path.join(dir, 'migrations');
    fs.cpSync(MIGRATIONS_FOLDER, before, { recursive: true });
    // (and none after it: drizzle applies only migrations newer than the last one applied)
    const journalFile = path.join(before, 'meta', '_journal.json');
    const journal = JSON.parse(fs.readFileSync(journalFile, 'utf8')) as { entries: { tag: string }[] };
    const at = journal.entries.findIndex((e) => e.tag === ROLLUP);
    expect(at).toBeGreaterThan(0);
    for (const later of journal.entries.slice(at)) fs.rmSync(path.join(before, `${later.tag}.sql`));
    fs.writeFileSync(journalFile, JSON.stringify({ ...journal, entries: journal.entries.slice(0, at) }));
    const file = path.join(dir, 'old.sqlite');
    const old = new Database(file);
    migrate(drizzle(old), { migrationsFolder: before });
    old
      .prepare(
        `INSERT INTO cases (id, type, machine_version, state, status, snapshot, version, unit, assignee, subject_id, time_zone, created_by, created_at, updated_at, closed_at)
         VALUES ('RC-1', 'rectification', 1, 'closed', 'closed', '{}', 5, 'Water Bureau', NULL, NULL, 'Asia/Shanghai', 'li.wei', ?, ?, ?)`,
      )
      .run(T0, T0 + 2 * DAY, T0 + 2 * DAY);
    const closed = old.prepare(
      `INSERT INTO deadlines (id, case_id, case_type, unit, kind, state_id, basis, time_zone, spec, period, base_at, original_due_at, due_at, status, running, warning,
         escalation_level, next_step, next_fire_at, schedule_rev, dispatched_rev, suspended_at, closed_at, lateness_ms, created_at, updated_at)
       VALUES (?, 'RC-1', 'rectification', 'Water Bureau', ?, 's', 'b', 'Asia/Shanghai', '{}', 0, ?, ?, ?, ?, 0, 'none', 0, 1, NULL, 1, 1, NULL, ?, 0, ?, ?)`,
    );
    // notified in time (the office's), the plan late (the unit's), the completion met a day later (the unit's)
    closed.run('d-1', 'unitNotificationDue', T0, T0 + DAY, T0 + DAY, 'met', T0 + 600_000, T0, T0);
    closed.run('d-2', 'rectificationPlanDue', T0, T0 + 3_600_000, T0 + 3_600_000, 'overdue', T0 + 4_000_000, T0, T0);
    closed.run('d-3', 'rectificationCompletionDue', T0, T0 + 5 * DAY, T0 + 5 * DAY, 'met', T0 + DAY, T0, T0);
    old.close();

    const store = openSqliteStore(file);
    try {
      const month = { since: Date.parse('2026-11-01T00:00:00+08:00'), until: Date.parse('2026-12-01T00:00:00+08:00') };
      const rollup = await store.read((tx) => tx.onTime.counts(month, {}));
      expect(rollup).toEqual([
        { owner: 'unit', unit: 'Water Bureau', met: 1, late: 1 },
        { owner: 'office', unit: null, met: 1, late: 0 },
      ]);
      expect(rollup).toEqual(await store.read((tx) => tx.supervision.closedDeadlineCounts(month, {})));
      // the plan closed at 21:06 on 25 November (office time), the completion on 26 November
      const day25 = Date.parse('2026-11-25T00:00:00+08:00');
      expect(await store.read((tx) => tx.onTime.counts({ since: day25, until: day25 + DAY }, { unit: 'Water Bureau' }))).toEqual([
        { owner: 'unit', unit: 'Water Bureau', met: 0, late: 1 },
      ]);
    } finally {
      await store.close();
    }
  });
});
