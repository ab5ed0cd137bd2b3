/**
 * The web pages keep a self-recommendation confidential as the API does: its page, ladder and
 * event form answer an intake clerk or a supervisor as for an unknown id; the Organization
 * Department opens it; the supervisors' overdue board leaves it out while an admin's shows it.
 */
import { fireDueSteps, selfRecommendationThroughPartyHead, type ApiFixture } from '../api/support/server';
import { signedInAs, startWeb } from './support/web';

describe('web pages: a self-recommendation is confidential', () => {
  let api: ApiFixture;
  beforeEach(async () => {
    api = await startWeb();
  });
  afterEach(() => api.close());

  const UNKNOWN = 'SR-20261125-NOSUCHCASE00';

  const recommend = async (): Promise<string> => {
    const created = await api.request('POST', '/cases', { as: 'official', body: { type: 'selfRecommendation', input: selfRecommendationThroughPartyHead() } });
    expect(created.status).toBe(201);
    return created.body.id as string;
  };

  test('its page answers an intake clerk and a supervisor as an unknown id; the Organization Department opens it', async () => {
    const id = await recommend();
    for (const person of ['clerk', 'supervisor'] as const) {
      const web = await signedInAs(api, person);
      for (const path of ['', '/ladder']) {
        const hidden = await web.get(`/case/${id}${path}`, { accept: 'application/json' });
        const unknown = await web.get(`/case/${UNKNOWN}${path}`, { accept: 'application/json' });
        expect({ person, path, status: hidden.status, body: JSON.parse(hidden.html.replaceAll(id, UNKNOWN)) as unknown }).toEqual({ person, path, status: 404, body: JSON.parse(unknown.html) });
      }
      const page = await web.get(`/case/${id}`);
      expect({ person, status: page.status, names: page.html.includes('He Ping') }).toEqual({ person, status: 404, names: false });
      expect((await web.get('/inbox')).html).not.toContain(id);
    }
    const od = await signedInAs(api, 'od');
    const page = await od.get(`/case/${id}`);
    expect(page.status).toBe(200);
    expect(page.html).toContain(id);
  });

  test('the overdue board leaves a late recommendation out for a supervisor and shows it to an admin', async () => {
    const id = await recommend();
    const forwarding = (await api.engine.getCase(id)).deadlines.find((d) => d.kind === 'selfRecommendationForwardingDue')!;
    api.clock.set(Date.parse(forwarding.dueAt) + 60_000);
    await fireDueSteps(api, id);
    const rowsOf = (html: string): string[] => [...html.matchAll(/<tr data-case="([^"]+)"/g)].map((m) => m[1]!);
    expect(rowsOf((await (await signedInAs(api, 'admin')).get('/board')).html)).toEqual([id]);
    const supervisorBoard = await (await signedInAs(api, 'supervisor')).get('/board');
    expect(supervisorBoard.status).toBe(200);
    expect(rowsOf(supervisorBoard.html)).toEqual([]);
    expect(supervisorBoard.html).not.toContain(id);
  });
});
