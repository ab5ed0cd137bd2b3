/**
 * Card consequences: two yellow cards of a unit in a month bring a formal letter and points off its
 * assessment, a red card a talk with the unit head, three reds in a row a talk with the top
 * official. Each is a supervision action with its own deadline, decided in the transaction that
 * issues the card, reminded and escalated like any deadline, and marked done by a supervisor.
 */
import type { CardConsequenceRow } from '../../db/records';
import type { CaseEngine } from '../../src/engine/engine';
import { clerk, criticism, engineFixture, liaison, supervisor, type EngineFixture } from '../support/engine';

const MINUTE = 60_000;
const UNIT = 'Municipal Housing Bureau';

describe('card consequences', () => {
  let fx: EngineFixture;
  beforeEach(async () => {
    fx = await engineFixture();
  });
  afterEach(() => fx.cleanup());

  /** A rectification of `unit` whose plan is due at 21:00, its unit notified. */
  async function criticized(unit = UNIT): Promise<string> {
    const { id } = await fx.engine.createCase({ type: 'rectification', input: criticism(unit), actor: supervisor });
    await fx.engine.applyEvent(id, { type: 'NOTIFY_UNIT', liaisonId: liaison.id }, supervisor);
    return id;
  }

  /** Fires, as the deadline worker would, every step of the case's deadline `kind` due by now. */
  async function fireDue(caseId: string, kind: string, engine: CaseEngine = fx.engine): Promise<void> {
    for (;;) {
      const row = (await fx.store.read((tx) => tx.deadlines.ofCase(caseId))).find((d) => d.kind === kind && d.running);
      if (!row || row.nextFireAt === null || row.nextFireAt > fx.clock.now()) return;
      await engine.deadlines.fire(row.id, row.scheduleRev);
    }
  }

  const consequences = (unit = UNIT): Promise<CardConsequenceRow[]> => fx.store.read((tx) => tx.consequences.ofUnit(unit));

  it("a unit's second yellow card in a month opens a formal letter with a 5-working-day deadline and 2 points off", async () => {
    const first = await criticized();
    const second = await criticized();
    fx.clock.set(Date.parse('2026-11-25T21:00:00+08:00'));
    await fireDue(first, 'rectificationPlanDue');
    expect(await consequences()).toEqual([]);

    await fireDue(second, 'rectificationPlanDue');
    const [letter, ...rest] = await consequences();
    expect(rest).toEqual([]);
    expect(letter).toMatchObject({ unit: UNIT, kind: 'formalLetter', period: '2026-11', pointsOff: 2, status: 'open' });
    expect(letter!.action).toBe(`Send ${UNIT} a formal letter on its 2 yellow cards in 2026-11, and take 2 points off its assessment`);
    expect(JSON.parse(letter!.triggeredBy).map((c: { caseId: string; warning: string }) => `${c.caseId}:${c.warning}`)).toEqual([`${first}:yellow`, `${second}:yellow`]);
    // Wednesday 25 November + 5 working days: the end of Wednesday 2 December, Shanghai time
    expect(new Date(letter!.dueAt).toISOString()).toBe('2026-12-02T15:59:59.999Z');

    const action = await fx.engine.getCase(letter!.caseId, supervisor);
    expect(action).toMatchObject({ type: 'supervisionAction', state: 'due' });
    expect(action.deadlines).toEqual([expect.objectContaining({ kind: 'supervisionActionDue', dueAt: '2026-12-02T15:59:59.999Z' })]);
    expect((await fx.engine.history(letter!.caseId))[0]).toMatchObject({ type: 'CASE_OPENED', payload: { sourceCaseId: second } });
  });

  it('a red card opens a talk with the unit head; a yellow card of another unit counts for nobody else', async () => {
    const late = await criticized();
    await criticized('Water Bureau');
    fx.clock.set(Date.parse('2026-11-25T21:30:00+08:00'));
    await fireDue(late, 'rectificationPlanDue');
    const rows = await consequences();
    expect(rows.map((r) => r.kind)).toEqual(['unitHeadTalk']);
    expect(rows[0]!.action).toBe(`Hold a talk with the head of ${UNIT} about its red card on case ${late}`);
    expect(await consequences('Water Bureau')).toEqual([]);
  });

  it('three reds in a row open a talk with the top official, instead of the third talk with the unit head', async () => {
    const cases = [await criticized(), await criticized(), await criticized()];
    fx.clock.set(Date.parse('2026-11-25T21:30:00+08:00'));
    for (const id of cases) {
      fx.clock.advance(MINUTE);
      await fireDue(id, 'rectificationPlanDue');
    }
    // (the second yellow card brought a formal letter too)
    expect((await consequences()).map((r) => r.kind).sort()).toEqual(['formalLetter', 'topOfficialTalk', 'unitHeadTalk', 'unitHeadTalk']);
    const talk = (await consequences()).find((r) => r.kind === 'topOfficialTalk')!;
    expect(talk.action).toBe(`Hold a talk with the top official of ${UNIT} about its 3 red cards in a row`);
    expect(JSON.parse(talk.triggeredBy).map((c: { caseId: string }) => c.caseId)).toEqual(cases);
  });

  it('a plan met on time between red cards breaks the row', async () => {
    const reds = [await criticized(), await criticized(), await criticized()];
    fx.clock.set(Date.parse('2026-11-25T21:30:00+08:00'));
    await fireDue(reds[0]!, 'rectificationPlanDue');
    // a criticism aired at 21:00 whose plan comes at 21:40, on time
    fx.clock.set(Date.parse('2026-11-25T21:35:00+08:00'));
    const { id: onTime } = await fx.engine.createCase({ type: 'rectification', input: criticism(UNIT, '2026-11-25T21:00:00+08:00'), actor: supervisor });
    await fx.engine.applyEvent(onTime, { type: 'NOTIFY_UNIT', liaisonId: liaison.id }, supervisor);
    fx.clock.set(Date.parse('2026-11-25T21:40:00+08:00'));
    await fx.engine.applyEvent(onTime, { type: 'SUBMIT_PLAN', plan: 'A plan', measures: ['a measure'], completionDueAt: '2026-12-31T00:00:00Z' }, liaison);
    for (const id of reds.slice(1)) {
      fx.clock.advance(MINUTE);
      await fireDue(id, 'rectificationPlanDue');
    }
    expect((await consequences()).filter((r) => r.kind !== 'formalLetter').map((r) => r.kind)).toEqual(['unitHeadTalk', 'unitHeadTalk', 'unitHeadTalk']);
  });

  it('a consequence not done by its deadline is reminded, marked overdue and escalated; its own cards count against no unit', async () => {
    const late = await criticized();
    fx.clock.set(Date.parse('2026-11-25T21:30:00+08:00'));
    await fireDue(late, 'rectificationPlanDue');
    const [talk] = await consequences();
    // 2 December ends the 5 working days; the escalation follows a working day later
    fx.clock.set(Date.parse('2026-12-04T09:00:00+08:00'));
    await fireDue(talk!.caseId, 'supervisionActionDue');
    const steps = (await fx.engine.history(talk!.caseId)).filter((e) => e.kind === 'deadlineStep').map((e) => e.type);
    expect(steps).toEqual(['DEADLINE_REMIND', 'DEADLINE_OVERDUE', 'DEADLINE_ESCALATE']);
    const row = (await fx.store.read((tx) => tx.deadlines.ofCase(talk!.caseId)))[0]!;
    expect(row).toMatchObject({ status: 'overdue', warning: 'red', escalationLevel: 1 });
    const notices = await fx.store.read((tx) => tx.notifications.ofCase(talk!.caseId));
    expect(notices.map((n) => `${n.step}:${n.recipient}`)).toContain('escalate:disciplineCommission');
    expect(await consequences()).toHaveLength(1);
    expect((await fx.cf.supervision.overdue(fx.clock.now())).map((o) => o.caseId)).toContain(talk!.caseId);

    // done late: closed, and counted late
    await fx.engine.applyEvent(talk!.caseId, { type: 'MARK_DONE', note: 'Talk held with the bureau head' }, supervisor);
    expect((await consequences())[0]).toMatchObject({ status: 'closed', closedAt: fx.clock.now() });
    expect((await fx.store.read((tx) => tx.deadlines.ofCase(talk!.caseId)))[0]).toMatchObject({ status: 'overdue', running: false });
  });

  it('a supervisor marks a consequence done, on the record; other roles may not, and a refusal stores nothing', async () => {
    const late = await criticized();
    fx.clock.set(Date.parse('2026-11-25T21:30:00+08:00'));
    await fireDue(late, 'rectificationPlanDue');
    const [talk] = await consequences();
    const before = await fx.dump();
    await expect(fx.engine.applyEvent(talk!.caseId, { type: 'MARK_DONE', note: 'done' }, clerk)).rejects.toMatchObject({ code: 'FORBIDDEN_ROLE' });
    await expect(fx.engine.applyEvent(talk!.caseId, { type: 'MARK_DONE', note: '' }, supervisor)).rejects.toMatchObject({ code: 'INVALID_PAYLOAD' });
    expect(await fx.dump()).toEqual(before);

    fx.clock.advance(24 * 60 * MINUTE);
    const { case: done } = await fx.engine.applyEvent(talk!.caseId, { type: 'MARK_DONE', note: 'Talk held with the bureau head' }, supervisor);
    expect(done).toMatchObject({ state: 'done', status: 'closed' });
    expect((await fx.engine.history(talk!.caseId)).at(-1)).toMatchObject({ type: 'MARK_DONE', actor: supervisor, payload: { note: 'Talk held with the bureau head' } });
    expect((await fx.store.read((tx) => tx.deadlines.ofCase(talk!.caseId)))[0]).toMatchObject({ status: 'met', running: false });
  });

  it('two workers firing the same step, or two yellow cards of one unit at once, write each card and its consequence exactly once', async () => {
    const other = await fx.openAnother();
    const first = await criticized();
    const second = await criticized();
    fx.clock.set(Date.parse('2026-11-25T21:00:00+08:00'));
    const rows = await fx.store.read(async (tx) => [...(await tx.deadlines.ofCase(first)), ...(await tx.deadlines.ofCase(second))].filter((d) => d.kind === 'rectificationPlanDue'));
    // the reminders first, one by one
    for (const row of rows) await fx.engine.deadlines.fire(row.id, row.scheduleRev);
    const due = await fx.store.read(async (tx) => Promise.all(rows.map(async (r) => (await tx.deadlines.byId(r.id))!)));
    // each overdue step woken twice, once in each process, all four at once
    await Promise.all(due.flatMap((row) => [fx.engine.deadlines.fire(row.id, row.scheduleRev), other.engine.deadlines.fire(row.id, row.scheduleRev)]));
    const cards = await fx.store.read((tx) => tx.consequences.cardsOfUnit(UNIT, 0, Number.MAX_SAFE_INTEGER));
    expect(cards.filter((c) => c.warning === 'yellow')).toHaveLength(2);
    expect((await consequences()).map((r) => r.kind)).toEqual(['formalLetter']);
  });
});
