import { criticism, engineFixture, liaison, supervisor, type EngineFixture } from '../support/engine';

const plan = { type: 'SUBMIT_PLAN', plan: 'Same-day stamps', measures: ['open a fast lane'], completionDueAt: '2026-12-10T18:00:00+08:00' };

describe('deadline rows follow the machine', () => {
  let fx: EngineFixture;
  beforeEach(async () => {
    fx = await engineFixture();
  });
  afterEach(() => fx.cleanup());

  it('a case opened at airing must notify the unit before 21:00; nobody forgets it unnotified', async () => {
    const opened = await fx.engine.createCase({ type: 'rectification', input: criticism(), actor: supervisor });
    expect(opened.deadlines).toEqual([
      expect.objectContaining({ kind: 'unitNotificationDue', dueAt: '2026-11-25T13:00:00.000Z', status: 'pending', running: true }),
    ]);
  });

  it('entering planDue opens rectificationPlanDue, due one hour after airing (aired 20:00, due 21:00)', async () => {
    const opened = await fx.engine.createCase({ type: 'rectification', input: criticism(), actor: supervisor });
    fx.clock.advance(10 * 60_000);
    const { case: due } = await fx.engine.applyEvent(opened.id, { type: 'NOTIFY_UNIT', liaisonId: liaison.id }, supervisor);
    expect(due.deadlines.find((d) => d.kind === 'unitNotificationDue')).toMatchObject({ status: 'met', running: false });
    expect(due.deadlines.filter((d) => d.running)).toHaveLength(1);
    expect(due.deadlines.find((d) => d.running)).toMatchObject({
      kind: 'rectificationPlanDue',
      dueAt: '2026-11-25T13:00:00.000Z',
      status: 'pending',
      running: true,
      warning: 'none',
      nextStep: 'remind',
    });
  });

  it('a plan submitted in time closes the deadline as met, with how early it was', async () => {
    const opened = await fx.engine.createCase({ type: 'rectification', input: criticism(), actor: supervisor });
    await fx.engine.applyEvent(opened.id, { type: 'NOTIFY_UNIT', liaisonId: liaison.id }, supervisor);
    fx.clock.advance(40 * 60_000);
    const { case: submitted } = await fx.engine.applyEvent(opened.id, plan, liaison);
    const planDue = submitted.deadlines.find((d) => d.kind === 'rectificationPlanDue');
    expect(planDue).toMatchObject({ status: 'met', running: false, latenessMs: -20 * 60_000, nextFireAt: null });
    expect(submitted.deadlines.find((d) => d.kind === 'planReviewDue')).toMatchObject({ status: 'pending', running: true });
  });

  it('a plan submitted after 21:00 closes the deadline as overdue, with how late it was', async () => {
    const opened = await fx.engine.createCase({ type: 'rectification', input: criticism(), actor: supervisor });
    await fx.engine.applyEvent(opened.id, { type: 'NOTIFY_UNIT', liaisonId: liaison.id }, supervisor);
    fx.clock.advance(75 * 60_000);
    const { case: submitted } = await fx.engine.applyEvent(opened.id, plan, liaison);
    expect(submitted.deadlines.find((d) => d.kind === 'rectificationPlanDue')).toMatchObject({
      status: 'overdue',
      running: false,
      latenessMs: 15 * 60_000,
    });
  });

  it('the overdue filter finds a case whose running deadline has passed', async () => {
    const opened = await fx.engine.createCase({ type: 'rectification', input: criticism(), actor: supervisor });
    await fx.engine.applyEvent(opened.id, { type: 'NOTIFY_UNIT', liaisonId: liaison.id }, supervisor);
    expect((await fx.engine.listCases({ overdue: true })).cases).toHaveLength(0);
    fx.clock.advance(61 * 60_000);
    expect((await fx.engine.listCases({ overdue: true })).cases.map((c) => c.id)).toEqual([opened.id]);
    expect((await fx.engine.listCases({ dueBefore: Date.parse('2026-11-25T13:30:00Z') })).cases.map((c) => c.id)).toEqual([opened.id]);
  });
});
