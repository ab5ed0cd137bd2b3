/**
 * The database is the truth, Redis only wakes. A rectification plan that arrives after 21:00 while
 * no wake-up came (Redis down, a worker dead) still gets everything the deadline worker would have
 * recorded on time — the reminder, the overdue step with its yellow card and notices, and
 * DEADLINE_MISSED into the machine — before the plan itself, in the same transaction; and the plan
 * deadline closes as overdue.
 */
import { criticism, engineFixture, liaison, supervisor, type EngineFixture } from '../support/engine';

const plan = { type: 'SUBMIT_PLAN', plan: 'Same-day stamps', measures: ['a fast lane'], completionDueAt: '2026-12-10T18:00:00+08:00' };

describe('a late plan with no wake-up', () => {
  let fx: EngineFixture;
  beforeEach(async () => {
    fx = await engineFixture();
  });
  afterEach(() => fx.cleanup());

  test('a plan submitted at 21:10 with no worker running records the missed steps first, then the plan', async () => {
    const id = (await fx.engine.createCase({ type: 'rectification', input: criticism(), actor: supervisor })).id;
    await fx.engine.applyEvent(id, { type: 'NOTIFY_UNIT', liaisonId: liaison.id }, supervisor);
    fx.clock.set('2026-11-25T21:10:00+08:00');

    const { case: after, event } = await fx.engine.applyEvent(id, plan, liaison);

    expect(event).toMatchObject({ type: 'SUBMIT_PLAN', fromState: 'planDue', toState: 'planReview' });
    const log = (await fx.engine.history(id)).map((e) => [e.type, e.version]);
    expect(log).toEqual([
      ['CASE_OPENED', 1],
      ['NOTIFY_UNIT', 2],
      ['DEADLINE_REMIND', 2],
      ['DEADLINE_OVERDUE', 2],
      ['DEADLINE_MISSED', 3],
      ['SUBMIT_PLAN', 4],
    ]);
    expect(after.version).toBe(4);
    expect(after.deadlines.find((d) => d.kind === 'rectificationPlanDue')).toMatchObject({ running: false, status: 'overdue', warning: 'yellow' });
    expect((after.context as { missedDeadlines: { kind: string }[] }).missedDeadlines).toEqual([expect.objectContaining({ kind: 'rectificationPlanDue' })]);
    const cards = await fx.cf.supervision.warningCardCounts({ since: 0, until: fx.clock.now() + 1 });
    expect(cards).toEqual([{ unit: 'Municipal Housing Bureau', blue: 1, yellow: 1, red: 0 }]);
    const notices = await fx.store.read((tx) => tx.notifications.ofCase(id));
    expect(notices.map((n) => [n.step, n.recipient])).toEqual([
      ['remind', 'assignee'],
      ['overdue', 'assignee'],
      ['overdue', 'unitSupervisor'],
    ]);
  });

  test('the caught-up steps are not recorded again when their late wake-up finally comes', async () => {
    const id = (await fx.engine.createCase({ type: 'rectification', input: criticism(), actor: supervisor })).id;
    await fx.engine.applyEvent(id, { type: 'NOTIFY_UNIT', liaisonId: liaison.id }, supervisor);
    const planDue = (await fx.engine.getCase(id)).deadlines.find((d) => d.kind === 'rectificationPlanDue')!;
    const rev = (await fx.store.read((tx) => tx.deadlines.byId(planDue.id)))!.scheduleRev;
    fx.clock.set('2026-11-25T21:10:00+08:00');
    await fx.engine.applyEvent(id, plan, liaison);
    expect(await fx.engine.deadlines.fire(planDue.id, rev)).toEqual({ kind: 'stale' });
    const steps = (await fx.engine.history(id)).filter((e) => e.kind === 'deadlineStep').map((e) => e.type);
    expect(steps).toEqual(['DEADLINE_REMIND', 'DEADLINE_OVERDUE']);
  });

  test('a plan on time records no step', async () => {
    const id = (await fx.engine.createCase({ type: 'rectification', input: criticism(), actor: supervisor })).id;
    await fx.engine.applyEvent(id, { type: 'NOTIFY_UNIT', liaisonId: liaison.id }, supervisor);
    fx.clock.set('2026-11-25T20:40:00+08:00');
    const { case: after } = await fx.engine.applyEvent(id, plan, liaison);
    expect((await fx.engine.history(id)).map((e) => e.type)).toEqual(['CASE_OPENED', 'NOTIFY_UNIT', 'SUBMIT_PLAN']);
    expect(after.deadlines.find((d) => d.kind === 'rectificationPlanDue')).toMatchObject({ status: 'met' });
  });
});
