import { ScaledClock } from '../../src/clock';
import type { Workers } from '../../workers/runner';
import { AIRED_AT, criticism, engineFixture, liaison, supervisor, type EngineFixture } from '../support/engine';
import { deadlineOf, notificationsOf, startTestWorkers, stepsLogged, waitFor } from '../support/workers';

// One case-hour passes per real second: the 20:00 → 21:00 hour takes a second.
const HOUR_PER_SECOND = 3600;

describe('the deadline worker enforces the plan deadline on real Redis', () => {
  let fx: EngineFixture;
  let workers: Workers | undefined;
  afterEach(async () => {
    await workers?.close();
    workers = undefined;
    await fx.cleanup();
  });

  async function setUp() {
    const clock = new ScaledClock(Date.parse(AIRED_AT), HOUR_PER_SECOND);
    fx = await engineFixture({ clock });
    return { clock, cf: fx.cf, engine: fx.engine };
  }

  it('a rectification plan not submitted by 21:00 is reminded, marked overdue and escalated, in that order', async () => {
    const { clock, cf, engine } = await setUp();
    workers = await startTestWorkers(cf);
    clock.restart();
    const caseId = (await engine.createCase({ type: 'rectification', input: criticism(), actor: supervisor })).id;
    await engine.applyEvent(caseId, { type: 'NOTIFY_UNIT', liaisonId: liaison.id }, supervisor);

    const escalated = await waitFor(async () => {
      const row = await deadlineOf(cf, caseId, 'rectificationPlanDue');
      return row?.warning === 'red' && row;
    }, 10_000, 'the red card');
    expect(escalated).toMatchObject({ status: 'overdue', running: true, escalationLevel: 1, nextFireAt: null });
    expect(await stepsLogged(cf, caseId)).toEqual(['remind', 'overdue', 'escalate']);
    const log = (await engine.history(caseId)).map((e) => e.type);
    // the red card moves the case as the machine says: the escalation is recorded in it
    expect(log).toEqual(['CASE_OPENED', 'NOTIFY_UNIT', 'DEADLINE_REMIND', 'DEADLINE_OVERDUE', 'DEADLINE_MISSED', 'DEADLINE_ESCALATE', 'DEADLINE_ESCALATED']);
    const view = await engine.getCase(caseId);
    expect(view.state).toBe('planDue');
    expect((view.context as { escalationLevel: number }).escalationLevel).toBe(1);
    const sent = (await notificationsOf(cf, caseId)).map((n) => `${n.step}:${n.recipient}:${n.warning}`);
    expect(sent.sort()).toEqual(
      ['remind:assignee:blue', 'overdue:assignee:yellow', 'overdue:unitSupervisor:yellow', 'escalate:disciplineCommission:red'].sort(),
    );
    // every step fired close to its moment in case time
    const overdueAt = (await engine.history(caseId)).find((e) => e.type === 'DEADLINE_OVERDUE')?.at ?? '';
    expect(Date.parse(overdueAt) - Date.parse('2026-11-25T13:00:00Z')).toBeGreaterThanOrEqual(0);
    expect(clock.now()).toBeGreaterThan(Date.parse('2026-11-25T13:30:00Z'));
  });

  it('a plan submitted in time closes the deadline as met and nothing more fires', async () => {
    const { clock, cf, engine } = await setUp();
    workers = await startTestWorkers(cf);
    clock.restart();
    const caseId = (await engine.createCase({ type: 'rectification', input: criticism(), actor: supervisor })).id;
    await engine.applyEvent(caseId, { type: 'NOTIFY_UNIT', liaisonId: liaison.id }, supervisor);
    await engine.applyEvent(caseId, { type: 'SUBMIT_PLAN', plan: 'A plan', measures: ['a measure'], completionDueAt: '2026-12-31T00:00:00Z' }, liaison);
    await waitFor(() => clock.now() > Date.parse('2026-11-25T13:45:00Z'), 5000, '21:45');
    expect(await deadlineOf(cf, caseId, 'rectificationPlanDue')).toMatchObject({ status: 'met', running: false, warning: 'none' });
    expect(await stepsLogged(cf, caseId)).toEqual([]);
  });

  it('an extension granted before 21:00 moves the wake-up: nothing fires at the old time, the overdue step at the new one', async () => {
    const { clock, cf, engine } = await setUp();
    workers = await startTestWorkers(cf);
    clock.restart();
    const caseId = (await engine.createCase({ type: 'rectification', input: criticism(), actor: supervisor })).id;
    const { case: due } = await engine.applyEvent(caseId, { type: 'NOTIFY_UNIT', liaisonId: liaison.id }, supervisor);
    // the engine announces the moved schedule on its bus, which nudges the workers' dispatcher
    await engine.deadlines.extend(
      due.deadlines.find((d) => d.kind === 'rectificationPlanDue')!.id,
      { until: Date.parse('2026-11-25T22:00:00+08:00'), reason: 'Power cut at the bureau' },
      supervisor,
    );
    await waitFor(() => clock.now() > Date.parse('2026-11-25T13:10:00Z'), 5000, '21:10');
    expect(await stepsLogged(cf, caseId)).toEqual([]);
    await waitFor(async () => (await stepsLogged(cf, caseId)).includes('overdue'), 10_000, 'the overdue step');
    const overdue = (await engine.history(caseId)).find((e) => e.type === 'DEADLINE_OVERDUE');
    expect(Date.parse(overdue!.at)).toBeGreaterThanOrEqual(Date.parse('2026-11-25T14:00:00Z'));
    expect(await stepsLogged(cf, caseId)).toEqual(['remind', 'overdue']);
  });
});
