/**
 * Over HTTP, a self-recommendation is read only by those who handle it (the channel holder it was
 * given to, the Organization Department, the Discipline Inspection Commission, the conference chair,
 * admins). To an intake clerk, a verifier, a supervisor or another channel holder, every route that
 * reveals a case answers as for an unknown id, lists and supervision lists leave it out, and its
 * deadlines answer as unknown deadlines.
 */
import { fireDueSteps, selfRecommendationThroughPartyHead, startApi, type ApiFixture, type Person } from './support/server';

describe('a self-recommendation is confidential over HTTP', () => {
  let api: ApiFixture;
  beforeEach(async () => {
    api = await startApi();
  });
  afterEach(() => api.close());

  const UNKNOWN = 'SR-20261125-NOSUCHCASE00';

  /** he.ping's recommendation, given to the responsible person of his Party organization (PEOPLE.partyHead). */
  const recommend = async (overrides: Record<string, unknown> = {}, as: Person = 'official'): Promise<string> => {
    const created = await api.request('POST', '/cases', { as, body: { type: 'selfRecommendation', input: { ...selfRecommendationThroughPartyHead(), ...overrides } } });
    expect(created.status).toBe(201);
    return created.body.id as string;
  };

  /** Every request that reveals something of case `id`. */
  const probes = (id: string) => [
    { method: 'GET', path: `/cases/${id}` },
    { method: 'GET', path: `/cases/${id}/history` },
    { method: 'GET', path: `/cases/${id}/reporter-messages` },
    { method: 'POST', path: `/cases/${id}/events`, body: { type: 'FORWARD', payload: {}, expectedVersion: 99 } },
    { method: 'POST', path: `/cases/${id}/events`, body: { type: 'RECORD_OD_VIEW', payload: { view: 'x' } } },
    { method: 'POST', path: `/cases/${id}/events`, body: { type: 'NO_SUCH_EVENT', payload: {} } },
  ];

  /** The answers `person` gets to the probes of `id`, with `id` written as UNKNOWN so they compare whole. */
  async function answers(person: Person, id: string) {
    const out = [];
    for (const probe of probes(id)) {
      const reply = await api.request(probe.method, probe.path, { as: person, ...(probe.body ? { body: probe.body } : {}) });
      out.push({ probe: `${probe.method} ${probe.path.replace(id, ':id')}`, status: reply.status, body: JSON.parse(JSON.stringify(reply.body).replaceAll(id, UNKNOWN)) as unknown });
    }
    return out;
  }

  const listed = async (person: Person, query = ''): Promise<string[]> => {
    const reply = await api.request('GET', `/cases${query}`, { as: person });
    expect(reply.status).toBe(200);
    return (reply.body.cases as { id: string }[]).map((c) => c.id);
  };

  test.each<Person>(['clerk', 'verifier', 'supervisor', 'liaison'])('%s cannot tell a self-recommendation exists: every probe answers as an unknown id, and nothing is stored', async (person) => {
    const id = await recommend();
    const before = await api.dump();
    const hidden = await answers(person, id);
    expect(hidden).toEqual(await answers(person, UNKNOWN));
    expect(hidden[0]).toEqual({ probe: 'GET /cases/:id', status: 404, body: expect.objectContaining({ code: 'CASE_NOT_FOUND' }) });
    for (const answer of hidden) expect(JSON.stringify(answer)).not.toMatch(/"actual"|"state"|EVENT_NOT_ALLOWED|VERSION_CONFLICT|GUARD_REJECTED|subjectOfCase/);
    expect(await listed(person)).toEqual([]);
    expect(await listed(person, '?type=selfRecommendation')).toEqual([]);
    expect(await api.dump()).toEqual(before);
  });

  test('the channel holder reads the recommendation given to them, not one given to another holder', async () => {
    const given = await recommend();
    const another = await recommend({ candidate: { officialId: 'ma.lin', name: 'Ma Lin', currentPost: 'Section chief', unit: 'Water Bureau' }, channelHolderId: 'gao.yan' }, 'od');
    expect((await api.request('GET', `/cases/${given}`, { as: 'partyHead' })).status).toBe(200);
    expect(await answers('partyHead', another)).toEqual(await answers('partyHead', UNKNOWN));
    expect(await listed('partyHead')).toEqual([given]);
  });

  test('those who handle it read it and list it', async () => {
    const id = await recommend();
    for (const person of ['od', 'dic', 'chair', 'admin'] as const) {
      expect({ person, status: (await api.request('GET', `/cases/${id}`, { as: person })).status }).toEqual({ person, status: 200 });
      expect({ person, listed: await listed(person) }).toEqual({ person, listed: [id] });
    }
  });

  test('a supervisor’s overdue and red-card lists leave a late recommendation out, its deadline answers as unknown to them, an admin’s lists show it', async () => {
    const id = await recommend();
    const forwarding = (await api.engine.getCase(id)).deadlines.find((d) => d.kind === 'selfRecommendationForwardingDue')!;
    api.clock.set(Date.parse(forwarding.dueAt) + 60_000);
    await fireDueSteps(api, id);
    const overdue = async (person: Person) => ((await api.request('GET', '/supervision/overdue', { as: person })).body.cases as { caseId: string }[]).map((c) => c.caseId);
    expect(await overdue('admin')).toEqual([id]);
    expect(await overdue('supervisor')).toEqual([]);
    const urge = async (deadlineId: string) => {
      const reply = await api.request('POST', `/deadlines/${deadlineId}/urgings`, { as: 'supervisor', body: { note: 'Pass it on' } });
      return { status: reply.status, body: JSON.parse(JSON.stringify(reply.body).replaceAll(deadlineId, 'NO-SUCH-DEADLINE')) as unknown };
    };
    expect(await urge(forwarding.id)).toEqual(await urge('no-such-deadline'));

    api.clock.advance(10 * 24 * 3600_000);
    await fireDueSteps(api, id);
    const redCards = async (person: Person) => ((await api.request('GET', '/supervision/escalations', { as: person })).body.escalations as { caseId: string }[]).map((e) => e.caseId);
    expect(await redCards('admin')).toEqual([id]);
    expect(await redCards('supervisor')).toEqual([]);
  });
});
