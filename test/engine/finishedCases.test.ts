/**
 * A finished case closes every running limit, in the transaction that finishes it, so no reminder
 * fires on a closed case; a limit an older caseflow left running on a finished case is closed by the
 * worker that wakes for it (cancelled, or overdue if it had lapsed), with no step, card or notice.
 */
import { chair, clueAboutMaLin, toAcceptance as registered, toDecision as decided, toReview as reviewed, type ClueStep as Step } from '../support/clues';
import { clerk, criticism, engineFixture, liaison, supervisor, type EngineFixture } from '../support/engine';

describe('a finished case closes every running limit', () => {
  let fx: EngineFixture;
  beforeEach(async () => {
    fx = await engineFixture({}, '2026-03-02T09:00:00+08:00');
  });
  afterEach(() => fx.cleanup());

  const running = async (caseId: string) => (await fx.store.read((tx) => tx.deadlines.ofCase(caseId))).filter((d) => d.running);
  const notices = async () => {
    const rows = (await fx.dump()).notifications;
    expect(Array.isArray(rows)).toBe(true);
    return rows;
  };

  it.each([
    ['closed after its decision was carried out', [...decided, ['CLOSE', { note: 'Admonition served' }, clerk]] as Step[], 'closed'],
    ['declared out of scope', [...registered, ['DECLARE_OUT_OF_SCOPE', { reason: 'A provincial official', forwardedTo: 'Provincial commission' }, clerk]] as Step[], 'outOfScope'],
    ['closed at disposal, no case to answer', [...reviewed, ['CHOOSE_DISPOSAL', { route: 'closedNoCase', reason: 'Already concluded' }, chair]] as Step[], 'closedNoCase'],
  ])('a clue %s has no running limit left, and none of its limits reminds anyone afterwards', async (_how, steps, state) => {
    const { id } = await fx.engine.createCase({ type: 'clue', input: clueAboutMaLin, actor: clerk });
    for (const [type, payload, actor] of steps) {
      fx.clock.advance(60 * 60_000);
      await fx.engine.applyEvent(id, { type, ...payload }, actor);
    }
    const closed = await fx.engine.getCase(id);
    expect(closed).toMatchObject({ state, status: 'closed' });
    expect(await running(id)).toEqual([]);
    expect(closed.deadlines.every((d) => d.status === 'met')).toBe(true);

    const before = await notices();
    fx.clock.advance(60 * 24 * 3600_000);
    for (const d of await fx.store.read((tx) => tx.deadlines.ofCase(id))) expect(await fx.engine.deadlines.fire(d.id, d.scheduleRev)).toEqual({ kind: 'stale' });
    expect(await notices()).toEqual(before);
  });

  it('a rectification escalated by the supervisor before its plan came in closes its plan limit with it', async () => {
    const { id } = await fx.engine.createCase({ type: 'rectification', input: criticism('Municipal Housing Bureau', '2026-03-02T20:00:00+08:00'), actor: supervisor });
    await fx.engine.applyEvent(id, { type: 'NOTIFY_UNIT', liaisonId: liaison.id }, supervisor);
    expect((await running(id)).map((d) => d.kind)).toEqual(['rectificationPlanDue']);
    await fx.engine.applyEvent(id, { type: 'ESCALATE', reason: 'The unit refuses to answer' }, supervisor);
    expect(await fx.engine.getCase(id)).toMatchObject({ state: 'escalated', status: 'closed' });
    expect(await running(id)).toEqual([]);
  });

  it('a limit left running on a finished case by an older caseflow fires no reminder: the worker closes it, cancelled', async () => {
    const { id } = await fx.engine.createCase({ type: 'clue', input: clueAboutMaLin, actor: clerk });
    const registration = (await running(id))[0]!;
    await fx.engine.applyEvent(id, { type: 'REGISTER', clueNumber: 'XS-2026-0042', handlerId: 'wang.fang' }, clerk);
    await fx.engine.applyEvent(id, { type: 'DECLARE_OUT_OF_SCOPE', reason: 'A provincial official' }, clerk);
    // as an older caseflow might have left it: the registration limit still running on the closed case
    const stray = { ...registration, id: `${id}~strayLimit~9`, kind: 'strayLimit' };
    await fx.store.withTransaction((tx) => tx.deadlines.insert(stray));
    const before = await notices();

    fx.clock.set(stray.nextFireAt!);
    expect(await fx.engine.deadlines.fire(stray.id, stray.scheduleRev)).toEqual({ kind: 'stale' });
    expect((await fx.store.read((tx) => tx.deadlines.byId(stray.id)))).toMatchObject({ running: false, status: 'cancelled', warning: 'none' });
    expect(await notices()).toEqual(before);
    expect((await fx.engine.history(id)).map((e) => e.type)).not.toContain('DEADLINE_REMIND');
  });
});
