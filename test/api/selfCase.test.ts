/**
 * Nobody acts on a case about themselves: the official a clue is about, whatever their role, may
 * not send events on it, read it, its history or its reporter messages, nor see it in a list; an
 * official may file their own self-recommendation but not handle it.
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
});
