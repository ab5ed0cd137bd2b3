/**
 * A named reporter is told whether their clue was accepted within 15 working days of its receipt: a
 * limit that exists only for a named reporter (clueAcceptanceAnswerDue), runs from the case's opening
 * across every state until it is met by the acceptance answer (ANSWER_REPORTER_ACCEPTANCE) or by the
 * result answer, and is escalated against the office like every clue limit. The answer goes out through
 * the notification outbox naming the reporter by role only. An anonymous clue has no such limit.
 */
import { chair, clueAboutMaLin, namedClueAboutMaLin, namedReporter, toDecision, toReview, type ClueStep } from '../support/clues';
import { clerk, engineFixture, type EngineFixture } from '../support/engine';

const TOLD = 'Your clue was accepted on 3 March; the office is checking the permits';

describe('a named reporter is told whether their clue was accepted', () => {
  let fx: EngineFixture;
  beforeEach(async () => {
    // received on a Monday morning: 15 working days end on Monday 23 March
    fx = await engineFixture({}, '2026-03-02T09:00:00+08:00');
  });
  afterEach(() => fx.cleanup());

  const openClue = async (named: boolean) =>
    (await fx.engine.createCase({ type: 'clue', actor: clerk, ...(named ? { input: namedClueAboutMaLin, reporter: namedReporter } : { input: clueAboutMaLin }) })).id;
  async function walk(id: string, steps: ClueStep[]): Promise<void> {
    for (const [type, payload, actor] of steps) {
      fx.clock.advance(60 * 60_000);
      await fx.engine.applyEvent(id, { type, ...payload }, actor);
    }
  }
  const acceptanceLimit = async (id: string) => (await fx.store.read((tx) => tx.deadlines.ofCase(id))).find((d) => d.kind === 'clueAcceptanceAnswerDue');
  const reporterNotices = async (id: string) => (await fx.store.read((tx) => tx.notifications.ofCase(id))).filter((n) => n.recipient === 'reporter');

  /** Fires every due step of the case's acceptance-answer limit; answers the steps fired. */
  async function fireDue(id: string): Promise<string[]> {
    const fired: string[] = [];
    for (;;) {
      const row = await acceptanceLimit(id);
      if (!row?.running || row.nextFireAt === null || row.nextFireAt > fx.clock.now()) return fired;
      const outcome = await fx.engine.deadlines.fire(row.id, row.scheduleRev);
      if (outcome.kind === 'fired') fired.push(outcome.step);
    }
  }

  it('a named clue owes the answer from its receipt, across registration and acceptance, without starting again', async () => {
    const id = await openClue(true);
    const opened = await acceptanceLimit(id);
    expect(opened).toMatchObject({ running: true, status: 'pending', owner: 'office', baseAt: fx.clock.now(), basis: expect.stringContaining('15 working days of its receipt') });
    expect(new Date(opened!.dueAt).toISOString()).toBe('2026-03-23T15:59:59.999Z');
    await walk(id, toReview);
    expect(await acceptanceLimit(id)).toEqual({ ...opened, updatedAt: expect.any(Number) });
  });

  it('a named reporter not told within 15 working days of receipt whether the clue was accepted gets a red card on the office', async () => {
    const id = await openClue(true);
    await walk(id, toReview);
    fx.clock.set('2026-03-25T09:00:00+08:00');
    expect(await fireDue(id)).toEqual(['remind', 'overdue', 'escalate']);
    expect(await acceptanceLimit(id)).toMatchObject({ owner: 'office', warning: 'red', status: 'overdue', escalationLevel: 1, running: true });
    const escalated = await fx.engine.getCase(id);
    expect(escalated).toMatchObject({ state: 'screening.collectiveReview', status: 'open' });
    expect(escalated.context).toMatchObject({ escalations: [{ kind: 'clueAcceptanceAnswerDue', level: 1, to: ['disciplineCommission'] }] });

    // told late: the limit closes, counted late
    await fx.engine.applyEvent(id, { type: 'ANSWER_REPORTER_ACCEPTANCE', answer: TOLD }, clerk);
    expect(await acceptanceLimit(id)).toMatchObject({ running: false, status: 'overdue' });
  });

  it('the answer goes out through the outbox naming the reporter by role only; the limit is met, and it is told once', async () => {
    const id = await openClue(true);
    await walk(id, toReview);
    const told = await fx.engine.applyEvent(id, { type: 'ANSWER_REPORTER_ACCEPTANCE', answer: TOLD }, clerk);
    expect(told.case).toMatchObject({ state: 'screening.collectiveReview', context: { acceptanceAnswer: { text: TOLD, by: clerk.id } } });
    expect(await acceptanceLimit(id)).toMatchObject({ running: false, status: 'met' });
    expect(await reporterNotices(id)).toEqual([
      expect.objectContaining({ step: 'reporterAcceptanceAnswer', subject: 'Your clue XS-2026-0042 was accepted for handling', body: TOLD, status: 'pending' }),
    ]);
    const everything = JSON.stringify({ told, notices: await reporterNotices(id), history: await fx.engine.history(id) });
    expect(everything).not.toContain(namedReporter.name);
    expect(everything).not.toContain(namedReporter.contact);

    const before = await fx.dump();
    await expect(fx.engine.applyEvent(id, { type: 'ANSWER_REPORTER_ACCEPTANCE', answer: 'Again' }, chair)).rejects.toMatchObject({
      code: 'GUARD_REJECTED',
      details: { rules: [expect.objectContaining({ guard: 'reporterNotYetToldOfAcceptance' })] },
    });
    expect(await fx.dump()).toEqual(before);
  });

  it('the reporter is told of the acceptance only once the clue is accepted', async () => {
    const id = await openClue(true);
    await walk(id, toReview.slice(0, 1));
    await expect(fx.engine.applyEvent(id, { type: 'ANSWER_REPORTER_ACCEPTANCE', answer: TOLD }, clerk)).rejects.toMatchObject({ code: 'EVENT_NOT_ALLOWED' });
    expect(await acceptanceLimit(id)).toMatchObject({ running: true });
  });

  it('a result answer given before the acceptance answer tells the reporter both: it meets both limits', async () => {
    const id = await openClue(true);
    await walk(id, toDecision);
    await fx.engine.applyEvent(id, { type: 'ANSWER_REPORTER', answer: 'Your clue was verified and the section chief admonished' }, clerk);
    expect(await acceptanceLimit(id)).toMatchObject({ running: false, status: 'met' });
    await expect(fx.engine.applyEvent(id, { type: 'ANSWER_REPORTER_ACCEPTANCE', answer: TOLD }, clerk)).rejects.toMatchObject({ code: 'GUARD_REJECTED' });
  });

  it('an anonymous clue has no acceptance-answer limit, and its reporter is not told', async () => {
    const id = await openClue(false);
    await walk(id, toReview);
    expect(await acceptanceLimit(id)).toBeUndefined();
    await expect(fx.engine.applyEvent(id, { type: 'ANSWER_REPORTER_ACCEPTANCE', answer: TOLD }, clerk)).rejects.toMatchObject({
      code: 'GUARD_REJECTED',
      details: { rules: [expect.objectContaining({ guard: 'namedReporter' })] },
    });
    expect(await reporterNotices(id)).toEqual([]);
  });
});
