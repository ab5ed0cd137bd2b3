/**
 * One official, however their id is typed: a clue about "He.Ping", " he.ping ", "he\u200b.ping" or
 * fullwidth "ｈｅ．ｐｉｎｇ" is a clue about the user he.ping on every path that compares officials —
 * sending events, reading the case, its log and reporter messages, lists, supervisors' reports and
 * deadline commands. Spellings that only look like an id (dotless ı, Cyrillic letters, accents) are
 * refused at the door, so no case can carry them.
 */
import { CaseflowError } from '../../src/errors';
import type { Actor } from '../../machines/types';
import { engineFixture, type EngineFixture } from '../support/engine';

const clueAbout = (officialId: string) => ({
  aspect: 'draggingFeet',
  summary: 'Applications left unanswered',
  channel: 'hotline',
  anonymous: true,
  subject: { officialId, name: 'He Ping', post: 'Deputy director', unit: 'Municipal Housing Bureau' },
});

const clerk: Actor = { id: 'wang.fang', role: 'intakeClerk' };
const hePing = (role: Actor['role']): Actor => ({ id: 'he.ping', role });

/** Runs `call` and answers the error's code and rule, or 'ok'. */
async function outcome(call: () => Promise<unknown>): Promise<string> {
  try {
    await call();
    return 'ok';
  } catch (error) {
    if (!(error instanceof CaseflowError)) throw error;
    return [error.code, (error.details as { rule?: string }).rule].filter(Boolean).join(':');
  }
}

const SAME_PERSON = ['He.Ping', ' he.ping ', 'HE.PING', 'he\u200b.ping', 'he.\u200dping', '\ufeffhe.ping', 'he.pi\u00adng', 'ｈｅ．ｐｉｎｇ', 'Ｈｅ.Ping'];
const LOOK_ALIKES = ['he.p\u0131ng', 'h\u0435.ping', 'he.\u03c1ing', 'jose\u0301', 'jos\u00e9', 'he.ping\u202e', 'he ping', ''];

describe('official ids are matched the one way on every path', () => {
  let fx: EngineFixture;
  beforeEach(async () => {
    fx = await engineFixture();
  });
  afterEach(() => fx.cleanup());

  test.each(SAME_PERSON)('a clue about %j is about he.ping everywhere', async (spelling) => {
    const opened = await fx.engine.createCase({ type: 'clue', input: clueAbout(spelling), actor: clerk });
    expect(opened.subjectId).toBe('he.ping');
    await fx.engine.applyEvent(opened.id, { type: 'REGISTER', clueNumber: 'XS-2026-0001', handlerId: clerk.id }, clerk);
    const before = await fx.dump();

    // acting on it, in any role that could otherwise
    expect(await outcome(() => fx.engine.applyEvent(opened.id, { type: 'ACCEPT' }, hePing('intakeClerk')))).toBe('FORBIDDEN_ROLE:subjectOfCase');
    // the actor's own id typed another way is the same person too
    expect(await outcome(() => fx.engine.applyEvent(opened.id, { type: 'ACCEPT' }, { id: 'HE.PING', role: 'intakeClerk' }))).toBe('FORBIDDEN_ROLE:subjectOfCase');
    // reading it, its log, its reporter messages
    expect(await outcome(() => fx.engine.getCase(opened.id, hePing('supervisor')))).toBe('FORBIDDEN_ROLE:subjectOfCase');
    expect(await outcome(() => fx.engine.history(opened.id, hePing('verifier')))).toBe('FORBIDDEN_ROLE:subjectOfCase');
    expect(await outcome(() => fx.engine.reporterMessages(opened.id, hePing('intakeClerk')))).toBe('FORBIDDEN_ROLE:subjectOfCase');
    // listing it
    expect((await fx.engine.listCases({ type: 'clue' }, hePing('supervisor'))).cases).toEqual([]);
    expect((await fx.engine.listCases({ type: 'clue' }, clerk)).cases.map((c) => c.id)).toEqual([opened.id]);
    // moving its deadlines
    const deadline = (await fx.engine.getCase(opened.id)).deadlines.find((d) => d.running)!;
    expect(await outcome(() => fx.engine.deadlines.extend(deadline.id, { byMs: 3_600_000, reason: 'x' }, hePing('supervisor')))).toBe('FORBIDDEN_ROLE:subjectOfCase');
    expect(await fx.dump()).toEqual(before);

    // supervisors' reports once its deadline is late
    fx.clock.advance(30 * 24 * 3_600_000);
    expect((await fx.cf.supervision.overdue(fx.clock.now(), { notAbout: 'he.ping' })).map((o) => o.caseId)).toEqual([]);
    expect((await fx.cf.supervision.overdue(fx.clock.now(), { notAbout: 'HE.PING ' })).map((o) => o.caseId)).toEqual([]);
    expect((await fx.cf.supervision.overdue(fx.clock.now(), { notAbout: 'li.wei' })).map((o) => o.caseId)).toEqual([opened.id]);
  });

  test.each(SAME_PERSON)('a clue about he.ping cannot name %j as its handler or verifier', async (spelling) => {
    const opened = await fx.engine.createCase({ type: 'clue', input: clueAbout('he.ping'), actor: clerk });
    expect(await outcome(() => fx.engine.applyEvent(opened.id, { type: 'REGISTER', clueNumber: 'XS-2026-0002', handlerId: spelling }, clerk))).toBe('GUARD_REJECTED');
  });

  test.each(LOOK_ALIKES)('an id spelled %j is refused wherever it enters, and nothing is stored', async (spelling) => {
    const before = await fx.dump();
    expect(await outcome(() => fx.engine.createCase({ type: 'clue', input: clueAbout(spelling), actor: clerk }))).toBe('INVALID_PAYLOAD');
    const selfRecommendation = {
      candidate: { officialId: spelling, name: 'He Ping', currentPost: 'Deputy director', unit: 'Municipal Housing Bureau' },
      targetPost: 'Director',
      channel: 'organizationDepartment',
      statement: 'I cleared the backlog.',
      evidence: ['Report'],
    };
    expect(await outcome(() => fx.engine.createCase({ type: 'selfRecommendation', input: selfRecommendation, actor: { id: 'qian.hua', role: 'organizationDepartment' } }))).toBe('INVALID_PAYLOAD');
    expect(await fx.dump()).toEqual(before);
  });

  test('official he.ping may open a self-recommendation for "He.Ping", and only for themself', async () => {
    const input = (officialId: string) => ({
      candidate: { officialId, name: 'He Ping', currentPost: 'Deputy director', unit: 'Municipal Housing Bureau' },
      targetPost: 'Director',
      channel: 'organizationDepartment',
      statement: 'I cleared the backlog.',
      evidence: ['Report'],
    });
    const own = await fx.engine.createCase({ type: 'selfRecommendation', input: input('He.Ping'), actor: hePing('official') });
    expect(own.subjectId).toBe('he.ping');
    expect(await outcome(() => fx.engine.createCase({ type: 'selfRecommendation', input: input('li.wei'), actor: hePing('official') }))).toMatch(/^FORBIDDEN_ROLE:An official may recommend only themself/);
  });

  test('a rectification notified through "Zhou.Min" is assigned to the liaison zhou.min, who alone of the liaisons sees it', async () => {
    const supervisor: Actor = { id: 'li.wei', role: 'supervisor' };
    const opened = await fx.engine.createCase({
      type: 'rectification',
      input: { unit: 'Municipal Housing Bureau', report: 'Seeing: stamps take weeks', airedAt: '2026-11-25T20:00:00+08:00' },
      actor: supervisor,
    });
    await fx.engine.applyEvent(opened.id, { type: 'NOTIFY_UNIT', liaisonId: 'Zhou.Min' }, supervisor);
    expect((await fx.engine.getCase(opened.id, { id: 'zhou.min', role: 'unitLiaison' })).assignee).toBe('zhou.min');
    expect((await fx.engine.getCase(opened.id, { id: 'ZHOU.MIN', role: 'unitLiaison' })).allowedEvents).toEqual(['SUBMIT_PLAN']);
    expect(await outcome(() => fx.engine.getCase(opened.id, { id: 'sun.hao', role: 'unitLiaison' }))).toBe('CASE_NOT_FOUND');
  });
});
