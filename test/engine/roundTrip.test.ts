import { AIRED_AT, criticism, engineFixture, liaison, supervisor, type EngineFixture } from '../support/engine';

describe('a rectification case moves through the engine and survives a restart', () => {
  let fx: EngineFixture;
  beforeEach(async () => {
    fx = await engineFixture();
  });
  afterEach(() => fx.cleanup());

  it('opens in criticismAired at version 1 with one CASE_OPENED entry', async () => {
    const opened = await fx.engine.createCase({ type: 'rectification', input: criticism(), actor: supervisor });
    expect(opened.state).toBe('criticismAired');
    expect(opened.version).toBe(1);
    expect(opened.machineVersion).toBe(1);
    expect(opened.unit).toBe('Municipal Housing Bureau');
    expect(opened.allowedEvents).toEqual(['NOTIFY_UNIT']);
    expect((await fx.engine.history(opened.id)).map((e) => [e.kind, e.type, e.version])).toEqual([['created', 'CASE_OPENED', 1]]);
  });

  it('an event moves the case, bumps the version and is logged with who, when, from and to', async () => {
    const opened = await fx.engine.createCase({ type: 'rectification', input: criticism(), actor: supervisor });
    fx.clock.advance(5 * 60_000);
    const applied = await fx.engine.applyEvent(opened.id, { type: 'NOTIFY_UNIT', liaisonId: liaison.id }, supervisor, 1);
    expect(applied.case.state).toBe('planDue');
    expect(applied.case.version).toBe(2);
    expect(applied.case.assignee).toBe(liaison.id);
    expect(applied.event).toMatchObject({
      kind: 'transition',
      type: 'NOTIFY_UNIT',
      version: 2,
      actor: supervisor,
      at: '2026-11-25T12:05:00.000Z',
      payload: { liaisonId: liaison.id },
      fromState: 'criticismAired',
      toState: 'planDue',
    });
  });

  it('a second engine on the same file continues where the first stopped, and the log is complete', async () => {
    const opened = await fx.engine.createCase({ type: 'rectification', input: criticism(), actor: supervisor });
    await fx.engine.applyEvent(opened.id, { type: 'NOTIFY_UNIT', liaisonId: liaison.id }, supervisor);
    await fx.engine.applyEvent(
      opened.id,
      { type: 'SUBMIT_PLAN', plan: 'Same-day stamps', measures: ['open a fast lane'], completionDueAt: '2026-12-10T18:00:00+08:00' },
      liaison,
    );
    const other = (await fx.openAnother()).engine;
    await other.applyEvent(opened.id, { type: 'ACCEPT_PLAN', reason: 'measures are concrete' }, supervisor, 3);
    const reloaded = await fx.engine.getCase(opened.id);
    expect(reloaded.state).toBe('inProgress');
    expect(reloaded.version).toBe(4);
    expect((reloaded.context as { plan: { measures: string[] } }).plan.measures).toEqual(['open a fast lane']);
    expect((await fx.engine.history(opened.id)).map((e) => `${e.version}:${e.type}:${e.fromState ?? ''}>${e.toState ?? ''}`)).toEqual([
      '1:CASE_OPENED:>criticismAired',
      '2:NOTIFY_UNIT:criticismAired>planDue',
      '3:SUBMIT_PLAN:planDue>planReview',
      '4:ACCEPT_PLAN:planReview>inProgress',
    ]);
  });

  it('lists the events an actor may send now, by role', async () => {
    const opened = await fx.engine.createCase({ type: 'rectification', input: criticism(), actor: supervisor });
    await fx.engine.applyEvent(opened.id, { type: 'NOTIFY_UNIT', liaisonId: liaison.id }, supervisor);
    expect((await fx.engine.getCase(opened.id, liaison)).allowedEvents).toEqual(['SUBMIT_PLAN']);
    expect((await fx.engine.getCase(opened.id, supervisor)).allowedEvents).toEqual(['ESCALATE']);
    expect((await fx.engine.getCase(opened.id)).allowedEvents).toEqual(['DEADLINE_ESCALATED', 'DEADLINE_MISSED', 'ESCALATE', 'SUBMIT_PLAN']);
  });

  it('lists cases by type, state and unit, a page at a time', async () => {
    for (let i = 0; i < 5; i += 1) {
      fx.clock.advance(1000);
      await fx.engine.createCase({ type: 'rectification', input: criticism(i % 2 ? 'Transport Bureau' : 'Housing Bureau', AIRED_AT), actor: supervisor });
    }
    const housing = await fx.engine.listCases({ unit: 'Housing Bureau' });
    expect(housing.cases).toHaveLength(3);
    const first = await fx.engine.listCases({ type: 'rectification', state: 'criticismAired', limit: 2 });
    expect(first.cases).toHaveLength(2);
    expect(first.nextCursor).not.toBeNull();
    const second = await fx.engine.listCases({ type: 'rectification', limit: 2, cursor: first.nextCursor ?? '' });
    const third = await fx.engine.listCases({ type: 'rectification', limit: 2, cursor: second.nextCursor ?? '' });
    const ids = [...first.cases, ...second.cases, ...third.cases].map((c) => c.id);
    expect(new Set(ids).size).toBe(5);
    expect(third.nextCursor).toBeNull();
  });
});
