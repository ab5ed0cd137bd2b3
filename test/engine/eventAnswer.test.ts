/**
 * The answer to an event is the case as a read right after it shows it: the deadlines in it are
 * the written rows (closed, rescheduled by caught-up steps, opened), not a guess, on every backend.
 */
import { clueScript, rectificationScript, selfRecommendationScript, type CaseScript } from '../../app/demoScripts';
import { engineFixture, type EngineFixture } from '../support/engine';

describe("an event's answer is the case as it was written", () => {
  let fx: EngineFixture;
  afterEach(() => fx.cleanup());

  /** Walks the script, `lateBy` extra minutes before each step (so due steps are caught up first). */
  const walkComparing = async (script: CaseScript, lateByMinutes: number) => {
    fx = await engineFixture({}, script.startsAt);
    const { id } = await fx.engine.createCase({ type: script.type, input: script.input, actor: script.opener });
    let compared = 0;
    for (const step of script.steps) {
      fx.clock.advance((step.afterMinutes + lateByMinutes) * 60_000);
      const answer = await fx.engine.applyEvent(id, step.event, step.actor);
      expect(answer.case).toEqual(await fx.engine.getCase(id, step.actor));
      compared += answer.case.deadlines.length;
    }
    return compared;
  };

  for (const script of [rectificationScript, clueScript, selfRecommendationScript]) {
    it(`${script.type}: on time, every answer equals the read after it`, async () => {
      expect(await walkComparing(script, 0)).toBeGreaterThan(0);
    });

    it(`${script.type}: days late at every step (reminders and overdue steps caught up first), every answer equals the read after it`, async () => {
      expect(await walkComparing(script, 3 * 24 * 60)).toBeGreaterThan(0);
    });
  }
});
