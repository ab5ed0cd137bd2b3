/**
 * The joint conference over HTTP: a department's view recorded again is appended (the case shows the
 * latest, its history both), the decision records the recommendations it followed, those it departed
 * from and the dissent; a self-recommendation rejected for misconduct records which, and the
 * candidate is told only that they were not appointed.
 */
import { clueInput, selfRecommendationInput, sendEvent, startApi, type ApiFixture, type Person } from './support/server';

describe('the joint conference over HTTP', () => {
  let api: ApiFixture;
  beforeEach(async () => {
    api = await startApi();
  });
  afterEach(() => api.close());

  const ok = async (person: Person, id: string, type: string, payload: Record<string, unknown> = {}) => {
    api.clock.advance(60_000);
    const reply = await sendEvent(api, person, id, type, payload);
    expect({ type, status: reply.status, body: reply.status === 200 ? 'ok' : reply.body }).toEqual({ type, status: 200, body: 'ok' });
    return reply;
  };
  const contextOf = async (id: string) => (await api.request('GET', `/cases/${id}`, { as: 'chair' })).body.context as Record<string, unknown>;

  test('a view recorded again is appended; the decision records what it followed, what it departed from, and the dissent', async () => {
    const id = (await api.request('POST', '/cases', { as: 'clerk', body: { type: 'clue', input: clueInput() } })).body.id as string;
    await ok('clerk', id, 'REGISTER', { clueNumber: 'XS-2026-0501', handlerId: 'wang.fang' });
    await ok('clerk', id, 'ACCEPT');
    await ok('chair', id, 'CHOOSE_DISPOSAL', { route: 'preliminaryVerification', reason: 'Facts can be checked' });
    await ok('chair', id, 'ASSIGN_VERIFIER', { verifierId: 'liu.yang' });
    await ok('verifier', id, 'RECORD_FINDINGS', { findings: 'Forty applications unanswered for over 15 days' });
    await ok('verifier', id, 'SUBMIT_TO_CONFERENCE');
    await ok('od', id, 'RECORD_OD_VIEW', { view: 'An admonishment is enough', recommendedOutcome: 'admonished' });
    await ok('od', id, 'RECORD_OD_VIEW', { view: 'On reflection, he must rectify', recommendedOutcome: 'rectificationOrdered' });
    await ok('dic', id, 'RECORD_DIC_VIEW', { view: 'An admonishment is enough', recommendedOutcome: 'admonished' });

    const { views, viewLog } = (await contextOf(id)) as { views: { organizationDepartment: { text: string } }; viewLog: { department: string; text: string }[] };
    expect(views.organizationDepartment.text).toBe('On reflection, he must rectify');
    expect(viewLog.map((v) => [v.department, v.text])).toEqual([
      ['organizationDepartment', 'An admonishment is enough'],
      ['organizationDepartment', 'On reflection, he must rectify'],
      ['disciplineCommission', 'An admonishment is enough'],
    ]);
    const history = (await api.request('GET', `/cases/${id}/history`, { as: 'chair' })).body.events as { type: string; payload: { view?: string } }[];
    expect(history.filter((e) => e.type === 'RECORD_OD_VIEW').map((e) => e.payload.view)).toEqual(['An admonishment is enough', 'On reflection, he must rectify']);

    await ok('chair', id, 'DECIDE', { outcome: 'rectificationOrdered', reason: 'The delays harmed applicants', dissent: 'The commission member holds that an admonishment suffices' });
    expect((await contextOf(id)).conferenceDecision).toEqual({
      outcome: 'rectificationOrdered',
      followed: ['organizationDepartment'],
      departedFrom: [{ department: 'disciplineCommission', recommendedOutcome: 'admonished', by: 'sun.li' }],
      dissent: 'The commission member holds that an admonishment suffices',
      by: 'chen.jie',
      at: new Date(api.clock.now()).toISOString(),
    });
  });

  test('a self-recommendation rejected for misconduct records which and by whom; misconduct no view found is 422; the candidate hears only “not appointed”', async () => {
    const id = (await api.request('POST', '/cases', { as: 'official', body: { type: 'selfRecommendation', input: selfRecommendationInput() } })).body.id as string;
    const clear = { fraudFound: false, concealmentFound: false, favouritismFound: false };
    await ok('od', id, 'RECORD_ELIGIBILITY', { eligible: true, checks: { qualifications: 'passed', record: 'passed', integrity: 'passed' }, reason: 'Qualified' });
    await ok('od', id, 'RECORD_INSPECTION', { annualReviews: [{ year: 2025, grade: 'excellent' }], surveyResults: '41 of 45 support', rating: 'Strong' });
    await ok('od', id, 'RECORD_OD_VIEW', { view: 'Results verified', ...clear });
    await ok('dic', id, 'RECORD_DIC_VIEW', { view: 'The results report was backdated', ...clear, fraudFound: true });

    const before = await api.dump();
    const refused = await sendEvent(api, 'chair', id, 'DECIDE', { outcome: 'rejectedForMisconduct', misconduct: ['concealment'], reason: 'Concealed facts' });
    expect({ status: refused.status, code: refused.body.code, rules: refused.body.details.rules }).toEqual({
      status: 422,
      code: 'GUARD_REJECTED',
      rules: [expect.objectContaining({ guard: 'misconductOnRecord' })],
    });
    expect(await api.dump()).toEqual(before);

    const decided = await ok('chair', id, 'DECIDE', { outcome: 'rejectedForMisconduct', misconduct: ['fraud'], reason: 'Falsified results' });
    expect(decided.body.case).toMatchObject({ state: 'rejectedForMisconduct', status: 'closed', context: { misconduct: [{ finding: 'fraud', foundBy: ['disciplineCommission'] }] } });
    const told = await api.request('GET', `/cases/${id}/applicant-status`, { as: 'official' });
    expect(told.body).toMatchObject({ stage: 'concluded', status: 'Not appointed: your recommendation was not taken forward' });
    expect(JSON.stringify(told.body)).not.toMatch(/fraud|misconduct|backdated/i);
  });
});
