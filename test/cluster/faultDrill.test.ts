/**
 * A fault drill on PostgreSQL and Redis: 2,000 deadline steps come due over half a minute of real
 * time (compressed case time, the same clock settings in every process) while three worker
 * processes enforce them, one of them killed with SIGKILL and restarted ten times. No step is lost
 * and none is recorded twice, and every case's transitions are numbered 1..version.
 */
import type { ChildProcess } from 'node:child_process';
import { openCaseflow, type ComposedCaseflow } from '../../app/compose';
import { ScaledClock } from '../../src/clock';
import { postgresTestDatabases, type TestDatabase } from '../db/postgres/databases';
import { spawnWorker, stopProcess, workerStarted } from '../support/processes';
import { REDIS_URL, testPrefix, waitFor } from '../support/workers';

const CASES = 1000; // two steps each come due in the window: the reminder and the overdue step
const RATE = 60; // one case-minute per real second
const supervisor = { id: 'li.wei', role: 'supervisor' } as const;

describe('a fault drill: three workers, one killed and restarted ten times', () => {
  const databases = postgresTestDatabases();
  let db: TestDatabase;
  let cf: ComposedCaseflow;
  const workers: ChildProcess[] = [];
  afterAll(async () => {
    await Promise.all(workers.map((w) => stopProcess(w, 'SIGKILL')));
    await cf?.close();
    await db?.drop();
    await databases.dispose();
  });

  test('2,000 steps: none lost, none recorded twice, every log numbered 1..version', async () => {
    db = await databases.create();
    // case time 20:40 is now + 20 s (20:20 now); the criticisms aired from 20:00 to 20:10, so their plans fall due from 21:00 to 21:10
    const origin = Date.parse('2026-11-25T20:40:00+08:00');
    const realStart = Date.now() + 20_000;
    const clock = new ScaledClock(origin, RATE, Date.now, realStart);
    cf = await openCaseflow({ databaseUrl: db.url, clock });
    const ids: string[] = [];
    for (let i = 0; i < CASES; i++) {
      const airedAt = new Date(Date.parse('2026-11-25T20:00:00+08:00') + Math.floor((i * 10 * 60_000) / CASES)).toISOString();
      const opened = await cf.engine.createCase({ type: 'rectification', input: { unit: `Unit ${i % 20}`, report: 'Seeing', airedAt, planDueMinutes: 60 }, actor: supervisor });
      ids.push(opened.id);
    }
    // the unit is notified by the deadline worker's own clock: send NOTIFY_UNIT now (before 20:40), so only plan steps are ahead
    for (const id of ids) await cf.engine.applyEvent(id, { type: 'NOTIFY_UNIT', liaisonId: 'zhou.min' }, supervisor);

    const env = {
      DATABASE_URL: db.url,
      CASEFLOW_DB: '',
      REDIS_URL,
      CASEFLOW_QUEUE_PREFIX: `{${testPrefix()}}`,
      CASEFLOW_CLOCK_ORIGIN: new Date(origin).toISOString(),
      CASEFLOW_CLOCK_RATE: String(RATE),
      CASEFLOW_CLOCK_REAL_START: String(realStart),
    };
    for (let n = 0; n < 3; n++) workers.push(spawnWorker(env));
    await Promise.all(workers.map((w) => workerStarted(w as ChildProcess & { output: string[] })));

    // from 20:45 (the first reminders) to 21:10 (the last overdue steps): kill and restart one worker ten times
    await waitFor(() => clock.now() >= Date.parse('2026-11-25T20:45:00+08:00'), 30_000, '20:45');
    for (let round = 0; round < 10; round++) {
      await new Promise((resolve) => setTimeout(resolve, 2_000));
      await stopProcess(workers[0]!, 'SIGKILL');
      workers[0] = spawnWorker(env);
      await workerStarted(workers[0] as ChildProcess & { output: string[] });
    }

    const expected = CASES * 2;
    const stepsRecorded = async () => {
      let n = 0;
      for (const id of ids) n += (await cf.engine.history(id)).filter((e) => e.kind === 'deadlineStep' && (e.payload as { deadlineKind: string }).deadlineKind === 'rectificationPlanDue').length;
      return n;
    };
    await waitFor(async () => clock.now() >= Date.parse('2026-11-25T21:11:00+08:00') && (await stepsRecorded()) >= expected, 90_000, 'every step');

    for (const id of ids) {
      // the case first, then its log: case time runs on while this checks, so the log may have grown past the version read
      const { version } = await cf.engine.getCase(id);
      const history = await cf.engine.history(id);
      const steps = history
        .filter((e) => e.kind === 'deadlineStep')
        .map((e) => ({ type: e.type, ...(e.payload as { deadlineId: number; deadlineKind: string }) }))
        .map((e) => ({ key: `${e.deadlineId} ${e.type}`, kind: e.deadlineKind, type: e.type }));
      // The plan's limit: remind, then overdue (a slow machine may let case time run on to the escalation step while this
      // checks). On a machine slow enough that the NOTIFY_UNIT above came after the notification limit's reminder was
      // due, the engine recorded that reminder first (catch-up): another limit's step, not this one's twice.
      const plan = steps.filter((e) => e.kind === 'rectificationPlanDue').map((e) => e.type);
      expect({ id, plan: plan.slice(0, 2) }).toEqual({ id, plan: ['DEADLINE_REMIND', 'DEADLINE_OVERDUE'] });
      const keys = steps.map((e) => e.key);
      expect({ id, twice: keys.filter((key, i) => keys.indexOf(key) !== i) }).toEqual({ id, twice: [] });
      const numbered = history.filter((e) => e.kind === 'created' || e.kind === 'transition').map((e) => e.version);
      expect({ id, numbered }).toEqual({ id, numbered: Array.from({ length: numbered.length }, (_, i) => i + 1) });
      expect(numbered.length).toBeGreaterThanOrEqual(version);
      expect(history.filter((e) => e.type === 'DEADLINE_MISSED')).toHaveLength(1);
    }
  }, 240_000);
});
