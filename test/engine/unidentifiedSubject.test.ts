/**
 * The public form needs no official id: the public names the official by name, post and unit, and
 * the intake clerk identifies them (or corrects the subject) when registering the clue. Until then
 * the clue cannot be registered; once identified, it is about that official everywhere it counts.
 */
import { clueScript, people } from '../../app/demoScripts';
import type { Actor } from '../../machines/types';
import type { CaseworkerEvent } from '../../src/engine/engine';
import { engineFixture, type EngineFixture } from '../support/engine';

const HOUR = 60 * 60_000;

describe('a clue from the public without an official id', () => {
  let fx: EngineFixture;
  beforeEach(async () => {
    fx = await engineFixture({}, clueScript.startsAt);
  });
  afterEach(() => fx.cleanup());

  const send = async (id: string, actor: Actor, event: CaseworkerEvent) => {
    fx.clock.advance(HOUR);
    return fx.engine.applyEvent(id, event, actor);
  };
  const unnamed = { name: 'Ma Lin', post: 'Section Chief', unit: 'Municipal Data Bureau' };
  const openClue = async (subject: Record<string, string>, summary = 'Nobody at the window after three') => {
    fx.clock.advance(HOUR);
    return (await fx.engine.createCase({ type: 'clue', input: { ...clueScript.input, summary, subject }, actor: people.clerk })).id;
  };

  it('is opened with the name, post and unit alone, and is about nobody yet', async () => {
    const id = await openClue(unnamed);
    const view = await fx.engine.getCase(id);
    expect(view.context).toMatchObject({ subject: { ...unnamed, officialId: null } });
    expect(view.subjectId ?? null).toBeNull();
  });

  it('cannot be registered until the clerk identifies the official; the refusal says so and changes nothing', async () => {
    const id = await openClue(unnamed);
    const before = await fx.dump();
    await expect(send(id, people.clerk, { type: 'REGISTER', clueNumber: 'XS-2026-0301', handlerId: people.clerk.id })).rejects.toMatchObject({
      code: 'GUARD_REJECTED',
      message: expect.stringContaining('give subject.officialId'),
    });
    expect(await fx.dump()).toEqual(before);
  });

  it('registered with the official identified, the clue is about them: they cannot handle it, and the subject keeps the reporter’s words where the clerk added none', async () => {
    const id = await openClue(unnamed);
    await expect(send(id, people.clerk, { type: 'REGISTER', clueNumber: 'XS-2026-0302', handlerId: 'ma.lin', subject: { officialId: 'ma.lin' } })).rejects.toMatchObject({
      code: 'GUARD_REJECTED',
    });
    const registered = await send(id, people.clerk, { type: 'REGISTER', clueNumber: 'XS-2026-0302', handlerId: people.clerk.id, subject: { officialId: 'Ma.Lin', post: 'Deputy Section Chief' } });
    expect(registered.case.context).toMatchObject({ subject: { officialId: 'ma.lin', name: 'Ma Lin', post: 'Deputy Section Chief', unit: 'Municipal Data Bureau' } });
    expect((await fx.engine.listCases({}, { id: 'ma.lin', role: 'supervisor' })).cases.map((c) => c.id)).not.toContain(id);
  });

  it('the clerk who is the official named cannot register the clue about themselves by identifying them', async () => {
    const id = await openClue({ ...unnamed, name: 'Wang Fang' });
    await expect(send(id, people.clerk, { type: 'REGISTER', clueNumber: 'XS-2026-0303', handlerId: 'li.na', subject: { officialId: people.clerk.id } })).rejects.toMatchObject({
      code: 'GUARD_REJECTED',
    });
  });

  it('identifying the official wakes the set-aside clues about them, as a new clue naming them would', async () => {
    const aside = await openClue({ ...unnamed, officialId: 'ma.lin' }, 'Late every morning');
    await send(aside, people.clerk, { type: 'REGISTER', clueNumber: 'XS-2026-0304', handlerId: people.clerk.id });
    await send(aside, people.clerk, { type: 'ACCEPT' });
    await send(aside, people.chair, { type: 'CHOOSE_DISPOSAL', route: 'setAsidePendingChecks', reason: 'Decided at the collective review' });
    expect((await fx.engine.getCase(aside)).state).toBe('setAside');

    const report = await openClue(unnamed);
    expect((await fx.engine.getCase(aside)).state).toBe('setAside'); // nobody was named yet
    await send(report, people.clerk, { type: 'REGISTER', clueNumber: 'XS-2026-0305', handlerId: people.clerk.id, subject: { officialId: 'ma.lin' } });
    expect((await fx.engine.getCase(aside)).state).toBe('verification');
    const notes = (await fx.engine.history(report)).filter((e) => e.kind === 'linkedCaseNote');
    expect(notes).toEqual([expect.objectContaining({ type: 'SET_ASIDE_CLUE_WOKEN', payload: { wokenCaseId: aside, toState: 'verification' } })]);
  });
});
