/**
 * A custodian reveals a reporter's identity, nobody else: a caseworker asks with a reason, a
 * custodian (never the one who asked) approves or refuses, and the approved reveal is shown once,
 * to that requester, within its time. Every step is in the case's hash-chained log, which still
 * verifies; the identity appears in no other answer.
 */
import { identityRequestView, identityRevealView } from '../../src/api/schemas';
import { publicClue, startApi, type ApiFixture } from './support/server';

const ZHANG = { name: 'Zhang San', contact: '138-0000-0000' };

describe('identity access through a custodian', () => {
  let api: ApiFixture;
  const custodians: Record<'guo' | 'ma', string> = { guo: '', ma: '' };
  let caseId: string;

  beforeEach(async () => {
    api = await startApi();
    for (const name of ['guo', 'ma'] as const) {
      await api.accounts.addUser(`${name}.custodian`, 'custodian');
      custodians[name] = (await api.accounts.createToken(`${name}.custodian`)).token;
    }
    expect((await api.request('POST', '/public/clues', { body: publicClue({ reporter: ZHANG }) })).status).toBe(201);
    caseId = (await api.engine.listCases()).cases[0]!.id;
  });
  afterEach(() => api.close());

  const ask = (as: { as: 'clerk' | 'verifier' } | { token: string }, reason = 'To call the reporter back about the dates') =>
    api.request('POST', `/cases/${caseId}/identity-requests`, { ...as, body: { reason } });
  const decide = (custodian: 'guo' | 'ma', requestId: number, decision: 'approve' | 'refuse', note?: string) =>
    api.request('POST', `/cases/${caseId}/identity-requests/${requestId}/decision`, { token: custodians[custodian], body: { decision, ...(note ? { note } : {}) } });
  const reveal = (as: { as: 'clerk' | 'verifier' | 'supervisor' } | { token: string }, requestId: number) =>
    api.request('POST', `/cases/${caseId}/identity-requests/${requestId}/reveal`, as);
  const steps = async () => (await api.engine.history(caseId)).filter((e) => e.type.startsWith('IDENTITY_')).map((e) => [e.type, e.actor.id]);

  test('asked, approved, shown once to the requester; a second reveal is refused; every step is in the verified log', async () => {
    const asked = await ask({ as: 'clerk' });
    expect(asked.status).toBe(201);
    expect(identityRequestView.strict().parse(asked.body)).toEqual(asked.body);
    expect(asked.body).toMatchObject({ caseId, status: 'pending', requestedBy: { id: 'wang.fang', role: 'intakeClerk' }, reason: 'To call the reporter back about the dates' });
    const requestId = (asked.body as { requestId: number }).requestId;
    // a custodian is told a request waits
    expect((await api.dump()).notifications).toEqual([expect.objectContaining({ case_id: caseId, recipient: 'custodian', status: 'pending' })]);

    // before a decision, nothing is shown
    expect((await reveal({ as: 'clerk' }, requestId)).body).toMatchObject({ code: 'IDENTITY_REVEAL_UNAVAILABLE', details: { why: 'pending' } });

    const approved = await decide('guo', requestId, 'approve', 'Needed for the verification interview');
    expect(approved.status).toBe(200);
    expect(approved.body).toMatchObject({ status: 'approved', decidedBy: 'guo.custodian', expiresAt: new Date(api.clock.now() + 15 * 60_000).toISOString() });

    // nobody but the requester: another caseworker's reveal answers as an unknown request; other roles are refused
    const other = await reveal({ as: 'verifier' }, requestId);
    expect(other.status).toBe(404);
    expect(other.body.code).toBe('IDENTITY_REQUEST_NOT_FOUND');
    expect((await reveal({ as: 'supervisor' }, requestId)).status).toBe(403);
    expect((await reveal({ token: custodians.guo }, requestId)).status).toBe(404);

    const shown = await reveal({ as: 'clerk' }, requestId);
    expect(shown.status).toBe(200);
    expect(shown.headers.get('cache-control')).toBe('no-store');
    expect(identityRevealView.strict().parse(shown.body)).toEqual({ caseId, requestId, reporter: ZHANG, revealedAt: new Date(api.clock.now()).toISOString() });

    const again = await reveal({ as: 'clerk' }, requestId);
    expect(again.status).toBe(410);
    expect(again.body).toMatchObject({ code: 'IDENTITY_REVEAL_UNAVAILABLE', details: { caseId, requestId, why: 'revealed' } });

    expect(await steps()).toEqual([
      ['IDENTITY_ACCESS_REQUESTED', 'wang.fang'],
      ['IDENTITY_ACCESS_APPROVED', 'guo.custodian'],
      ['IDENTITY_REVEALED', 'wang.fang'],
    ]);
    const listed = await api.request('GET', `/cases/${caseId}/identity-requests`, { token: custodians.ma });
    expect(listed.body.requests).toEqual([expect.objectContaining({ requestId, status: 'revealed' })]);
    expect((await api.request('GET', `/audit/verify?caseId=${caseId}`, { as: 'admin' })).body).toMatchObject({ ok: true });

    // the identity is in no other answer
    const elsewhere = [
      await api.request('GET', `/cases/${caseId}`, { as: 'clerk' }),
      await api.request('GET', `/cases/${caseId}/history`, { as: 'clerk' }),
      listed,
      approved,
      asked,
    ];
    for (const answer of elsewhere) expect(JSON.stringify(answer.body)).not.toMatch(/Zhang San|138-0000/);
  });

  test('a refused request shows nothing, and a request is decided once', async () => {
    const requestId = ((await ask({ as: 'clerk' })).body as { requestId: number }).requestId;
    const refused = await decide('ma', requestId, 'refuse', 'The reason does not need the name');
    expect(refused.body).toMatchObject({ status: 'refused', decidedBy: 'ma.custodian', note: 'The reason does not need the name', expiresAt: null });
    const before = await api.dump();
    const shown = await reveal({ as: 'clerk' }, requestId);
    expect(shown.status).toBe(410);
    expect(shown.body).toMatchObject({ code: 'IDENTITY_REVEAL_UNAVAILABLE', details: { why: 'refused' } });
    const twice = await decide('guo', requestId, 'approve');
    expect(twice.status).toBe(409);
    expect(twice.body).toMatchObject({ code: 'IDENTITY_REQUEST_NOT_PENDING', details: { status: 'refused' } });
    expect(await api.dump()).toEqual(before);
    expect(await steps()).toEqual([
      ['IDENTITY_ACCESS_REQUESTED', 'wang.fang'],
      ['IDENTITY_ACCESS_REFUSED', 'ma.custodian'],
    ]);
  });

  test('a custodian cannot approve their own request; another custodian can', async () => {
    const asked = await ask({ token: custodians.guo }, 'The discipline commission asked us to confirm who filed it');
    expect(asked.status).toBe(201);
    const requestId = (asked.body as { requestId: number }).requestId;
    const before = await api.dump();
    const self = await decide('guo', requestId, 'approve');
    expect(self.status).toBe(403);
    expect(self.body).toEqual({ code: 'SELF_APPROVAL_REFUSED', message: expect.stringContaining('another custodian must decide it'), details: { caseId, requestId, requestedBy: 'guo.custodian' } });
    expect(await api.dump()).toEqual(before);
    expect((await decide('ma', requestId, 'approve')).body.status).toBe('approved');
    expect((await reveal({ token: custodians.guo }, requestId)).body.reporter).toEqual(ZHANG);
  });

  test('an approval not used in time expires: the reveal is refused and the expiry is logged once', async () => {
    const requestId = ((await ask({ as: 'clerk' })).body as { requestId: number }).requestId;
    await decide('guo', requestId, 'approve');
    api.clock.advance(15 * 60_000);
    const late = await reveal({ as: 'clerk' }, requestId);
    expect(late.status).toBe(410);
    expect(late.body).toMatchObject({ code: 'IDENTITY_REVEAL_UNAVAILABLE', details: { why: 'expired' } });
    expect((await reveal({ as: 'clerk' }, requestId)).body.details.why).toBe('expired');
    expect(await steps()).toEqual([
      ['IDENTITY_ACCESS_REQUESTED', 'wang.fang'],
      ['IDENTITY_ACCESS_APPROVED', 'guo.custodian'],
      ['IDENTITY_REVEAL_EXPIRED', 'wang.fang'],
    ]);
    expect((await api.request('GET', `/cases/${caseId}/identity-requests`, { as: 'clerk' })).body.requests).toEqual([expect.objectContaining({ status: 'expired' })]);
  });

  test("a custodian's queue gathers the pending requests of every case, oldest first; a decided one leaves it; a case about the custodian is left out", async () => {
    const second = await api.request('POST', '/public/clues', { body: publicClue({ summary: 'Another named clue', reporter: { name: 'Li Si', contact: '139-1111-1111' } }) });
    expect(second.status).toBe(201);
    const aboutMa = await api.request('POST', '/public/clues', {
      body: publicClue({ summary: 'A clue about the custodian', reporter: { name: 'Wu Liu', contact: '137-2222-2222' }, subject: { officialId: 'ma.custodian', name: 'Ma', post: 'Custodian', unit: 'Supervision Office' } }),
    });
    expect(aboutMa.status).toBe(201);
    const rows = (await api.dump()).cases as Array<{ id: string; subject_id: string }>;
    const ids = rows.map((c) => c.id);
    const maCaseId = rows.find((c) => c.subject_id === 'ma.custodian')!.id;
    const byCase = new Map<string, number>();
    for (const id of ids) {
      const asked = await api.request('POST', `/cases/${id}/identity-requests`, { as: 'clerk', body: { reason: `Call back on ${id}` } });
      expect(asked.status).toBe(201);
      byCase.set(id, (asked.body as { requestId: number }).requestId);
      api.clock.advance(60_000);
    }
    const queueOf = async (custodian: 'guo' | 'ma', status?: string) => {
      const answer = await api.request('GET', `/identity-requests${status ? `?status=${status}` : ''}`, { token: custodians[custodian] });
      expect(answer.status).toBe(200);
      return answer.body as { status: string; requests: Array<{ caseId: string; requestId: number; status: string }> };
    };
    const asked = [...byCase.entries()].sort((a, b) => a[1] - b[1]);
    const guo = await queueOf('guo');
    expect(guo.status).toBe('pending');
    expect(guo.requests.map((r) => r.caseId)).toEqual(asked.map(([id]) => id));
    for (const r of guo.requests) expect(identityRequestView.strict().parse(r)).toEqual(r);
    // ma may not decide a request on a clue about himself, so his queue leaves it out
    const ma = await queueOf('ma');
    expect(ma.requests.map((r) => r.caseId)).toEqual(asked.map(([id]) => id).filter((id) => id !== maCaseId));
    expect(ma.requests).toHaveLength(2);

    expect((await decide('ma', byCase.get(caseId)!, 'approve')).status).toBe(200);
    expect((await queueOf('guo')).requests.map((r) => r.caseId)).not.toContain(caseId);
    expect((await queueOf('guo', 'approved')).requests).toEqual([expect.objectContaining({ caseId, status: 'approved', decidedBy: 'ma.custodian' })]);
    // the queue carries no identity
    expect(JSON.stringify(await queueOf('guo'))).not.toMatch(/Zhang San|Li Si|Wu Liu|13[789]-/);

    const before = await api.dump();
    const clerk = await api.request('GET', '/identity-requests', { as: 'clerk' });
    expect(clerk.status).toBe(403);
    expect(clerk.body).toMatchObject({ code: 'FORBIDDEN_ROLE' });
    const badStatus = await api.request('GET', '/identity-requests?status=all', { token: custodians.guo });
    expect(badStatus.status).toBe(400);
    expect(badStatus.body).toMatchObject({ code: expect.any(String), message: expect.stringContaining('status is one of') });
    expect(await api.dump()).toEqual(before);
  });

  test('who may ask: clue handlers and custodians, with a reason, on a named clue; others are refused and nothing is stored', async () => {
    const before = await api.dump();
    const noReason = await ask({ as: 'clerk' }, '  ');
    expect(noReason.status).toBe(400);
    const supervisor = await api.request('POST', `/cases/${caseId}/identity-requests`, { as: 'supervisor', body: { reason: 'curious' } });
    expect(supervisor.status).toBe(403);
    const unknownCase = await api.request('POST', '/cases/CL-NOPE/identity-requests', { as: 'clerk', body: { reason: 'x' } });
    expect(unknownCase.body.code).toBe('CASE_NOT_FOUND');
    const decidedByClerk = await api.request('POST', `/cases/${caseId}/identity-requests/1/decision`, { as: 'clerk', body: { decision: 'approve' } });
    expect(decidedByClerk.status).toBe(403);
    const unknownRequest = await decide('guo', 999_999, 'approve');
    expect(unknownRequest.status).toBe(404);
    expect(await api.dump()).toEqual(before);

    await api.request('POST', '/public/clues', { body: publicClue({ summary: 'An anonymous one' }) });
    const anonymous = (await api.engine.listCases()).cases.find((c) => c.id !== caseId)!.id;
    const none = await api.request('POST', `/cases/${anonymous}/identity-requests`, { as: 'clerk', body: { reason: 'who is it' } });
    expect(none.status).toBe(409);
    expect(none.body.code).toBe('NO_REPORTER_IDENTITY');
  });
});
