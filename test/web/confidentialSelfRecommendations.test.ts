/**
 * The web pages keep a self-recommendation confidential as the API does: its page, ladder and
 * event form answer an intake clerk or a supervisor as for an unknown id; the Organization
 * Department opens it; the supervisors' overdue board leaves it out while an admin's shows it.
 */
import { fireDueSteps, selfRecommendationThroughPartyHead, sendEvent, type ApiFixture } from '../api/support/server';
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

  test('its page shows the channel holder, the pass-on deadline on them and the form’s evidence of results, to those who read it', async () => {
    const id = await recommend();
    const forwarding = (await api.engine.getCase(id)).deadlines.find((d) => d.kind === 'selfRecommendationForwardingDue')!;
    const due = new Date(Date.parse(forwarding.dueAt)).toLocaleString('sv-SE', { timeZone: 'Asia/Shanghai' }).slice(0, 16);
    for (const person of ['od', 'partyHead'] as const) {
      const page = await (await signedInAs(api, person)).get(`/case/${id}`);
      expect({ person, status: page.status }).toEqual({ person, status: 200 });
      const channel = /<dd data-testid="channel">([^<]*)<\/dd>/.exec(page.html)?.[1];
      expect({ person, channel }).toEqual({ person, channel: expect.stringMatching(new RegExp(`^the Party organization’s responsible person — held by xu\\.ming, who passes it on by ${due}.* \\(`)) });
      expect(/<ul data-testid="evidence">(.*?)<\/ul>/.exec(page.html)?.[1]).toBe('<li>Backlog report, 2025</li>');
    }
    // passed on, the deadline on the holder shows as met
    expect((await sendEvent(api, 'partyHead', id, 'FORWARD', { note: 'Passed on unopened' })).status).toBe(200);
    const after = await (await signedInAs(api, 'od')).get(`/case/${id}`);
    expect(/<dd data-testid="channel">([^<]*)<\/dd>/.exec(after.html)?.[1]).toMatch(/ \(met\)$/);
  });
});
