/**
 * A named reporter is answered with the result: once the conference has decided, their clue has a
 * limit (15 working days) met by ANSWER_REPORTER, whose answer goes out through the notification
 * outbox and the notifier, naming the reporter only by role (their sealed identity is in no notice
 * and no answer); the clue closes only once they are answered. An anonymous clue has no such limit.
 */
import type { NotificationRecord } from '../../db/records';
import { silentLogger } from '../../src/logger';
import { Notifier, type NotificationSender } from '../../workers/notifier';
import { toDecision } from '../support/clues';
import { clerk, engineFixture, type EngineFixture } from '../support/engine';

const clueAboutMaLin = (anonymous: boolean) => ({
  aspect: 'draggingFeet',
  summary: 'Permits sit unsigned for weeks',
  channel: 'form',
  anonymous,
  subject: { officialId: 'ma.lin', name: 'Ma Lin', post: 'Section chief', unit: 'Municipal Housing Bureau' },
});
const reporter = { name: 'Zhang Sanfeng', contact: '+86 138 0013 8000' };
const ANSWER = 'Your clue was verified. The section chief was admonished and the permits are being signed.';

describe('a named reporter is answered with the result', () => {
  let fx: EngineFixture;
  beforeEach(async () => {
    fx = await engineFixture({}, '2026-03-02T09:00:00+08:00');
  });
  afterEach(() => fx.cleanup());

  async function decidedClue(anonymous: boolean): Promise<string> {
    const { id } = await fx.engine.createCase({ type: 'clue', input: clueAboutMaLin(anonymous), actor: clerk, ...(anonymous ? {} : { reporter }) });
    for (const [type, payload, actor] of toDecision) {
      fx.clock.advance(60 * 60_000);
      await fx.engine.applyEvent(id, { type, ...payload }, actor);
    }
    return id;
  }
  const answerLimit = async (id: string) => (await fx.engine.getCase(id)).deadlines.find((d) => d.kind === 'clueReporterAnswerDue');
  const reporterNotices = async (id: string) => (await fx.store.read((tx) => tx.notifications.ofCase(id))).filter((n) => n.recipient === 'reporter');

  it('once decided, a named clue has 15 working days to answer its reporter, and does not close before it', async () => {
    const id = await decidedClue(false);
    expect(await answerLimit(id)).toMatchObject({ running: true, status: 'pending', basis: expect.stringContaining('15 working days') });
    // Monday 2 March, decided in the afternoon: 15 working days end on Monday 23 March
    expect((await answerLimit(id))!.dueAt).toBe('2026-03-23T15:59:59.999Z');
    const before = await fx.dump();
    await expect(fx.engine.applyEvent(id, { type: 'CLOSE', note: 'Filed' }, clerk)).rejects.toMatchObject({
      code: 'GUARD_REJECTED',
      details: { rules: [expect.objectContaining({ guard: 'reporterAnsweredIfNamed', rule: expect.stringContaining('answered') })] },
    });
    expect(await fx.dump()).toEqual(before);
  });

  it('the answer goes out through the outbox and the notifier, naming the reporter by role only; the limit is met and the clue may close', async () => {
    const id = await decidedClue(false);
    fx.clock.advance(24 * 3600_000);
    const answered = await fx.engine.applyEvent(id, { type: 'ANSWER_REPORTER', answer: ANSWER }, clerk);
    expect(answered.case.context).toMatchObject({ reporterAnswer: { text: ANSWER, by: clerk.id } });
    expect(await answerLimit(id)).toMatchObject({ running: false, status: 'met' });

    const [notice, ...more] = await reporterNotices(id);
    expect(more).toEqual([]);
    expect(notice).toMatchObject({ recipient: 'reporter', step: 'reporterAnswer', subject: 'The result of your clue XS-2026-0042', body: ANSWER, status: 'pending' });
    // the sealed identity reaches no notice, no case answer and no log entry
    const everything = JSON.stringify({ notice, answered, history: await fx.engine.history(id) });
    expect(everything).not.toContain(reporter.name);
    expect(everything).not.toContain(reporter.contact);

    const sent: NotificationRecord[] = [];
    const sender: NotificationSender = { name: 'capture', send: (n) => Promise.resolve(void sent.push(n)) };
    expect(await new Notifier({ store: fx.store, sender, clock: fx.clock, logger: silentLogger }).flush()).toBeGreaterThanOrEqual(1);
    expect(sent.filter((n) => n.recipient === 'reporter').map((n) => n.body)).toEqual([ANSWER]);
    expect((await reporterNotices(id))[0]).toMatchObject({ status: 'sent' });

    await expect(fx.engine.applyEvent(id, { type: 'ANSWER_REPORTER', answer: 'Again' }, clerk)).rejects.toMatchObject({ code: 'GUARD_REJECTED' });
    expect((await fx.engine.applyEvent(id, { type: 'CLOSE', note: 'Filed' }, clerk)).case).toMatchObject({ state: 'closed', status: 'closed' });
  });

  it('an anonymous clue has no answer limit, is not answered, and closes without it', async () => {
    const id = await decidedClue(true);
    expect(await answerLimit(id)).toBeUndefined();
    await expect(fx.engine.applyEvent(id, { type: 'ANSWER_REPORTER', answer: ANSWER }, clerk)).rejects.toMatchObject({
      code: 'GUARD_REJECTED',
      details: { rules: [expect.objectContaining({ guard: 'namedReporter' })] },
    });
    expect((await fx.engine.applyEvent(id, { type: 'CLOSE', note: 'Filed' }, clerk)).case).toMatchObject({ state: 'closed' });
    expect(await reporterNotices(id)).toEqual([]);
  });
});
