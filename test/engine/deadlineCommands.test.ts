import { CaseflowError } from '../../src/errors';
import { criticism, engineFixture, liaison, supervisor, type EngineFixture } from '../support/engine';

describe('a running deadline can be extended, or its clock stopped and started, on the record', () => {
  let fx: EngineFixture;
  let caseId: string;
  let deadlineId: string;
  beforeEach(async () => {
    fx = await engineFixture();
    caseId = (await fx.engine.createCase({ type: 'rectification', input: criticism(), actor: supervisor })).id;
    const { case: due } = await fx.engine.applyEvent(caseId, { type: 'NOTIFY_UNIT', liaisonId: liaison.id }, supervisor);
    deadlineId = due.deadlines.find((d) => d.kind === 'rectificationPlanDue')!.id;
  });
  afterEach(() => fx.cleanup());

  it('an approved extension moves the due time and the next wake-up, and is logged with its reason', async () => {
    const extended = await fx.engine.deadlines.extend(
      deadlineId,
      { until: Date.parse('2026-11-25T22:00:00+08:00'), reason: 'Power cut at the bureau' },
      supervisor,
    );
    expect(extended).toMatchObject({ dueAt: '2026-11-25T14:00:00.000Z', originalDueAt: '2026-11-25T13:00:00.000Z', status: 'pending' });
    // the remind step moves with it: 75% of 20:00 → 22:00 is 21:30
    expect(extended.nextFireAt).toBe('2026-11-25T13:30:00.000Z');
    const entry = (await fx.engine.history(caseId)).at(-1);
    expect(entry).toMatchObject({ kind: 'deadlineExtended', type: 'DEADLINE_EXTENDED', actor: supervisor });
    expect(entry?.payload).toMatchObject({ deadlineId, reason: 'Power cut at the bureau', to: '2026-11-25T14:00:00.000Z' });
    expect((await fx.engine.getCase(caseId)).version).toBe(2);
  });

  it('stopping the clock for 30 minutes moves the due time by 30 minutes', async () => {
    fx.clock.advance(10 * 60_000);
    const stopped = await fx.engine.deadlines.suspend(deadlineId, { reason: 'Waiting on the provincial bureau' }, supervisor);
    expect(stopped).toMatchObject({ suspended: true, nextFireAt: null });
    fx.clock.advance(30 * 60_000);
    const resumed = await fx.engine.deadlines.resume(deadlineId, supervisor);
    expect(resumed).toMatchObject({ suspended: false, dueAt: '2026-11-25T13:30:00.000Z' });
    expect((await fx.engine.history(caseId)).slice(-2).map((e) => e.type)).toEqual(['DEADLINE_SUSPENDED', 'DEADLINE_RESUMED']);
  });

  it('refuses a caseworker without approval rights, a missing reason, an earlier date, and an unknown deadline, changing nothing', async () => {
    const commands = fx.engine.deadlines;
    const before = await fx.dump();
    // each attempt is an async function, so a refusal thrown before the command's promise exists still arrives as a rejection
    const attempts: [string, () => Promise<unknown>][] = [
      ['FORBIDDEN_ROLE', async () => commands.extend(deadlineId, { until: Date.parse('2026-11-26T00:00:00Z'), reason: 'x' }, liaison)],
      ['INVALID_PAYLOAD', async () => commands.extend(deadlineId, { until: Date.parse('2026-11-26T00:00:00Z'), reason: ' ' }, supervisor)],
      ['INVALID_PAYLOAD', async () => commands.extend(deadlineId, { until: Date.parse('2026-11-25T12:30:00Z'), reason: 'x' }, supervisor)],
      ['INVALID_PAYLOAD', async () => commands.resume(deadlineId, supervisor)],
      ['DEADLINE_NOT_FOUND', async () => commands.suspend('no-such-deadline', { reason: 'x' }, supervisor)],
    ];
    for (const [code, attempt] of attempts) {
      await expect(attempt()).rejects.toThrow(CaseflowError);
      await expect(attempt()).rejects.toThrow(expect.objectContaining({ code }));
    }
    expect(await fx.dump()).toEqual(before);
  });

  it('nobody stops the clock on a case about themselves', async () => {
    const clue = await fx.engine.createCase({
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
    const registration = clue.deadlines.find((d) => d.running)!;
    const before = await fx.dump();
    await expect(fx.engine.deadlines.suspend(registration.id, { reason: 'waiting' }, supervisor)).rejects.toThrow(
      expect.objectContaining({ code: 'FORBIDDEN_ROLE', details: expect.objectContaining({ rule: 'subjectOfCase' }) }),
    );
    expect(await fx.dump()).toEqual(before);
  });

  it('a deadline whose state was left can no longer be moved', async () => {
    await fx.engine.applyEvent(caseId, { type: 'SUBMIT_PLAN', plan: 'x', measures: ['y'], completionDueAt: '2026-12-10T00:00:00Z' }, liaison);
    await expect(fx.engine.deadlines.suspend(deadlineId, { reason: 'late' }, supervisor)).rejects.toThrow(
      expect.objectContaining({ code: 'DEADLINE_NOT_FOUND' }),
    );
  });

  it('an extension after the red card re-arms the ladder (the new due time is enforced again) and the deadline stays late', async () => {
    const fireAll = async () => {
      for (;;) {
        const row = (await fx.engine.getCase(caseId)).deadlines.find((d) => d.id === deadlineId)!;
        if (!row.nextFireAt || Date.parse(row.nextFireAt) > fx.clock.now()) return;
        const stored = await fx.store.read((tx) => tx.deadlines.byId(deadlineId));
        expect((await fx.engine.deadlines.fire(deadlineId, stored!.scheduleRev)).kind).toBe('fired');
      }
    };
    fx.clock.set('2026-11-25T21:45:00+08:00');
    await fireAll();
    expect((await fx.engine.getCase(caseId)).deadlines.find((d) => d.kind === 'rectificationPlanDue')).toMatchObject({
      status: 'overdue',
      warning: 'red',
      nextStep: null,
    });

    const extended = await fx.engine.deadlines.extend(
      deadlineId,
      { until: Date.parse('2026-11-25T23:00:00+08:00'), reason: 'Approved by the director' },
      supervisor,
    );
    // 75% of 20:00 → 23:00 is 22:15, still ahead at 21:45: the ladder starts again from the reminder,
    // and the deadline, granted after it lapsed, stays counted late
    expect(extended).toMatchObject({ status: 'overdue', nextStep: 'remind', nextFireAt: '2026-11-25T14:15:00.000Z', originalDueAt: '2026-11-25T13:00:00.000Z' });
    fx.clock.set('2026-11-25T23:01:00+08:00');
    await fireAll();
    expect((await fx.engine.getCase(caseId)).deadlines.find((d) => d.kind === 'rectificationPlanDue')).toMatchObject({
      status: 'overdue',
      nextStep: 'escalate',
    });
    const steps = (await fx.engine.history(caseId)).filter((e) => e.kind === 'deadlineStep').map((e) => e.type);
    expect(steps).toEqual(['DEADLINE_REMIND', 'DEADLINE_OVERDUE', 'DEADLINE_ESCALATE', 'DEADLINE_REMIND', 'DEADLINE_OVERDUE']);
  });
});
