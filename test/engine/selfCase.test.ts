/**
 * The engine refuses any event from the official a case is about, whatever their role, before
 * looking at version, state or payload; the deadline worker and other caseworkers are unaffected.
 * To an official, whose role reads no clue, a clue about them answers as an unknown id does.
 */
import { CaseflowError } from '../../src/errors';
import { clerk, engineFixture, type EngineFixture } from '../support/engine';

const clue = (officialId: string) => ({
  aspect: 'draggingFeet',
  summary: 'Applications left unanswered',
  channel: 'hotline',
  anonymous: true,
  subject: { officialId, name: 'Wang Fang', post: 'Clerk', unit: 'Municipal Housing Bureau' },
});

describe('engine: nobody acts on a case about themselves', () => {
  let fx: EngineFixture;
  beforeEach(async () => {
    fx = await engineFixture();
  });
  afterEach(() => fx.cleanup());

  test('the subject gets FORBIDDEN_ROLE (rule subjectOfCase) even with a stale version, and nothing is stored', async () => {
    const opened = await fx.engine.createCase({ type: 'clue', input: clue(clerk.id), actor: { id: 'hotline.desk', role: 'intakeClerk' } });
    const before = await fx.dump();
    let thrown: unknown;
    try {
      await fx.engine.applyEvent(opened.id, { type: 'REGISTER', clueNumber: 'XS-2026-0001', handlerId: 'hotline.desk' }, clerk, 99);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(CaseflowError);
    expect((thrown as CaseflowError).toJSON()).toEqual({
      code: 'FORBIDDEN_ROLE',
      message: `"${clerk.id}" is the official case ${opened.id} is about and may not send REGISTER on it: nobody handles a case about themselves. Ask another caseworker.`,
      details: { caseId: opened.id, actorId: clerk.id, rule: 'subjectOfCase' },
    });
    expect(await fx.dump()).toEqual(before);
  });

  test('another caseworker in the same role sends the event', async () => {
    const opened = await fx.engine.createCase({ type: 'clue', input: clue('someone.else'), actor: clerk });
    const applied = await fx.engine.applyEvent(opened.id, { type: 'REGISTER', clueNumber: 'XS-2026-0001', handlerId: clerk.id }, clerk, 1);
    expect(applied.case.state).toBe('screening.acceptance');
  });

  test('cases without a subject (rectifications) are not affected', async () => {
    const opened = await fx.engine.createCase({
      type: 'rectification',
      input: { unit: 'Municipal Housing Bureau', report: 'Seeing', airedAt: '2026-11-25T20:00:00+08:00' },
      actor: { id: 'li.wei', role: 'supervisor' },
    });
    expect(opened.subjectId).toBeNull();
    expect((await fx.engine.applyEvent(opened.id, { type: 'NOTIFY_UNIT', liaisonId: 'zhou.min' }, { id: 'li.wei', role: 'supervisor' })).case.version).toBe(2);
  });

  test('an official asking for a clue about them is answered as for an unknown id, on every read and event, and nothing is stored', async () => {
    const opened = await fx.engine.createCase({ type: 'clue', input: clue('he.ping'), actor: clerk });
    const unknown = 'CL-20261125-NOSUCHCASE00';
    const official = { id: 'HE.Ping', role: 'official' } as const;
    const answers = async (caseId: string) => {
      const out: unknown[] = [];
      for (const call of [
        () => fx.engine.getCase(caseId, official),
        () => fx.engine.history(caseId, official),
        () => fx.engine.reporterMessages(caseId, official),
        () => fx.engine.applyEvent(caseId, { type: 'REGISTER', clueNumber: 'XS-2026-0001', handlerId: 'wang.fang' }, official, 1),
        () => fx.engine.applicantStatus(caseId, official),
      ]) {
        out.push(await call().then(() => 'answered', (e: CaseflowError) => JSON.parse(JSON.stringify(e.toJSON()).replaceAll(caseId, unknown)) as unknown));
      }
      return out;
    };
    const before = await fx.dump();
    const hidden = await answers(opened.id);
    expect(hidden).toEqual(await answers(unknown));
    expect(hidden[0]).toMatchObject({ code: 'CASE_NOT_FOUND' });
    expect(await fx.dump()).toEqual(before);
  });
});
