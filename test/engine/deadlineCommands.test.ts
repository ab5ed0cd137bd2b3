import { DeadlineCommands } from '../../src/deadlines/commands';
import { fireDeadlineStep } from '../../src/deadlines/firing';
import { CaseflowError } from '../../src/errors';
import { defaultCalendar } from '../../src/time';
import { criticism, dumpDatabase, engineFixture, liaison, supervisor, type EngineFixture } from '../support/engine';

describe('a running deadline can be extended, or its clock stopped and started, on the record', () => {
  let fx: EngineFixture;
  let commands: DeadlineCommands;
  let caseId: string;
  let deadlineId: string;
  beforeEach(() => {
    fx = engineFixture();
    commands = new DeadlineCommands({ db: fx.db, clock: fx.clock, calendar: defaultCalendar() });
    caseId = fx.engine.createCase({ type: 'rectification', input: criticism(), actor: supervisor }).id;
    const { case: due } = fx.engine.applyEvent(caseId, { type: 'NOTIFY_UNIT', liaisonId: liaison.id }, supervisor);
    deadlineId = due.deadlines.find((d) => d.kind === 'rectificationPlanDue')!.id;
  });
  afterEach(() => fx.cleanup());

  it('an approved extension moves the due time and the next wake-up, and is logged with its reason', () => {
    const extended = commands.extend(deadlineId, { until: Date.parse('2026-11-25T22:00:00+08:00'), reason: 'Power cut at the bureau' }, supervisor);
    expect(extended).toMatchObject({ dueAt: '2026-11-25T14:00:00.000Z', originalDueAt: '2026-11-25T13:00:00.000Z', status: 'pending' });
    // the remind step moves with it: 75% of 20:00 → 22:00 is 21:30
    expect(extended.nextFireAt).toBe('2026-11-25T13:30:00.000Z');
    const entry = fx.engine.history(caseId).at(-1);
    expect(entry).toMatchObject({ kind: 'deadlineExtended', type: 'DEADLINE_EXTENDED', actor: supervisor });
    expect(entry?.payload).toMatchObject({ deadlineId, reason: 'Power cut at the bureau', to: '2026-11-25T14:00:00.000Z' });
    expect(fx.engine.getCase(caseId).version).toBe(2);
  });

  it('stopping the clock for 30 minutes moves the due time by 30 minutes', () => {
    fx.clock.advance(10 * 60_000);
    const stopped = commands.suspend(deadlineId, { reason: 'Waiting on the provincial bureau' }, supervisor);
    expect(stopped).toMatchObject({ suspended: true, nextFireAt: null });
    fx.clock.advance(30 * 60_000);
    const resumed = commands.resume(deadlineId, supervisor);
    expect(resumed).toMatchObject({ suspended: false, dueAt: '2026-11-25T13:30:00.000Z' });
    expect(fx.engine.history(caseId).slice(-2).map((e) => e.type)).toEqual(['DEADLINE_SUSPENDED', 'DEADLINE_RESUMED']);
  });

  it('refuses a caseworker without approval rights, a missing reason, an earlier date, and an unknown deadline, changing nothing', () => {
    const before = dumpDatabase(fx.db);
    const attempts: [string, () => unknown][] = [
      ['FORBIDDEN_ROLE', () => commands.extend(deadlineId, { until: Date.parse('2026-11-26T00:00:00Z'), reason: 'x' }, liaison)],
      ['INVALID_PAYLOAD', () => commands.extend(deadlineId, { until: Date.parse('2026-11-26T00:00:00Z'), reason: ' ' }, supervisor)],
      ['INVALID_PAYLOAD', () => commands.extend(deadlineId, { until: Date.parse('2026-11-25T12:30:00Z'), reason: 'x' }, supervisor)],
      ['INVALID_PAYLOAD', () => commands.resume(deadlineId, supervisor)],
      ['DEADLINE_NOT_FOUND', () => commands.suspend('no-such-deadline', { reason: 'x' }, supervisor)],
    ];
    for (const [code, attempt] of attempts) {
      expect(attempt).toThrow(CaseflowError);
      expect(() => attempt()).toThrow(expect.objectContaining({ code }));
    }
    expect(dumpDatabase(fx.db)).toEqual(before);
  });

  it('nobody stops the clock on a case about themselves', () => {
    const clueId = fx.engine.createCase({
      type: 'clue',
      input: {
        aspect: 'draggingFeet',
        summary: 'Permits sit unsigned for weeks',
        channel: 'hotline',
        anonymous: true,
        subject: { officialId: 'Li.Wei', name: 'Li Wei', post: 'Section chief', unit: 'Municipal Housing Bureau' },
      },
      actor: { id: 'wang.fang', role: 'intakeClerk' },
    });
    const registration = clueId.deadlines.find((d) => d.running)!;
    const before = dumpDatabase(fx.db);
    expect(() => commands.suspend(registration.id, { reason: 'waiting' }, supervisor)).toThrow(
      expect.objectContaining({ code: 'FORBIDDEN_ROLE', details: expect.objectContaining({ rule: 'subjectOfCase' }) }),
    );
    expect(dumpDatabase(fx.db)).toEqual(before);
  });

  it('a deadline whose state was left can no longer be moved', () => {
    fx.engine.applyEvent(caseId, { type: 'SUBMIT_PLAN', plan: 'x', measures: ['y'], completionDueAt: '2026-12-10T00:00:00Z' }, liaison);
    expect(() => commands.suspend(deadlineId, { reason: 'late' }, supervisor)).toThrow(expect.objectContaining({ code: 'DEADLINE_NOT_FOUND' }));
  });

  it('an extension after the red card re-arms the ladder: the new due time is enforced again', () => {
    const deps = { db: fx.db, engine: fx.engine, clock: fx.clock, calendar: defaultCalendar() };
    const fireAll = () => {
      for (;;) {
        const row = fx.engine.getCase(caseId).deadlines.find((d) => d.id === deadlineId)!;
        if (!row.nextFireAt || Date.parse(row.nextFireAt) > fx.clock.now()) return;
        const rev = fx.db.$client.prepare('SELECT schedule_rev AS rev FROM deadlines WHERE id = ?').get(deadlineId) as { rev: number };
        expect(fireDeadlineStep(deps, deadlineId, rev.rev).kind).toBe('fired');
      }
    };
    fx.clock.set('2026-11-25T21:45:00+08:00');
    fireAll();
    expect(fx.engine.getCase(caseId).deadlines.find((d) => d.kind === 'rectificationPlanDue')).toMatchObject({ status: 'overdue', warning: 'red', nextStep: null });

    const extended = commands.extend(deadlineId, { until: Date.parse('2026-11-25T23:00:00+08:00'), reason: 'Approved by the director' }, supervisor);
    // 75% of 20:00 → 23:00 is 22:15, still ahead at 21:45: the ladder starts again from the reminder
    expect(extended).toMatchObject({ status: 'pending', nextStep: 'remind', nextFireAt: '2026-11-25T14:15:00.000Z' });
    fx.clock.set('2026-11-25T23:01:00+08:00');
    fireAll();
    expect(fx.engine.getCase(caseId).deadlines.find((d) => d.kind === 'rectificationPlanDue')).toMatchObject({ status: 'overdue', nextStep: 'escalate' });
    const steps = fx.engine.history(caseId).filter((e) => e.kind === 'deadlineStep').map((e) => e.type);
    expect(steps).toEqual(['DEADLINE_REMIND', 'DEADLINE_OVERDUE', 'DEADLINE_ESCALATE', 'DEADLINE_REMIND', 'DEADLINE_OVERDUE']);
  });
});
