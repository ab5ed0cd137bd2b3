/**
 * Nobody acts on a case about themselves: the official a clue is about, whatever their role, may
 * not send events on it, read it, its history or its reporter messages, nor see it in a list; an
 * official may file their own self-recommendation but not handle it. The candidate reads where it
 * stands (GET /cases/:id/applicant-status), never a view, the deliberation or a clue about them.
 */
import { clueInput, currentVersion, selfRecommendationInput, sendEvent, startApi, type ApiFixture } from './support/server';

describe('the self-case rule', () => {
  let api: ApiFixture;
  beforeEach(async () => {
    api = await startApi();
  });
  afterEach(() => api.close());

  /** A clue about chen.jie, the conference chair, registered and accepted. */
  async function clueAboutTheChair(): Promise<string> {
    const subject = { officialId: 'chen.jie', name: 'Chen Jie', post: 'Chair', unit: 'Municipal Housing Bureau' };
    const created = await api.request('POST', '/cases', { as: 'clerk', body: { type: 'clue', input: clueInput({ subject }) } });
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    expect((await sendEvent(api, 'clerk', id, 'REGISTER', { clueNumber: 'XS-2026-0009', handlerId: 'wang.fang' })).status).toBe(200);
    expect((await sendEvent(api, 'clerk', id, 'ACCEPT')).status).toBe(200);
    return id;
  }

  test('the subject may not send an event their role allows: 403 naming the rule, nothing stored', async () => {
    const id = await clueAboutTheChair();
    const before = await api.dump();
    const refused = await sendEvent(api, 'chair', id, 'CHOOSE_DISPOSAL', { route: 'closedNoCase', reason: 'Nothing in it' });
    expect(refused.status).toBe(403);
    expect(refused.body).toEqual({
      code: 'FORBIDDEN_ROLE',
      message: expect.stringContaining('nobody handles a case about themselves'),
      details: { caseId: id, actorId: 'chen.jie', rule: 'subjectOfCase' },
    });
    expect(await api.dump()).toEqual(before);
  });

  test('the subject may not read the case, its history or its reporter messages', async () => {
    const id = await clueAboutTheChair();
    for (const path of [`/cases/${id}`, `/cases/${id}/history`, `/cases/${id}/reporter-messages`]) {
      const refused = await api.request('GET', path, { as: 'chair' });
      expect({ path, status: refused.status, rule: refused.body.details?.rule }).toEqual({ path, status: 403, rule: 'subjectOfCase' });
    }
    expect((await api.request('GET', `/cases/${id}`, { as: 'clerk' })).status).toBe(200);
  });

  test('to an official, a clue about them answers as an unknown id on every case route (a refusal would tell them it exists)', async () => {
    const id = (await api.request('POST', '/cases', { as: 'clerk', body: { type: 'clue', input: clueInput() } })).body.id as string;
    const unknown = 'CL-20261125-NOSUCHCASE00';
    const answers = async (caseId: string) => {
      const out: unknown[] = [];
      for (const [method, path, body] of [
        ['GET', `/cases/${caseId}`],
        ['GET', `/cases/${caseId}/history`],
        ['GET', `/cases/${caseId}/applicant-status`],
        ['POST', `/cases/${caseId}/events`, { type: 'REGISTER', payload: { clueNumber: 'XS-2026-0001', handlerId: 'wang.fang' }, expectedVersion: 1 }],
      ] as const) {
        const reply = await api.request(method, path, { as: 'official', ...(body ? { body } : {}) });
        out.push({ path: path.replace(caseId, ':id'), status: reply.status, body: JSON.parse(JSON.stringify(reply.body).replaceAll(caseId, unknown)) as unknown });
      }
      return out;
    };
    const before = await api.dump();
    const hidden = await answers(id);
    expect(hidden).toEqual(await answers(unknown));
    // the read routes refuse an official's role outright; the routes open to every user answer as for an unknown id
    expect(hidden.map((h) => [(h as { path: string }).path, (h as { status: number }).status])).toEqual([
      ['/cases/:id', 403],
      ['/cases/:id/history', 403],
      ['/cases/:id/applicant-status', 404],
      ['/cases/:id/events', 404],
    ]);
    expect(await api.dump()).toEqual(before);
  });

  test('a case about the caller is left out of their lists, not out of others’', async () => {
    const id = await clueAboutTheChair();
    const other = (await api.request('POST', '/cases', { as: 'clerk', body: { type: 'clue', input: clueInput() } })).body.id as string;
    const chairs = await api.request('GET', '/cases?type=clue', { as: 'chair' });
    expect(chairs.body.cases.map((c: { id: string }) => c.id)).toEqual([other]);
    const clerks = await api.request('GET', '/cases?type=clue', { as: 'clerk' });
    expect(clerks.body.cases.map((c: { id: string }) => c.id).sort()).toEqual([id, other].sort());
  });

  test('an official files their own self-recommendation but may not act on it', async () => {
    const created = await api.request('POST', '/cases', { as: 'official', body: { type: 'selfRecommendation', input: selfRecommendationInput() } });
    expect(created.status).toBe(201);
    expect(created.body.subjectId).toBe('he.ping');
    expect(created.body.allowedEvents).toEqual([]);
    const refused = await sendEvent(api, 'official', created.body.id, 'FORWARD');
    expect(refused.status).toBe(403);
    expect(refused.body.details.rule).toBe('subjectOfCase');
  });

  test('an Organization Department member who recommended themself may not check their own eligibility', async () => {
    await api.accounts.addUser('od.candidate', 'organizationDepartment');
    const token = (await api.accounts.createToken('od.candidate')).token;
    const input = selfRecommendationInput();
    input.candidate.officialId = 'od.candidate';
    const created = await api.request('POST', '/cases', { token, body: { type: 'selfRecommendation', input } });
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    // made to the Organization Department: straight to its eligibility check
    expect((await api.engine.getCase(id)).state).toBe('eligibilityCheck');
    const eligibility = { eligible: true, checks: { qualifications: 'passed', record: 'passed', integrity: 'passed' }, reason: 'Qualified' };
    const version = await currentVersion(api, id);
    const own = await api.request('POST', `/cases/${id}/events`, { token, body: { type: 'RECORD_ELIGIBILITY', payload: eligibility, expectedVersion: version } });
    expect(own.status).toBe(403);
    expect(own.body.details.rule).toBe('subjectOfCase');
    expect((await api.request('GET', `/cases/${id}`, { token })).status).toBe(403);
    expect((await sendEvent(api, 'od', id, 'RECORD_ELIGIBILITY', eligibility)).status).toBe(200);
  });

  test('the candidate reads where their self-recommendation stands, in their words; the views and a clue about them stay hidden', async () => {
    const created = await api.request('POST', '/cases', { as: 'official', body: { type: 'selfRecommendation', input: selfRecommendationInput() } });
    const id = created.body.id as string;
    const status = async (caseId: string, as: 'official' | 'od' | 'admin' = 'official') => api.request('GET', `/cases/${caseId}/applicant-status`, { as });
    const first = await status(id);
    expect({ status: first.status, body: first.body }).toEqual({
      status: 200,
      body: { caseId: id, type: 'selfRecommendation', status: 'With the Organization Department: your eligibility is being checked', stage: 'inProgress', submittedAt: expect.any(String) },
    });

    const view = { view: 'Backdated report suspected', fraudFound: false, concealmentFound: false, favouritismFound: false };
    await sendEvent(api, 'od', id, 'RECORD_ELIGIBILITY', { eligible: true, checks: { qualifications: 'passed', record: 'passed', integrity: 'passed' }, reason: 'Qualified' });
    await sendEvent(api, 'od', id, 'RECORD_INSPECTION', { annualReviews: [{ year: 2025, grade: 'excellent' }], surveyResults: '44 of 48 approve', rating: 'Good' });
    expect((await sendEvent(api, 'od', id, 'RECORD_OD_VIEW', view)).status).toBe(200);
    const clue = (await api.request('POST', '/cases', { as: 'clerk', body: { type: 'clue', input: clueInput() } })).body.id as string;
    const atConference = await status(id);
    expect(atConference.body).toMatchObject({ status: 'Before the joint conference: a decision is awaited', stage: 'inProgress' });
    expect(JSON.stringify(atConference.body)).not.toMatch(new RegExp(`Backdated|${clue}|hold`, 'i'));

    // a clue about the candidate, someone else's status, or an unknown id: the same 404
    const unknown = 'SR-20261125-NOSUCHCASE00';
    const notFound = async (caseId: string, as: 'official' | 'od' | 'admin' = 'official') => {
      const reply = await status(caseId, as);
      return { status: reply.status, body: JSON.parse(JSON.stringify(reply.body).replaceAll(caseId, unknown)) as unknown };
    };
    expect(await notFound(unknown)).toEqual({ status: 404, body: expect.objectContaining({ code: 'CASE_NOT_FOUND' }) });
    expect(await notFound(clue)).toEqual(await notFound(unknown));
    expect(await notFound(id, 'od')).toEqual(await notFound(unknown, 'od'));
    expect(await notFound(id, 'admin')).toEqual(await notFound(unknown, 'admin'));
    // the case itself stays closed to the candidate
    expect((await api.request('GET', `/cases/${id}`, { as: 'official' })).status).toBe(403);
  });
});
