import { clueScript, people, selfRecommendationScript } from '../../app/demoScripts';
import { caseDefinitions } from '../../machines';
import { RECTIFICATION_PLAN_DUE_MINUTES } from '../../machines/clue';
import type { Actor } from '../../machines/types';
import type { CaseworkerEvent } from '../../src/engine/engine';
import { parseOfficePolicy } from '../../src/officePolicy';
import { engineFixture, type EngineFixture } from '../support/engine';

const HOUR = 60 * 60_000;

/** A clue from the hotline about `officialId`, as the intake clerk opens it. */
const clueAbout = (officialId: string, summary = 'Applicants are sent from window to window') => ({
  ...clueScript.input,
  summary,
  subject: { officialId, name: officialId, post: 'Section Chief', unit: 'Municipal Data Bureau' },
});

describe('cases about the same official are linked', () => {
  let fx: EngineFixture;
  afterEach(() => fx.cleanup());

  const send = async (id: string, actor: Actor, event: CaseworkerEvent) => {
    fx.clock.advance(HOUR);
    return fx.engine.applyEvent(id, event, actor);
  };
  const openClue = async (officialId: string, summary?: string) => {
    fx.clock.advance(HOUR);
    return (await fx.engine.createCase({ type: 'clue', input: clueAbout(officialId, summary), actor: people.clerk })).id;
  };
  /** Registers, accepts and disposes of a clue by `route`. */
  const dispose = async (id: string, route: string, number: string) => {
    await send(id, people.clerk, { type: 'REGISTER', clueNumber: number, handlerId: people.clerk.id });
    await send(id, people.clerk, { type: 'ACCEPT' });
    await send(id, people.chair, { type: 'CHOOSE_DISPOSAL', route, reason: 'Decided at the collective review' });
  };
  /** A self-recommendation of lin.qing walked to the joint conference, both views recorded: only the decision is left. */
  const recommendationReadyToDecide = async () => {
    const id = (await fx.engine.createCase({ type: 'selfRecommendation', input: selfRecommendationScript.input, actor: people.candidate })).id;
    for (const step of selfRecommendationScript.steps.slice(0, -1)) {
      fx.clock.advance(step.afterMinutes * 60_000);
      await fx.engine.applyEvent(id, step.event, step.actor);
    }
    return id;
  };
  const decide = (id: string) => send(id, people.chair, { type: 'DECIDE', outcome: 'appointed', reason: 'Both views clear; proven results' });
  /** Fires every step of the case's running `kind` deadline that is due by now, as the deadline worker would. */
  const fireDue = async (caseId: string, kind: string) => {
    for (;;) {
      const row = (await fx.store.read((tx) => tx.deadlines.ofCase(caseId))).find((d) => d.kind === kind && d.running);
      if (!row || row.nextFireAt === null || row.nextFireAt > fx.clock.now()) return;
      await fx.engine.deadlines.fire(row.id, row.scheduleRev);
    }
  };
  const logOf = async (id: string) => (await fx.engine.history(id)).map((e) => ({ kind: e.kind, type: e.type, payload: e.payload }));

  describe('with the default policy', () => {
    beforeEach(async () => {
      fx = await engineFixture({}, selfRecommendationScript.startsAt);
    });

    it('a self-recommendation cannot be decided while a clue about the same official is open; the refusal names the clue and changes nothing', async () => {
      const recommendation = await recommendationReadyToDecide();
      const clue = await openClue('ＬＩＮ.qing'); // the same official, however spelled
      const before = await fx.dump();
      await expect(decide(recommendation)).rejects.toMatchObject({
        code: 'CASE_ON_HOLD',
        message: expect.stringContaining(`it is on hold while ${clue} (clue, received) is open`),
        details: { caseId: recommendation, event: 'DECIDE', heldBy: [{ caseId: clue, type: 'clue', state: 'received' }] },
      });
      expect(await fx.dump()).toEqual(before);
    });

    it('both cases show the link: the self-recommendation is held up by the clue, the clue holds it up', async () => {
      const recommendation = await recommendationReadyToDecide();
      const clue = await openClue('lin.qing');
      expect((await fx.engine.getCase(recommendation, people.chair)).links).toEqual([
        { caseId: clue, type: 'clue', state: 'received', relation: 'heldUpBy', basis: expect.stringContaining('holds up') },
      ]);
      expect((await fx.engine.getCase(clue, people.chair)).links).toEqual([
        { caseId: recommendation, type: 'selfRecommendation', state: 'jointConference', relation: 'holdsUp', basis: expect.stringContaining('holds up') },
      ]);
    });

    it('a clue about someone else holds nothing up', async () => {
      const recommendation = await recommendationReadyToDecide();
      await openClue('ma.lin');
      expect((await fx.engine.getCase(recommendation, people.chair)).links).toEqual([]);
      await expect(decide(recommendation)).resolves.toMatchObject({ case: { state: 'publicNotice' } });
    });

    it('when the clue closes, its outcome is recorded in the self-recommendation’s log and the hold lifts', async () => {
      const recommendation = await recommendationReadyToDecide();
      const clue = await openClue('lin.qing');
      await dispose(clue, 'closedNoCase', 'XS-2026-0101');
      expect((await logOf(recommendation)).filter((e) => e.kind === 'linkedCaseNote')).toEqual([
        {
          kind: 'linkedCaseNote',
          type: 'CLUE_OUTCOME_RECORDED',
          payload: { clueId: clue, clueState: 'closedNoCase', outcome: 'closedNoCase', reason: 'Decided at the collective review', holdLifted: true, stillHeldBy: [] },
        },
      ]);
      expect((await fx.engine.getCase(recommendation, people.chair)).links).toEqual([]);
      await expect(decide(recommendation)).resolves.toMatchObject({ case: { state: 'publicNotice' } });
    });

    it('the hold stays while a second clue about the official is still open', async () => {
      const recommendation = await recommendationReadyToDecide();
      const first = await openClue('lin.qing');
      const second = await openClue('lin.qing', 'Never answers the phone');
      await dispose(first, 'closedNoCase', 'XS-2026-0102');
      const notes = (await logOf(recommendation)).filter((e) => e.type === 'CLUE_OUTCOME_RECORDED');
      expect(notes).toEqual([expect.objectContaining({ payload: expect.objectContaining({ clueId: first, holdLifted: false, stillHeldBy: [second] }) })]);
      await expect(decide(recommendation)).rejects.toMatchObject({ code: 'CASE_ON_HOLD', details: { heldBy: [expect.objectContaining({ caseId: second })] } });
    });

    it('a new clue naming an official wakes every set-aside clue about them, with an event in both case logs', async () => {
      const firstAside = await openClue('ma.lin', 'Late every morning');
      const secondAside = await openClue('ma.lin', 'Reports copied from last year');
      const otherAside = await openClue('he.ping', 'Closes the window early');
      await dispose(firstAside, 'setAsidePendingChecks', 'XS-2026-0201');
      await dispose(secondAside, 'setAsidePendingChecks', 'XS-2026-0202');
      await dispose(otherAside, 'setAsidePendingChecks', 'XS-2026-0203');
      fx.clock.advance(HOUR);
      const fresh = await openClue('Ma.Lin', 'Again: nobody at the window');

      for (const woken of [firstAside, secondAside]) {
        expect((await fx.engine.getCase(woken)).state).toBe('verification');
        expect((await logOf(woken)).at(-1)).toEqual({
          kind: 'transition',
          type: 'NEW_EVIDENCE',
          payload: { evidence: expect.stringContaining(`A new clue (${fresh}) names the same official`) },
        });
      }
      expect((await logOf(fresh)).filter((e) => e.kind === 'linkedCaseNote')).toEqual([
        { kind: 'linkedCaseNote', type: 'SET_ASIDE_CLUE_WOKEN', payload: { wokenCaseId: firstAside, toState: 'verification' } },
        { kind: 'linkedCaseNote', type: 'SET_ASIDE_CLUE_WOKEN', payload: { wokenCaseId: secondAside, toState: 'verification' } },
      ]);
      expect((await fx.engine.getCase(otherAside)).state).toBe('setAside');
    });

    it('a clue cannot close while the rectification it ordered is still open; once it is closed, the clue closes', async () => {
      fx.clock.set(Date.parse(clueScript.startsAt));
      const clue = (await fx.engine.createCase({ type: 'clue', input: clueScript.input, actor: clueScript.opener })).id;
      for (const step of clueScript.steps) {
        fx.clock.advance(step.afterMinutes * 60_000);
        await fx.engine.applyEvent(clue, step.event, step.actor);
      }
      const rectification = (await logOf(clue)).find((e) => e.type === 'LINKED_CASE_OPENED')!.payload as { caseId: string };
      const before = await fx.dump();
      await expect(send(clue, people.clerk, { type: 'CLOSE', note: 'Filed' })).rejects.toMatchObject({
        code: 'CASE_ON_HOLD',
        details: { heldBy: [{ caseId: rectification.caseId, type: 'rectification', state: 'criticismAired' }] },
      });
      expect(await fx.dump()).toEqual(before);
      await send(rectification.caseId, people.supervisor, { type: 'NOTIFY_UNIT', liaisonId: people.housingLiaison.id });
      await send(rectification.caseId, people.supervisor, { type: 'ESCALATE', reason: 'No plan: referred to the commission' });
      await expect(send(clue, people.clerk, { type: 'CLOSE', note: 'Filed' })).resolves.toMatchObject({ case: { state: 'closed' } });
    });

    describe('adjustment out of the post follows only an earlier step', () => {
      /** The demo clue about chen.gang, disposed of by `route`, walked to the joint conference with both views recorded. */
      const clueAtConference = async (route: string, clueNumber: string) => {
        const id = (await fx.engine.createCase({ type: 'clue', input: clueScript.input, actor: clueScript.opener })).id;
        for (const step of clueScript.steps.slice(0, -1)) {
          fx.clock.advance(step.afterMinutes * 60_000);
          const event = step.event.type === 'CHOOSE_DISPOSAL' ? { ...step.event, route } : step.event.type === 'REGISTER' ? { ...step.event, clueNumber } : step.event;
          await fx.engine.applyEvent(id, event, step.actor);
        }
        return id;
      };
      const decideOn = (id: string, outcome: string) => send(id, people.chair, { type: 'DECIDE', outcome, reason: 'Repeated lying flat' });

      it('the adjusted decision is refused unless the official’s record shows a talk, written inquiry or admonishment; nothing is stored', async () => {
        const clue = await clueAtConference('preliminaryVerification', 'XS-2026-0301');
        const before = await fx.dump();
        await expect(decideOn(clue, 'adjusted')).rejects.toMatchObject({
          code: 'GUARD_REJECTED',
          message: expect.stringContaining('Adjustment out of the post (调整) follows only after reminders, a written inquiry or a formal warning failed'),
          details: { rules: [expect.objectContaining({ guard: 'earlierStepOnRecord' })] },
        });
        expect(await fx.dump()).toEqual(before);
        await expect(decideOn(clue, 'admonished')).resolves.toMatchObject({ case: { state: 'decision.admonished' } });
      });

      it('a clue handled by a talk or written inquiry may end in adjustment', async () => {
        const clue = await clueAtConference('talkOrWrittenInquiry', 'XS-2026-0302');
        await expect(decideOn(clue, 'adjusted')).resolves.toMatchObject({ case: { state: 'decision.adjusted' } });
      });

      it('an earlier clue that admonished the official opens the way to adjustment on a later one', async () => {
        const earlier = await clueAtConference('preliminaryVerification', 'XS-2026-0303');
        await decideOn(earlier, 'admonished');
        await send(earlier, people.clerk, { type: 'CLOSE', note: 'Admonishment delivered' });
        const later = await clueAtConference('preliminaryVerification', 'XS-2026-0304');
        await expect(decideOn(later, 'adjusted')).resolves.toMatchObject({ case: { state: 'decision.adjusted' } });
      });

      it('a rectification a clue ordered that failed after a red card opens the way to adjustment; the red card alone does not', async () => {
        fx.clock.set(Date.parse(clueScript.startsAt));
        const earlier = (await fx.engine.createCase({ type: 'clue', input: clueScript.input, actor: clueScript.opener })).id;
        for (const step of clueScript.steps) {
          fx.clock.advance(step.afterMinutes * 60_000);
          await fx.engine.applyEvent(earlier, step.event, step.actor);
        }
        const { caseId: rectification } = (await logOf(earlier)).find((e) => e.type === 'LINKED_CASE_OPENED')!.payload as { caseId: string };
        await send(rectification, people.supervisor, { type: 'NOTIFY_UNIT', liaisonId: people.housingLiaison.id });
        // the plan is missed: a week and the grace go by, and the ladder's red card reaches the case
        fx.clock.advance(RECTIFICATION_PLAN_DUE_MINUTES * 60_000 + 2 * HOUR);
        await fireDue(rectification, 'rectificationPlanDue');
        expect((await fx.engine.getCase(rectification)).context).toMatchObject({ escalations: [expect.objectContaining({ kind: 'rectificationPlanDue' })] });
        const later = await clueAtConference('preliminaryVerification', 'XS-2026-0305');
        await expect(decideOn(later, 'adjusted')).rejects.toMatchObject({ code: 'GUARD_REJECTED', details: { rules: [expect.objectContaining({ guard: 'earlierStepOnRecord' })] } });

        const completionDueAt = () => new Date(fx.clock.now() + 10 * 24 * HOUR).toISOString();
        await send(rectification, people.housingLiaison, { type: 'SUBMIT_PLAN', plan: 'Late plan', measures: ['One window decides'], completionDueAt: completionDueAt() });
        await send(rectification, people.supervisor, { type: 'ACCEPT_PLAN', reason: 'Measures named' });
        await send(rectification, people.housingLiaison, { type: 'REPORT_COMPLETION', note: 'Done' });
        await send(rectification, people.supervisor, { type: 'ASSESS_FAILED', reason: 'Applicants are still sent away', completionDueAt: completionDueAt() });
        await expect(decideOn(later, 'adjusted')).resolves.toMatchObject({ case: { state: 'decision.adjusted' } });
      });
    });
  });

  it('an office that switches the hold off in its policy decides without waiting for the clue', async () => {
    const policy = parseOfficePolicy({ linkedCases: { clueHoldsSelfRecommendation: { enabled: false } } }, caseDefinitions);
    fx = await engineFixture({ policy }, selfRecommendationScript.startsAt);
    const recommendation = await recommendationReadyToDecide();
    await openClue('lin.qing');
    expect((await fx.engine.getCase(recommendation, people.chair)).links).toEqual([]);
    await expect(decide(recommendation)).resolves.toMatchObject({ case: { state: 'publicNotice' } });
  });
});
