/**
 * Repeated findings open an adjustment review for the Organization Department, in the transaction
 * of the event that completes the pattern: two admonishments of the same official within 12 months,
 * or a rectification that failed after a red card. The review names the cases that triggered it,
 * their logs note it, and each pattern occurrence opens one review.
 */
import { clueScript, people } from '../../app/demoScripts';
import { caseDefinitions } from '../../machines';
import { RECTIFICATION_PLAN_DUE_MINUTES } from '../../machines/clue';
import type { Actor } from '../../machines/types';
import type { CaseworkerEvent } from '../../src/engine/engine';
import { parseOfficePolicy } from '../../src/officePolicy';
import { engineFixture, type EngineFixture } from '../support/engine';

const HOUR = 60 * 60_000;
const DAY = 24 * HOUR;

describe('repeated findings open an adjustment review', () => {
  let fx: EngineFixture;
  afterEach(() => fx.cleanup());
  let numbers = 0;

  const send = async (id: string, actor: Actor, event: CaseworkerEvent) => {
    fx.clock.advance(HOUR);
    return fx.engine.applyEvent(id, event, actor);
  };
  /** A clue about `officialId` walked through the demo's steps to a decision of `outcome` at the joint conference. */
  const clueDecided = async (officialId: string, outcome: string): Promise<string> => {
    const input = { ...clueScript.input, subject: { ...(clueScript.input.subject as object), officialId } };
    const id = (await fx.engine.createCase({ type: 'clue', input, actor: clueScript.opener })).id;
    for (const step of clueScript.steps) {
      fx.clock.advance(step.afterMinutes * 60_000);
      const event =
        step.event.type === 'DECIDE'
          ? { type: 'DECIDE', outcome, reason: 'Decided at the joint conference' }
          : step.event.type === 'REGISTER'
            ? { ...step.event, clueNumber: `XS-2026-${String(++numbers).padStart(4, '0')}` }
            : step.event;
      await fx.engine.applyEvent(id, event, step.actor);
    }
    return id;
  };
  /** Fires every step of the case's running `kind` deadline that is due by now, as the deadline worker would. */
  const fireDue = async (caseId: string, kind: string) => {
    for (;;) {
      const row = (await fx.store.read((tx) => tx.deadlines.ofCase(caseId))).find((d) => d.kind === kind && d.running);
      if (!row || row.nextFireAt === null || row.nextFireAt > fx.clock.now()) return;
      await fx.engine.deadlines.fire(row.id, row.scheduleRev);
    }
  };
  const reviews = async () => (await fx.engine.listCases({ type: 'adjustmentReview' })).cases;
  const notesOf = async (id: string) => (await fx.engine.history(id)).filter((e) => e.type === 'ADJUSTMENT_REVIEW_OPENED').map((e) => e.payload);
  /** A clue about `officialId` decided with a rectification ordered, its unit notified, and the plan's red card fired: the rectification's first failure. */
  const latePlanOnOrderedRectification = async (officialId: string): Promise<{ clue: string; rectification: string }> => {
    const clue = await clueDecided(officialId, 'rectificationOrdered');
    const { caseId: rectification } = (await fx.engine.history(clue)).find((e) => e.type === 'LINKED_CASE_OPENED')!.payload as { caseId: string };
    await send(rectification, people.supervisor, { type: 'NOTIFY_UNIT', liaisonId: people.housingLiaison.id });
    fx.clock.advance(RECTIFICATION_PLAN_DUE_MINUTES * 60_000 + 2 * HOUR);
    await fireDue(rectification, 'rectificationPlanDue');
    return { clue, rectification };
  };
  /** The late plan submitted, accepted and reported carried out; answers the completion's answer and a completion moment for the next step. */
  const latePlanAcceptedAndCarriedOut = async (rectification: string) => {
    const completionDueAt = () => new Date(fx.clock.now() + 10 * DAY).toISOString();
    await send(rectification, people.housingLiaison, { type: 'SUBMIT_PLAN', plan: 'Late plan', measures: ['One window decides'], completionDueAt: completionDueAt() });
    await send(rectification, people.supervisor, { type: 'ACCEPT_PLAN', reason: 'Measures named' });
    const completed = await send(rectification, people.housingLiaison, { type: 'REPORT_COMPLETION', note: 'Done' });
    return { completed, completionDueAt };
  };

  describe('with the default policy', () => {
    beforeEach(async () => {
      fx = await engineFixture({}, clueScript.startsAt);
    });

    it('a second admonishment of the same official within 12 months opens a review for the Organization Department, named in both clues’ logs', async () => {
      const first = await clueDecided('ma.lin', 'admonished');
      expect(await reviews()).toEqual([]);
      fx.clock.advance(150 * DAY);
      const second = await clueDecided('ＭＡ.Lin', 'admonished'); // the same official, however spelled

      const [listed, ...more] = await reviews();
      expect(more).toEqual([]);
      const review = await fx.engine.getCase(listed!.id);
      expect(review).toMatchObject({ type: 'adjustmentReview', state: 'review.opened', status: 'open' });
      expect(review.context).toMatchObject({
        subject: { officialId: 'ma.lin', name: 'Chen Gang' },
        pattern: 'repeatedAdmonishments',
        triggeredBy: [expect.objectContaining({ caseId: first, type: 'clue' }), expect.objectContaining({ caseId: second, type: 'clue' })],
      });
      expect(review.allowedEvents).toEqual(['RECORD_FINDING']);
      expect(review.deadlines).toEqual([expect.objectContaining({ kind: 'adjustmentReviewDue', status: 'pending' })]);
      for (const clue of [first, second]) expect(await notesOf(clue)).toEqual([{ caseType: 'adjustmentReview', caseId: review.id, pattern: 'repeatedAdmonishments' }]);
      // opened in the transaction of the second decision: the review's opening and the decision are one commit
      const decision = (await fx.engine.history(second)).find((e) => e.type === 'DECIDE')!;
      expect((await fx.engine.history(review.id))[0]).toMatchObject({ type: 'CASE_OPENED', at: decision.at, actor: { id: 'linked-cases', role: 'system' } });
    });

    it('admonishments more than 12 months apart, or of different officials, open no review', async () => {
      await clueDecided('ma.lin', 'admonished');
      await clueDecided('he.ping', 'admonished');
      fx.clock.advance(380 * DAY);
      await clueDecided('ma.lin', 'admonished');
      await clueDecided('ma.lin', 'dismissed');
      expect(await reviews()).toEqual([]);
    });

    it('each occurrence opens one review: a third admonishment is not counted with those already reviewed, a fourth opens the next', async () => {
      await clueDecided('ma.lin', 'admonished');
      await clueDecided('ma.lin', 'admonished');
      expect(await reviews()).toHaveLength(1);
      const third = await clueDecided('ma.lin', 'admonished');
      expect(await reviews()).toHaveLength(1);
      const fourth = await clueDecided('ma.lin', 'admonished');
      const latest = (await reviews())[0]!;
      expect(await reviews()).toHaveLength(2);
      expect((await fx.engine.getCase(latest.id)).context).toMatchObject({ triggeredBy: [expect.objectContaining({ caseId: third }), expect.objectContaining({ caseId: fourth })] });
    });

    it('a rectification ordered on a clue that fails after a red card opens a review of the clue’s official, once', async () => {
      const { clue, rectification } = await latePlanOnOrderedRectification('chen.gang');
      const { completionDueAt } = await latePlanAcceptedAndCarriedOut(rectification);
      expect(await reviews()).toEqual([]);
      await send(rectification, people.supervisor, { type: 'ASSESS_FAILED', reason: 'Applicants are still sent away', completionDueAt: completionDueAt() });

      const [listed] = await reviews();
      const review = await fx.engine.getCase(listed!.id);
      expect(review.context).toMatchObject({
        subject: { officialId: 'chen.gang' },
        pattern: 'rectificationFailedAfterRedCard',
        triggeredBy: [expect.objectContaining({ caseId: rectification, type: 'rectification' }), expect.objectContaining({ caseId: clue, type: 'clue' })],
      });
      for (const id of [rectification, clue]) expect(await notesOf(id)).toEqual([{ caseType: 'adjustmentReview', caseId: review.id, pattern: 'rectificationFailedAfterRedCard' }]);

      // failed again: the same occurrence, no second review
      await send(rectification, people.housingLiaison, { type: 'REPORT_COMPLETION', note: 'Done again' });
      await send(rectification, people.supervisor, { type: 'ASSESS_FAILED', reason: 'Still sent away', completionDueAt: completionDueAt() });
      expect(await reviews()).toHaveLength(1);
    });

    it('a rectification ordered on a clue that the third missed limit’s red card escalates opens a review of the clue’s official', async () => {
      const { clue, rectification } = await latePlanOnOrderedRectification('chen.gang');
      const plan = (days: number) => ({ type: 'SUBMIT_PLAN', plan: 'A plan', measures: ['a measure'], completionDueAt: new Date(fx.clock.now() + days * DAY).toISOString() });
      await send(rectification, people.housingLiaison, plan(10));
      await send(rectification, people.supervisor, { type: 'SEND_BACK_PLAN', reason: 'No owner named' });
      fx.clock.advance(5 * DAY);
      await fireDue(rectification, 'revisedPlanDue');
      await send(rectification, people.housingLiaison, plan(3));
      await send(rectification, people.supervisor, { type: 'ACCEPT_PLAN', reason: 'Owners named' });
      expect(await reviews()).toEqual([]);
      fx.clock.advance(8 * DAY);
      await fireDue(rectification, 'rectificationCompletionDue');
      expect(await fx.engine.getCase(rectification)).toMatchObject({ state: 'escalated', context: { escalationLevel: 3 } });

      const [listed, ...more] = await reviews();
      expect(more).toEqual([]);
      expect((await fx.engine.getCase(listed!.id)).context).toMatchObject({
        subject: { officialId: 'chen.gang' },
        pattern: 'rectificationFailedAfterRedCard',
        triggeredBy: [expect.objectContaining({ caseId: rectification }), expect.objectContaining({ caseId: clue })],
      });
      expect((await fx.engine.history(listed!.id))[0]).toMatchObject({ type: 'CASE_OPENED', actor: { id: 'linked-cases', role: 'system' } });
    });

    it('the review and the clues it rests on show each other in their links, before and after the review is decided', async () => {
      const first = await clueDecided('ma.lin', 'admonished');
      fx.clock.advance(30 * DAY);
      const second = await clueDecided('ma.lin', 'admonished');
      const review = (await reviews())[0]!.id;
      const { basis } = (await fx.engine.getCase(review)).context as { basis: string };
      const linksOf = async (id: string) => (await fx.engine.getCase(id, people.orgDept)).links.map((l) => ({ caseId: l.caseId, type: l.type, relation: l.relation }));
      expect(await linksOf(review)).toEqual([
        { caseId: first, type: 'clue', relation: 'openedBy' },
        { caseId: second, type: 'clue', relation: 'openedBy' },
      ]);
      for (const clue of [first, second]) expect(await linksOf(clue)).toEqual([{ caseId: review, type: 'adjustmentReview', relation: 'openedReview' }]);
      expect((await fx.engine.getCase(first, people.orgDept)).links[0]).toEqual({ caseId: review, type: 'adjustmentReview', state: 'review.opened', relation: 'openedReview', basis });
      await send(review, people.orgDept, { type: 'RECORD_FINDING', finding: 'No change at the window' });
      await send(review, people.orgDept, { type: 'DECIDE', outcome: 'dismissed', reason: 'The admonitions worked' });
      expect((await fx.engine.getCase(second, people.orgDept)).links).toEqual([expect.objectContaining({ caseId: review, state: 'dismissed', relation: 'openedReview' })]);
      expect((await linksOf(review)).map((l) => l.caseId)).toEqual([first, second]);
    });

    it('a rectification whose failed assessment opens a review shows it in the answer to that very event; the review shows the rectification and the clue', async () => {
      const { clue, rectification } = await latePlanOnOrderedRectification('chen.gang');
      const { completed, completionDueAt } = await latePlanAcceptedAndCarriedOut(rectification);
      expect(completed.case.links).toEqual([]);
      const failed = await send(rectification, people.supervisor, { type: 'ASSESS_FAILED', reason: 'Applicants are still sent away', completionDueAt: completionDueAt() });
      const review = (await reviews())[0]!.id;
      expect(failed.case.links).toEqual([expect.objectContaining({ caseId: review, type: 'adjustmentReview', relation: 'openedReview' })]);
      expect((await fx.engine.getCase(rectification, people.supervisor)).links.map((l) => l.caseId)).toEqual([review]);
      expect((await fx.engine.getCase(review, people.orgDept)).links.map((l) => [l.caseId, l.relation])).toEqual([
        [rectification, 'openedBy'],
        [clue, 'openedBy'],
      ]);
    });

    it('a red card whose wake-up was lost is caught up before the supervisor escalates: the escalation opens the review in that transaction, once', async () => {
      const clue = await clueDecided('chen.gang', 'rectificationOrdered');
      const { caseId: rectification } = (await fx.engine.history(clue)).find((e) => e.type === 'LINKED_CASE_OPENED')!.payload as { caseId: string };
      await send(rectification, people.supervisor, { type: 'NOTIFY_UNIT', liaisonId: people.housingLiaison.id });
      // the plan's limit and its red card pass while no worker wakes
      fx.clock.advance(RECTIFICATION_PLAN_DUE_MINUTES * 60_000 + 2 * HOUR);
      expect(await reviews()).toEqual([]);
      const escalated = await send(rectification, people.supervisor, { type: 'ESCALATE', reason: 'No plan at all' });
      expect(escalated.case.state).toBe('escalated');
      const log = await fx.engine.history(rectification);
      expect(log.filter((e) => e.type === 'DEADLINE_ESCALATED').map((e) => e.actor.role)).toEqual(['system']);
      const [listed, ...more] = await reviews();
      expect(more).toEqual([]);
      expect((await fx.engine.getCase(listed!.id)).context).toMatchObject({ pattern: 'rectificationFailedAfterRedCard', triggeredBy: [expect.objectContaining({ caseId: rectification }), expect.objectContaining({ caseId: clue })] });
      const escalation = log.find((e) => e.type === 'ESCALATE')!;
      expect((await fx.engine.history(listed!.id))[0]).toMatchObject({ type: 'CASE_OPENED', at: escalation.at });
      expect(escalated.case.links).toEqual([expect.objectContaining({ caseId: listed!.id, relation: 'openedReview' })]);
      // the deadline worker waking late finds the case finished: no second review
      for (const d of await fx.store.read((tx) => tx.deadlines.ofCase(rectification))) if (d.running) await fx.engine.deadlines.fire(d.id, d.scheduleRev);
      expect(await reviews()).toHaveLength(1);
    });

    it('the department records its finding and decides; the review’s deadline is met', async () => {
      await clueDecided('ma.lin', 'admonished');
      await clueDecided('ma.lin', 'admonished');
      const review = (await reviews())[0]!.id;
      await send(review, people.orgDept, { type: 'RECORD_FINDING', finding: 'No change at the window' });
      await expect(send(review, people.orgDept, { type: 'DECIDE', outcome: 'retainedWithWarning', reason: 'A last warning' })).resolves.toMatchObject({
        case: { state: 'retainedWithWarning', status: 'closed', deadlines: [expect.objectContaining({ kind: 'adjustmentReviewDue', status: 'met' })] },
      });
    });

    it('a review that retained the official with a warning is the earlier step a later adjustment needs', async () => {
      const input = {
        subject: { officialId: 'chen.gang', name: 'Chen Gang', unit: 'Municipal Housing Bureau' },
        summary: 'Reported twice by the bureau itself',
        basis: 'Adjusting unfit officials',
        triggeredBy: [{ caseId: 'CL-OUTSIDE-1', type: 'clue', finding: 'a report from another office' }],
      };
      const review = (await fx.engine.createCase({ type: 'adjustmentReview', input, actor: people.orgDept })).id;
      await send(review, people.orgDept, { type: 'RECORD_FINDING', finding: 'Slow, but answers' });
      await send(review, people.orgDept, { type: 'DECIDE', outcome: 'retainedWithWarning', reason: 'A formal warning' });
      const clue = (await fx.engine.createCase({ type: 'clue', input: clueScript.input, actor: clueScript.opener })).id;
      for (const step of clueScript.steps.slice(0, -1)) {
        fx.clock.advance(step.afterMinutes * 60_000);
        await fx.engine.applyEvent(clue, step.event, step.actor);
      }
      await expect(send(clue, people.chair, { type: 'DECIDE', outcome: 'adjusted', reason: 'The warning failed' })).resolves.toMatchObject({ case: { state: 'decision.adjusted' } });
    });
  });

  it('an office that switches the patterns off opens no review', async () => {
    const policy = parseOfficePolicy({ adjustmentReview: { patterns: { repeatedAdmonishments: { enabled: false } } } }, caseDefinitions);
    fx = await engineFixture({ policy }, clueScript.startsAt);
    await clueDecided('ma.lin', 'admonished');
    await clueDecided('ma.lin', 'admonished');
    expect(await reviews()).toEqual([]);
  });

  it('an office may ask for three admonishments within 6 months', async () => {
    const policy = parseOfficePolicy({ adjustmentReview: { patterns: { repeatedAdmonishments: { admonishments: 3, withinMonths: 6 } } } }, caseDefinitions);
    fx = await engineFixture({ policy }, clueScript.startsAt);
    await clueDecided('ma.lin', 'admonished');
    await clueDecided('ma.lin', 'admonished');
    expect(await reviews()).toEqual([]);
    await clueDecided('ma.lin', 'admonished');
    expect(await reviews()).toHaveLength(1);
  });
});
