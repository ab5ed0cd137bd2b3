/**
 * A clue that ends without a decision — declared out of scope, forwarded to the commission, closed with
 * no case — still owes its named reporter the result: the ending event carries the answer
 * (`reporterAnswer`), sent through the notification outbox like the result answer, so no such clue
 * finishes with the answer owed. Without it the ending is refused and nothing is stored; an anonymous
 * reporter is not answered.
 */
import { chair, clueAboutMaLin, namedClueAboutMaLin, namedReporter, toAcceptance, toReview, type ClueStep } from '../support/clues';
import { clerk, engineFixture, type EngineFixture } from '../support/engine';

const ANSWER = 'Your clue concerns an official the provincial commission manages; it was passed to them';

/** Each ending before a decision: the walk to it, the event that ends the clue, its end state and the notice's subject. */
const ENDINGS: [how: string, before: ClueStep[], ending: ClueStep, end: string, subject: string][] = [
  [
    'forwarded to the commission',
    toAcceptance,
    ['FORWARD_TO_COMMISSION', { reason: 'A breach of discipline', commission: 'Provincial Discipline Inspection Commission' }, clerk],
    'forwardedToCommission',
    'Your clue XS-2026-0042 was forwarded to Provincial Discipline Inspection Commission, which handles it',
  ],
  [
    'declared out of scope',
    toAcceptance,
    ['DECLARE_OUT_OF_SCOPE', { reason: 'Not about an official of this district', forwardedTo: 'Provincial commission' }, clerk],
    'outOfScope',
    'Your clue XS-2026-0042 is outside this office’s remit and was passed to Provincial commission',
  ],
  ['closed with no case', toReview, ['CHOOSE_DISPOSAL', { route: 'closedNoCase', reason: 'Already concluded last year' }, chair], 'closedNoCase', 'The result of your clue XS-2026-0042'],
];

describe('a clue that ends without a decision answers its named reporter', () => {
  let fx: EngineFixture;
  beforeEach(async () => {
    fx = await engineFixture({}, '2026-03-02T09:00:00+08:00');
  });
  afterEach(() => fx.cleanup());

  async function clueAt(named: boolean, steps: ClueStep[]): Promise<string> {
    const { id } = await fx.engine.createCase({ type: 'clue', actor: clerk, ...(named ? { input: namedClueAboutMaLin, reporter: namedReporter } : { input: clueAboutMaLin }) });
    for (const [type, payload, actor] of steps) {
      fx.clock.advance(60 * 60_000);
      await fx.engine.applyEvent(id, { type, ...payload }, actor);
    }
    return id;
  }
  const reporterNotices = async (id: string) => (await fx.store.read((tx) => tx.notifications.ofCase(id))).filter((n) => n.recipient === 'reporter');

  it.each(ENDINGS)('a clue %s owes its named reporter the answer: without it the ending is refused and nothing is stored', async (_how, before, [type, payload, actor]) => {
    const id = await clueAt(true, before);
    const stored = await fx.dump();
    await expect(fx.engine.applyEvent(id, { type, ...payload }, actor)).rejects.toMatchObject({
      code: 'GUARD_REJECTED',
      details: { rules: [expect.objectContaining({ guard: 'givesReporterAnswer', rule: expect.stringContaining('reporterAnswer') })] },
    });
    expect(await fx.dump()).toEqual(stored);
  });

  it.each(ENDINGS)('a clue %s with the answer ends, the answer sent through the outbox, no limit left running', async (_how, before, [type, payload, actor], end, subject) => {
    const id = await clueAt(true, before);
    fx.clock.advance(24 * 3600_000);
    const ended = await fx.engine.applyEvent(id, { type, ...payload, reporterAnswer: ANSWER }, actor);
    expect(ended.case).toMatchObject({ state: end, status: 'closed', context: { reporterAnswer: { text: ANSWER, by: actor.id } } });
    expect(ended.case.deadlines.filter((d) => d.running)).toEqual([]);
    // the answer tells them whether the clue was accepted too: that limit is met
    expect(ended.case.deadlines.find((d) => d.kind === 'clueAcceptanceAnswerDue')).toMatchObject({ status: 'met' });
    const notices = await reporterNotices(id);
    expect(notices).toEqual([expect.objectContaining({ step: 'reporterAnswer', subject, body: ANSWER, status: 'pending' })]);
    const everything = JSON.stringify({ ended, notices, history: await fx.engine.history(id) });
    expect(everything).not.toContain(namedReporter.name);
    expect(everything).not.toContain(namedReporter.contact);
  });

  it.each(ENDINGS)('a clue from an anonymous reporter %s ends without an answer, and refuses one', async (_how, before, [type, payload, actor], end) => {
    const id = await clueAt(false, before);
    await expect(fx.engine.applyEvent(id, { type, ...payload, reporterAnswer: ANSWER }, actor)).rejects.toMatchObject({
      code: 'GUARD_REJECTED',
      details: { rules: [expect.objectContaining({ guard: 'namedReporter' })] },
    });
    expect((await fx.engine.applyEvent(id, { type, ...payload }, actor)).case).toMatchObject({ state: end, status: 'closed' });
    expect(await reporterNotices(id)).toEqual([]);
  });

  it('a disposal route that goes on to verification carries no answer: INVALID_PAYLOAD names the field', async () => {
    const id = await clueAt(true, toReview);
    await expect(
      fx.engine.applyEvent(id, { type: 'CHOOSE_DISPOSAL', route: 'preliminaryVerification', reason: 'Checkable facts', reporterAnswer: ANSWER }, chair),
    ).rejects.toMatchObject({ code: 'INVALID_PAYLOAD', details: { issues: [expect.objectContaining({ path: 'reporterAnswer' })] } });
  });
});
