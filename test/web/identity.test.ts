/**
 * The identity block in the web app: a caseworker asks from the case page, a custodian approves on
 * the identity page, and the caseworker has the identity shown once; the page shows it nowhere else.
 */
import { publicClue, type ApiFixture } from '../api/support/server';
import { PASSWORD, signedInAs, startWeb, WebClient } from './support/web';

describe('the identity block of a named clue', () => {
  let api: ApiFixture;
  beforeEach(async () => {
    api = await startWeb();
  });
  afterEach(() => api.close());

  test('asked on the page, approved by a custodian, shown once to the one who asked', async () => {
    await api.accounts.addUser('guo.custodian', 'custodian');
    await api.accounts.setPassword('guo.custodian', PASSWORD);
    await api.request('POST', '/public/clues', { body: publicClue({ reporter: { name: 'Zhang San', contact: '138-0000-0000' } }) });
    const caseId = (await api.engine.listCases()).cases[0]!.id;
    const clerk = await signedInAs(api, 'clerk');

    const casePage = await clerk.get(`/case/${caseId}`);
    expect(casePage.html).toContain(`/case/${caseId}/identity`);
    expect(casePage.html).not.toMatch(/Zhang San|138-0000/);
    await clerk.get(`/case/${caseId}/identity`);
    expect((await clerk.post(`/case/${caseId}/identity/requests`, { reason: 'A call back about the dates' })).status).toBe(303);

    const custodian = new WebClient(api.url);
    expect((await custodian.signIn('guo.custodian')).status).toBe(303);
    // the custodian's inbox lists the request waiting for a decision, linked to the case's identity block
    const inbox = await custodian.get('/inbox');
    expect(inbox.html).toContain('Identity-access requests waiting for a custodian');
    expect(inbox.html).toContain(`href="/case/${encodeURIComponent(caseId)}/identity"`);
    expect(inbox.html).toContain('A call back about the dates');
    expect(inbox.html).not.toMatch(/Zhang San|138-0000/);
    expect((await clerk.get('/inbox')).html).not.toContain('Identity-access requests waiting for a custodian');
    const pending = await custodian.get(`/case/${caseId}/identity`);
    expect(pending.html).toContain('A call back about the dates');
    const requestId = /data-request="(\d+)"/.exec(pending.html)![1]!;
    expect(pending.html).toContain(`/identity/requests/${requestId}/decision`);
    expect((await custodian.post(`/case/${caseId}/identity/requests/${requestId}/decision`, { decision: 'approve' })).status).toBe(303);
    expect((await custodian.get('/inbox')).html).not.toContain('A call back about the dates');

    const approved = await clerk.get(`/case/${caseId}/identity`);
    expect(approved.html).toContain('Show the identity (once)');
    expect(approved.html).not.toMatch(/Zhang San|138-0000/);
    const shown = await clerk.post(`/case/${caseId}/identity/requests/${requestId}/reveal`, {});
    expect(shown.status).toBe(200);
    expect(shown.headers.get('cache-control')).toBe('no-store');
    expect(shown.html).toContain('Zhang San');
    expect(shown.html).toContain('138-0000-0000');

    const again = await clerk.post(`/case/${caseId}/identity/requests/${requestId}/reveal`, {});
    expect(again.status).toBe(410);
    expect(again.html).toContain('IDENTITY_REVEAL_UNAVAILABLE');
    expect(again.html).not.toMatch(/Zhang San|138-0000/);
    expect((await clerk.get(`/case/${caseId}/identity`)).html).not.toMatch(/Zhang San|138-0000/);
    // the custodian sees the request revealed, never the identity
    expect((await custodian.get(`/case/${caseId}/identity`)).html).not.toMatch(/Zhang San|138-0000/);
  });
});
