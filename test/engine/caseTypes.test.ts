import { clueScript, people, selfRecommendationScript } from '../../app/demoScripts';
import { PUBLIC_NOTICE_DEADLINE } from '../../machines/selfRecommendation';
import { engineFixture, worker, type EngineFixture } from '../support/engine';

describe('the three case types through the engine', () => {
  let fx: EngineFixture;
  beforeEach(async () => {
    fx = await engineFixture({}, '2026-11-02T09:00:00+08:00');
  });
  afterEach(() => fx.cleanup());

  const walk = async (script: typeof clueScript, steps = script.steps.length) => {
    const id = (await fx.engine.createCase({ type: script.type, input: script.input, actor: script.opener })).id;
    for (const step of script.steps.slice(0, steps)) {
      fx.clock.advance(step.afterMinutes * 60_000);
      await fx.engine.applyEvent(id, step.event, step.actor);
    }
    return id;
  };

  it('an anonymous clue stores no reporter identity; a named reporter is stored apart from the case body and log', async () => {
    const anonymous = await walk(clueScript, 0);
    expect((await fx.dump()).reporter_identities).toEqual([]);
    const named = await fx.engine.createCase({
      type: 'clue',
      input: { ...clueScript.input, anonymous: false },
      actor: people.clerk,
      reporter: { name: 'Zhang San', contact: '138-0000-0000' },
    });
    const stored = await fx.store.read((tx) => tx.reporters.identityOf(named.id));
    expect(stored).toMatchObject({ caseId: named.id, name: null, contact: null, keyId: 'test-1' });
    const everywhereElse = JSON.stringify([stored, await fx.engine.getCase(named.id), await fx.engine.history(named.id), await fx.engine.getCase(anonymous)]);
    expect(everywhereElse).not.toContain('Zhang San');
    expect(everywhereElse).not.toContain('138-0000-0000');
  });

  it('a named clue needs the reporter’s name, and an anonymous one may carry none', async () => {
    const before = await fx.dump();
    await expect(fx.engine.createCase({ type: 'clue', input: { ...clueScript.input, anonymous: false }, actor: people.clerk })).rejects.toThrow(
      expect.objectContaining({ code: 'INVALID_PAYLOAD' }),
    );
    await expect(
      fx.engine.createCase({ type: 'clue', input: clueScript.input, actor: people.clerk, reporter: { name: 'Zhang San' } }),
    ).rejects.toThrow(expect.objectContaining({ code: 'INVALID_PAYLOAD' }));
    expect(await fx.dump()).toEqual(before);
  });

  it('a conference ordering rectification opens a linked rectification case in the same transaction', async () => {
    const clueId = await walk(clueScript);
    expect((await fx.engine.getCase(clueId)).state).toBe('decision.rectificationOrdered');
    const linked = (await fx.engine.history(clueId)).find((e) => e.type === 'LINKED_CASE_OPENED');
    const rectificationId = (linked?.payload as { caseId: string }).caseId;
    const rectification = await fx.engine.getCase(rectificationId);
    expect(rectification).toMatchObject({ type: 'rectification', state: 'criticismAired', unit: 'Municipal Housing Bureau' });
    expect((rectification.context as { sourceCaseId: string }).sourceCaseId).toBe(clueId);
    expect((await fx.engine.history(rectificationId))[0]).toMatchObject({ type: 'CASE_OPENED', payload: { sourceCaseId: clueId } });
    // the decision and the linked case carry the same version of the clue
    const rows = await fx.store.read((tx) => tx.events.ofCase(clueId));
    expect(rows.filter((r) => r.version === rows.at(-1)!.version).map((r) => r.type)).toEqual(['DECIDE', 'LINKED_CASE_OPENED']);
  });

  it('nobody decides a clue about themselves', async () => {
    const id = await walk(clueScript, clueScript.steps.length - 1);
    const subjectAsChair = { id: 'chen.gang', role: 'conferenceChair' as const };
    const before = await fx.dump();
    await expect(fx.engine.applyEvent(id, { type: 'DECIDE', outcome: 'dismissed', reason: 'nothing to see' }, subjectAsChair)).rejects.toThrow(
      expect.objectContaining({ code: 'FORBIDDEN_ROLE', details: expect.objectContaining({ rule: 'subjectOfCase' }) }),
    );
    expect(await fx.dump()).toEqual(before);
  });

  it('an official may recommend only themself', async () => {
    await expect(
      fx.engine.createCase({ type: 'selfRecommendation', input: selfRecommendationScript.input, actor: { id: 'someone.else', role: 'official' } }),
    ).rejects.toThrow(expect.objectContaining({ code: 'FORBIDDEN_ROLE' }));
  });

  it('the public notice is a period: ending it after its end is on time, not overdue', async () => {
    const id = await walk(selfRecommendationScript);
    const notice = (await fx.engine.getCase(id)).deadlines.find((d) => d.kind === PUBLIC_NOTICE_DEADLINE);
    expect(notice).toMatchObject({ running: true, status: 'pending' });
    fx.clock.set(Date.parse(notice!.dueAt) + 60_000);
    await fx.engine.applyEvent(id, { type: 'DEADLINE_MISSED', deadlineKind: PUBLIC_NOTICE_DEADLINE }, worker);
    fx.clock.advance(60 * 60_000);
    const { case: probation } = await fx.engine.applyEvent(id, { type: 'NOTICE_PERIOD_ENDED' }, people.orgDept);
    expect(probation.state).toBe('probation');
    expect(probation.deadlines.find((d) => d.kind === PUBLIC_NOTICE_DEADLINE)).toMatchObject({ running: false, status: 'met' });
    expect(probation.deadlines.find((d) => d.kind === 'probationPeriod')).toMatchObject({ running: true, status: 'pending' });
  });
});
