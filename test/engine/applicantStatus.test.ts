/**
 * The candidate may see where their own self-recommendation stands, and nothing more: not the
 * case itself, a department's view, the deliberation, a clue that holds it up, or its log.
 */
import { clueScript, people, selfRecommendationScript } from '../../app/demoScripts';
import type { Actor } from '../../machines/types';
import { engineFixture, type EngineFixture } from '../support/engine';

const HOUR = 60 * 60_000;

describe('a candidate’s own self-recommendation', () => {
  let fx: EngineFixture;
  beforeEach(async () => {
    fx = await engineFixture({}, selfRecommendationScript.startsAt);
  });
  afterEach(() => fx.cleanup());

  const open = async () => (await fx.engine.createCase({ type: 'selfRecommendation', input: selfRecommendationScript.input, actor: people.candidate })).id;
  /** Plays the demo's steps `from`..`to` (exclusive) on recommendation `id`. */
  const play = async (id: string, from: number, to: number) => {
    for (const step of selfRecommendationScript.steps.slice(from, to)) {
      fx.clock.advance(step.afterMinutes * 60_000);
      await fx.engine.applyEvent(id, step.event, step.actor);
    }
  };
  const lastStep = selfRecommendationScript.steps.length - 1;
  const unknown = 'SR-20261012-NOSUCHCASE00';
  const refusal = async (caseId: string, actor: Actor = people.candidate) => {
    const error = await fx.engine.applicantStatus(caseId, actor).then(
      () => null,
      (e: unknown) => e as { code: string; message: string },
    );
    return error && { code: error.code, message: error.message.replace(caseId, unknown) };
  };

  it('the candidate reads where it stands in their own words, and only that; the case itself stays closed to them', async () => {
    const id = await open();
    expect(await fx.engine.applicantStatus(id, { id: 'LIN.Qing', role: 'official' })).toEqual({
      caseId: id,
      type: 'selfRecommendation',
      status: 'Submitted: your recommendation is being passed on to the Organization Department',
      stage: 'submitted',
      submittedAt: new Date(Date.parse(selfRecommendationScript.startsAt)).toISOString(),
    });
    await expect(fx.engine.getCase(id, people.candidate)).rejects.toMatchObject({ code: 'FORBIDDEN_ROLE', details: { rule: 'subjectOfCase' } });
    await expect(fx.engine.history(id, people.candidate)).rejects.toMatchObject({ code: 'FORBIDDEN_ROLE' });

    await play(id, 0, lastStep);
    const atConference = await fx.engine.applicantStatus(id, people.candidate);
    expect(atConference).toMatchObject({ status: 'Before the joint conference: a decision is awaited', stage: 'inProgress' });
    // both departments' views are recorded by now: none of their words reach the candidate
    const { views } = (await fx.engine.getCase(id, people.chair)).context as { views: Record<string, { view: string } | null> };
    const texts = Object.values(views).map((v) => v?.view);
    expect(texts).toEqual([expect.any(String), expect.any(String)]);
    for (const text of texts) expect(JSON.stringify(atConference)).not.toContain(text);

    await play(id, lastStep, lastStep + 1);
    expect(await fx.engine.applicantStatus(id, people.candidate)).toMatchObject({ status: 'Appointment decided: under public notice before it takes effect', stage: 'inProgress' });
  });

  it('a clue about the candidate that holds the decision up is not revealed: the status reads as before, and the clue answers as an unknown id', async () => {
    const id = await open();
    await play(id, 0, lastStep);
    const before = await fx.engine.applicantStatus(id, people.candidate);
    fx.clock.advance(HOUR);
    const clue = (
      await fx.engine.createCase({ type: 'clue', input: { ...clueScript.input, subject: { officialId: people.candidate.id, name: 'Lin Qing', post: 'Section Chief', unit: 'Municipal Data Bureau' } }, actor: people.clerk })
    ).id;
    expect((await fx.engine.getCase(id, people.chair)).links).toEqual([expect.objectContaining({ caseId: clue, relation: 'heldUpBy' })]);
    const held = await fx.engine.applicantStatus(id, people.candidate);
    expect(held).toEqual(before);
    expect(JSON.stringify(held)).not.toContain(clue);
    expect(await refusal(clue)).toEqual(await refusal(unknown));
    expect(await refusal(clue)).toEqual({ code: 'CASE_NOT_FOUND', message: expect.stringContaining(unknown) });
  });

  it('nobody else reads a candidate’s status: another official, the chair or an admin gets an unknown id', async () => {
    const id = await open();
    for (const actor of [{ id: 'ma.lin', role: 'official' }, people.chair, { id: 'root.admin', role: 'admin' }] satisfies Actor[]) {
      expect({ actor: actor.id, refusal: await refusal(id, actor) }).toEqual({ actor: actor.id, refusal: await refusal(unknown, actor) });
    }
  });
});
