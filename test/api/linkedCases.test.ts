/**
 * Cases about the same official are linked, over HTTP: an open clue about an official holds up their
 * self-recommendation (422 CASE_ON_HOLD naming the clue, nothing stored), both case answers show the
 * link, and the hold lifts when the clue closes; a new clue naming an official wakes the set-aside
 * clues about them; a clue cannot close while the rectification it ordered is open; the adjusted
 * decision needs an earlier step on the official's record.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { CaseView } from '../../src/engine/views';
import { runCli } from '../support/liveServer';
import { clueInput, selfRecommendationInput, sendEvent, startApi, type ApiFixture, type Person } from './support/server';

const HOUR = 3600_000;

describe('cases about the same official are linked, over HTTP', () => {
  let api: ApiFixture;
  beforeEach(async () => {
    api = await startApi();
  });
  afterEach(() => api.close());

  const open = async (as: Person, type: string, input: unknown): Promise<string> => {
    api.clock.advance(HOUR);
    const created = await api.request('POST', '/cases', { as, body: { type, input } });
    expect(created.status).toBe(201);
    return created.body.id as string;
  };
  const send = async (person: Person, id: string, type: string, payload: Record<string, unknown> = {}) => {
    api.clock.advance(HOUR);
    return sendEvent(api, person, id, type, payload);
  };
  const ok = async (person: Person, id: string, type: string, payload: Record<string, unknown> = {}) => {
    const reply = await send(person, id, type, payload);
    expect({ type, status: reply.status, body: reply.status === 200 ? 'ok' : reply.body }).toEqual({ type, status: 200, body: 'ok' });
    return reply;
  };
  const get = async (person: Person, id: string): Promise<CaseView> => (await api.request<CaseView>('GET', `/cases/${id}`, { as: person })).body;
  const history = async (person: Person, id: string) =>
    ((await api.request('GET', `/cases/${id}/history`, { as: person })).body.events as { type: string; payload: unknown }[]).map((e) => ({ type: e.type, payload: e.payload }));

  /** he.ping's recommendation to the Organization Department, walked to the joint conference with both views: only the decision is left. */
  const recommendationReadyToDecide = async (): Promise<string> => {
    const id = await open('od', 'selfRecommendation', selfRecommendationInput());
    const view = { view: 'Recommended', fraudFound: false, concealmentFound: false, favouritismFound: false };
    await ok('od', id, 'RECORD_ELIGIBILITY', { eligible: true, checks: { qualifications: 'passed', record: 'passed', integrity: 'passed' }, reason: 'Qualified' });
    await ok('od', id, 'RECORD_INSPECTION', { annualReviews: [{ year: 2025, grade: 'excellent' }], surveyResults: '44 of 48 approve', rating: 'Good' });
    await ok('od', id, 'RECORD_OD_VIEW', view);
    await ok('dic', id, 'RECORD_DIC_VIEW', view);
    return id;
  };
  const decide = (id: string) => send('chair', id, 'DECIDE', { outcome: 'appointed', reason: 'Strong results; both views clean' });
  /** A hotline clue about he.ping, registered, accepted and routed by `route` at the collective review. */
  const clueRouted = async (route: string, clueNumber: string, summary?: string): Promise<string> => {
    const id = await open('clerk', 'clue', clueInput(summary ? { summary } : {}));
    await ok('clerk', id, 'REGISTER', { clueNumber, handlerId: 'wang.fang' });
    await ok('clerk', id, 'ACCEPT');
    await ok('chair', id, 'CHOOSE_DISPOSAL', { route, reason: 'Decided at the collective review' });
    return id;
  };
  /** A clue about he.ping walked to its joint conference, both views recorded. */
  const clueAtConference = async (route: string, clueNumber: string): Promise<string> => {
    const id = await clueRouted(route, clueNumber);
    await ok('chair', id, 'ASSIGN_VERIFIER', { verifierId: 'liu.yang' });
    await ok('verifier', id, 'RECORD_FINDINGS', { findings: 'Forty applications unanswered for over 15 days' });
    await ok('verifier', id, 'SUBMIT_TO_CONFERENCE');
    await ok('od', id, 'RECORD_OD_VIEW', { view: 'Take him out of the post', recommendedOutcome: 'adjusted' });
    await ok('dic', id, 'RECORD_DIC_VIEW', { view: 'Agree', recommendedOutcome: 'adjusted' });
    return id;
  };

  test('a self-recommendation cannot be decided while a clue about the same official is open: 422 CASE_ON_HOLD naming the clue, nothing stored', async () => {
    const recommendation = await recommendationReadyToDecide();
    const clue = await open('clerk', 'clue', clueInput({ subject: { officialId: 'HE.Ping', name: 'He Ping', post: 'Deputy director', unit: 'Municipal Housing Bureau' } }));
    const before = await api.dump();
    const refused = await decide(recommendation);
    expect(refused.status).toBe(422);
    expect(refused.body).toEqual({
      code: 'CASE_ON_HOLD',
      message: expect.stringContaining(`it is on hold while ${clue} (clue, received) is open`),
      details: expect.objectContaining({ caseId: recommendation, event: 'DECIDE', heldBy: [{ caseId: clue, type: 'clue', state: 'received' }] }),
    });
    expect(await api.dump()).toEqual(before);
  });

  test('both cases show the link over HTTP; when the clue closes, its outcome is in the self-recommendation’s history and the hold lifts', async () => {
    const recommendation = await recommendationReadyToDecide();
    const clue = await open('clerk', 'clue', clueInput());
    expect((await get('chair', recommendation)).links).toEqual([
      { caseId: clue, type: 'clue', state: 'received', relation: 'heldUpBy', basis: expect.stringContaining('holds up') },
    ]);
    expect((await get('chair', clue)).links).toEqual([
      { caseId: recommendation, type: 'selfRecommendation', state: 'jointConference', relation: 'holdsUp', basis: expect.stringContaining('holds up') },
    ]);
    // to a reader of clues who may not read self-recommendations, the clue names nothing it holds up
    expect((await get('clerk', clue)).links).toEqual([]);

    await ok('clerk', clue, 'REGISTER', { clueNumber: 'XS-2026-0101', handlerId: 'wang.fang' });
    await ok('clerk', clue, 'ACCEPT');
    await ok('chair', clue, 'CHOOSE_DISPOSAL', { route: 'closedNoCase', reason: 'Nothing to verify' });
    expect((await history('chair', recommendation)).filter((e) => e.type === 'CLUE_OUTCOME_RECORDED')).toEqual([
      { type: 'CLUE_OUTCOME_RECORDED', payload: expect.objectContaining({ clueId: clue, outcome: 'closedNoCase', holdLifted: true, stillHeldBy: [] }) },
    ]);
    expect((await get('chair', recommendation)).links).toEqual([]);
    const decided = await decide(recommendation);
    expect({ status: decided.status, state: decided.body.case?.state }).toEqual({ status: 200, state: 'publicNotice' });
  });

  test('through the CLI: DECIDE prints CASE_ON_HOLD naming the clue and exits non-zero; `caseflow show` prints the link on both cases', async () => {
    const recommendation = await recommendationReadyToDecide();
    const clue = await open('clerk', 'clue', clueInput());
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'caseflow-links-'));
    const as = (person: Person, ...args: string[]) =>
      runCli(args, { cwd: home, env: { ...process.env, XDG_CONFIG_HOME: home, CASEFLOW_URL: api.url, CASEFLOW_TOKEN: api.tokens[person] } });
    try {
      const before = await api.dump();
      const refused = await as('chair', 'send', recommendation, 'DECIDE', 'outcome=appointed', 'reason=Strong results');
      expect({ code: refused.code, stderr: refused.stderr }).toEqual({ code: 1, stderr: expect.stringMatching(new RegExp(`^CASE_ON_HOLD: .*on hold while ${clue} \\(clue, received\\) is open`)) });
      expect(await api.dump()).toEqual(before);
      expect((await as('chair', 'show', recommendation)).stdout).toMatch(new RegExp(`linked cases:\n  - held up by ${clue} \\(clue, received\\): .*holds up`));
      expect((await as('chair', 'show', clue)).stdout).toMatch(new RegExp(`linked cases:\n  - holds up ${recommendation} \\(selfRecommendation, jointConference\\)`));
    } finally {
      fs.rmSync(home, { recursive: true, force: true });
    }
  }, 60_000);

  test('a new clue naming an official wakes the set-aside clue about them, with an event in both histories', async () => {
    const aside = await clueRouted('setAsidePendingChecks', 'XS-2026-0201', 'Late every morning');
    expect((await get('chair', aside)).state).toBe('setAside');
    const fresh = await open('clerk', 'clue', clueInput({ summary: 'Again: nobody at the window' }));
    expect((await get('chair', aside)).state).toBe('verification');
    expect((await history('chair', aside)).at(-1)).toEqual({ type: 'NEW_EVIDENCE', payload: { evidence: expect.stringContaining(`A new clue (${fresh}) names the same official`) } });
    expect((await history('chair', fresh)).filter((e) => e.type === 'SET_ASIDE_CLUE_WOKEN')).toEqual([
      { type: 'SET_ASIDE_CLUE_WOKEN', payload: { wokenCaseId: aside, toState: 'verification' } },
    ]);
  });

  test('a clue cannot close while the rectification it ordered is open: 422 CASE_ON_HOLD naming it; once it is closed, the clue closes', async () => {
    const clue = await clueAtConference('preliminaryVerification', 'XS-2026-0301');
    await ok('chair', clue, 'DECIDE', { outcome: 'rectificationOrdered', reason: 'The window must answer within a week' });
    const rectification = (await history('chair', clue)).find((e) => e.type === 'LINKED_CASE_OPENED')!.payload as { caseId: string };
    const before = await api.dump();
    const refused = await send('clerk', clue, 'CLOSE', { note: 'Filed' });
    expect({ status: refused.status, code: refused.body.code, heldBy: refused.body.details.heldBy }).toEqual({
      status: 422,
      code: 'CASE_ON_HOLD',
      heldBy: [{ caseId: rectification.caseId, type: 'rectification', state: 'criticismAired' }],
    });
    expect(await api.dump()).toEqual(before);
    await ok('supervisor', rectification.caseId, 'NOTIFY_UNIT', { liaisonId: 'zhou.min' });
    await ok('supervisor', rectification.caseId, 'ESCALATE', { reason: 'No plan: referred to the commission' });
    await ok('clerk', clue, 'CLOSE', { note: 'Filed' });
    expect((await get('chair', clue)).state).toBe('closed');
  });

  test('the adjusted decision is refused (422 GUARD_REJECTED earlierStepOnRecord) unless the official’s record shows an earlier step', async () => {
    const clue = await clueAtConference('preliminaryVerification', 'XS-2026-0401');
    const before = await api.dump();
    const refused = await send('chair', clue, 'DECIDE', { outcome: 'adjusted', reason: 'Repeated lying flat' });
    expect({ status: refused.status, code: refused.body.code, rules: refused.body.details.rules }).toEqual({
      status: 422,
      code: 'GUARD_REJECTED',
      rules: [expect.objectContaining({ guard: 'earlierStepOnRecord' })],
    });
    expect(await api.dump()).toEqual(before);
    // a clue handled by a talk or written inquiry is such a step
    const talked = await clueAtConference('talkOrWrittenInquiry', 'XS-2026-0402');
    await ok('chair', talked, 'DECIDE', { outcome: 'adjusted', reason: 'The talk changed nothing' });
    expect((await get('chair', talked)).state).toBe('decision.adjusted');
  });
});
