/**
 * The urging (催办) ladder, as hotline-style supervision does it, switched on by the office policy:
 * the reminder before the limit is recorded as an urging, a formal urging notice goes out the working
 * day after a missed limit, and a case still late is flagged for public criticism. Each is an `urged`
 * entry in the case log (as a supervisor's URGED is) and a notice through the outbox.
 */
import { caseDefinitions } from '../../machines';
import { parseOfficePolicy } from '../../src/officePolicy';
import { criticism, engineFixture, liaison, supervisor, type EngineFixture } from '../support/engine';

const urgingOn = (urging: Record<string, unknown> = {}) => parseOfficePolicy({ urging: { enabled: true, ...urging } }, caseDefinitions);

describe('the urging ladder', () => {
  let fx: EngineFixture;
  afterEach(() => fx.cleanup());

  /** A rectification whose plan is due at 21:00 on Wednesday 25 November, its unit notified. */
  async function criticized(): Promise<{ caseId: string; deadlineId: string }> {
    const { id } = await fx.engine.createCase({ type: 'rectification', input: criticism(), actor: supervisor });
    const { case: due } = await fx.engine.applyEvent(id, { type: 'NOTIFY_UNIT', liaisonId: liaison.id }, supervisor);
    return { caseId: id, deadlineId: due.deadlines.find((d) => d.kind === 'rectificationPlanDue')!.id };
  }

  /** Fires, as the deadline worker would, every step of the deadline due by now. */
  async function fireDue(deadlineId: string): Promise<void> {
    for (;;) {
      const row = await fx.store.read((tx) => tx.deadlines.byId(deadlineId));
      if (!row?.running || row.nextFireAt === null || row.nextFireAt > fx.clock.now()) return;
      await fx.engine.deadlines.fire(row.id, row.scheduleRev);
    }
  }

  const urgings = async (caseId: string) =>
    (await fx.engine.history(caseId)).filter((e) => e.kind === 'urged').map((e) => ({ type: e.type, at: e.at, actor: e.actor.id }));

  it('the working day after a missed limit a formal urging notice is sent and logged; still late, the case is flagged for public criticism', async () => {
    fx = await engineFixture({ policy: urgingOn() });
    const { caseId, deadlineId } = await criticized();
    const ladder = await fx.engine.escalationTimes(caseId);
    expect(ladder.find((l) => l.deadlineId === deadlineId)!.steps.map((s) => `${s.step}@${s.at}`)).toEqual([
      'remind@2026-11-25T12:45:00.000Z',
      'overdue@2026-11-25T13:00:00.000Z',
      'escalate@2026-11-25T13:30:00.000Z',
      // the end of Thursday 26 November, the working day after; then three working days after (Monday 30)
      'formalUrging@2026-11-26T15:59:59.999Z',
      'publicCriticism@2026-11-30T15:59:59.999Z',
    ]);

    fx.clock.set(Date.parse('2026-11-26T09:00:00+08:00'));
    await fireDue(deadlineId);
    expect(await urgings(caseId)).toEqual([{ type: 'URGING_REMINDER', at: '2026-11-26T01:00:00.000Z', actor: 'deadline-worker' }]);

    fx.clock.set(Date.parse('2026-11-27T08:00:00+08:00'));
    await fireDue(deadlineId);
    const formal = (await fx.engine.history(caseId)).find((e) => e.type === 'FORMAL_URGING_NOTICE')!;
    expect(formal).toMatchObject({ kind: 'urged', payload: { deadlineId, deadlineKind: 'rectificationPlanDue', urging: 'formalNotice', dueAt: '2026-11-25T13:00:00.000Z' } });
    const notices = await fx.store.read((tx) => tx.notifications.ofCase(caseId));
    expect(notices.filter((n) => n.step === 'formalUrging').map((n) => `${n.recipient}:${n.subject}`)).toEqual([
      `assignee:[urge] rectificationPlanDue of case ${caseId}: formal urging notice: the limit has passed`,
      `unitSupervisor:[urge] rectificationPlanDue of case ${caseId}: formal urging notice: the limit has passed`,
    ]);
    expect(notices.filter((n) => n.step === 'urgingReminder').map((n) => n.recipient)).toEqual(['assignee']);

    fx.clock.set(Date.parse('2026-12-01T08:00:00+08:00'));
    await fireDue(deadlineId);
    expect((await urgings(caseId)).map((u) => u.type)).toEqual(['URGING_REMINDER', 'FORMAL_URGING_NOTICE', 'PUBLIC_CRITICISM_FLAGGED']);
    const flagged = (await fx.store.read((tx) => tx.notifications.ofCase(caseId))).filter((n) => n.step === 'publicCriticism');
    expect(flagged.map((n) => n.recipient)).toEqual(['unitSupervisor', 'disciplineCommission']);
  });

  it('a plan that comes after the formal notice stops the ladder: no public criticism', async () => {
    fx = await engineFixture({ policy: urgingOn() });
    const { caseId, deadlineId } = await criticized();
    fx.clock.set(Date.parse('2026-11-27T08:00:00+08:00'));
    await fireDue(deadlineId);
    await fx.engine.applyEvent(caseId, { type: 'SUBMIT_PLAN', plan: 'A plan', measures: ['a measure'], completionDueAt: '2026-12-31T00:00:00Z' }, liaison);
    fx.clock.set(Date.parse('2026-12-01T08:00:00+08:00'));
    await fireDue(deadlineId);
    expect((await urgings(caseId)).map((u) => u.type)).toEqual(['URGING_REMINDER', 'FORMAL_URGING_NOTICE']);
  });

  it('each rung is the office’s to switch off or time; without the policy there is no urging ladder', async () => {
    fx = await engineFixture({ policy: urgingOn({ reminder: { enabled: false }, publicCriticism: { enabled: false }, formalNotice: { after: { kind: 'duration', minutes: 120 } } }) });
    const { caseId, deadlineId } = await criticized();
    const steps = (await fx.engine.escalationTimes(caseId)).find((l) => l.deadlineId === deadlineId)!.steps;
    expect(steps.map((s) => `${s.step}@${s.at}`)).toEqual(['remind@2026-11-25T12:45:00.000Z', 'overdue@2026-11-25T13:00:00.000Z', 'escalate@2026-11-25T13:30:00.000Z', 'formalUrging@2026-11-25T15:00:00.000Z']);
    fx.clock.set(Date.parse('2026-11-25T23:00:00+08:00'));
    await fireDue(deadlineId);
    expect((await urgings(caseId)).map((u) => u.type)).toEqual(['FORMAL_URGING_NOTICE']);
    await fx.cleanup();

    fx = await engineFixture();
    const plain = await criticized();
    expect((await fx.engine.escalationTimes(plain.caseId)).find((l) => l.deadlineId === plain.deadlineId)!.steps.map((s) => s.step)).toEqual(['remind', 'overdue', 'escalate']);
  });
});
