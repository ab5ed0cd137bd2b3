/**
 * The public receipt flow: file a clue anonymously or by name, get a receipt code once, see a
 * reporter-facing status as the clue moves, add information; a wrong code finds nothing, and a
 * code shows nothing but its own clue's reporter status.
 */
import { clueStatus, filedClue } from '../../src/api/schemas';
import { publicClue, sendEvent, startApi, type ApiFixture } from './support/server';

const RECEIPT = /^[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){7}$/;

describe('public clue intake and receipts', () => {
  let api: ApiFixture;
  beforeEach(async () => {
    api = await startApi();
  });
  afterEach(() => api.close());

  const file = async (body: unknown = publicClue()) => {
    const filed = await api.request('POST', '/public/clues', { body });
    expect(filed.status).toBe(201);
    return filed.body as { receiptCode: string; status: string; stage: string };
  };
  const status = (code: string) => api.request('GET', '/public/clues/status', { headers: { 'x-receipt-code': code } });
  const onlyCase = async (): Promise<string> => (await api.engine.listCases()).cases[0]!.id;

  test('the public names the official by name, post and unit; no official id is needed, and the intake clerk identifies them at registration', async () => {
    const body = publicClue() as { subject: Record<string, string> };
    const { officialId, ...withoutId } = body.subject;
    const filed = await file({ ...body, subject: withoutId });
    expect(filed.stage).toBe('received');
    const id = await onlyCase();
    expect((await api.engine.getCase(id)).context).toMatchObject({ subject: { ...withoutId, officialId: null } });
    const unidentified = await sendEvent(api, 'clerk', id, 'REGISTER', { clueNumber: 'XS-2026-0401', handlerId: 'wang.fang' });
    expect(unidentified.status).toBe(422);
    expect(unidentified.body).toMatchObject({ code: 'GUARD_REJECTED' });
    const registered = await sendEvent(api, 'clerk', id, 'REGISTER', { clueNumber: 'XS-2026-0401', handlerId: 'wang.fang', subject: { officialId } });
    expect(registered.status).toBe(200);
    expect((await api.engine.getCase(id)).subjectId).toBe(officialId);
  });

  test('an anonymous clue: a 160-bit receipt shown once, stored only as a hash', async () => {
    const filed = await file();
    expect(filedClue.strict().parse(filed)).toEqual(filed);
    expect(filed.receiptCode).toMatch(RECEIPT);
    expect(filed).toMatchObject({ stage: 'received', status: 'Received: your clue is waiting to be registered' });
    expect(JSON.stringify(filed)).not.toContain(await onlyCase());
    const dump = await api.dump();
    const stored = dump.reporter_receipts as { code_hash: string }[];
    expect(stored).toHaveLength(1);
    expect(stored[0]!.code_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(dump)).not.toContain(filed.receiptCode.replace(/-/g, '').slice(0, 12));
    const view = await api.engine.getCase(await onlyCase());
    expect(view.context).toMatchObject({ anonymous: true, channel: 'form' });
    expect(dump.reporter_identities).toEqual([]);
  });

  test('the status follows the clue in reporter words, never the internal state', async () => {
    const { receiptCode } = await file();
    const id = await onlyCase();
    const seen: unknown[] = [];
    const look = async () => {
      const reply = await status(receiptCode);
      expect(reply.status).toBe(200);
      expect(clueStatus.strict().parse(reply.body)).toEqual(reply.body);
      expect(JSON.stringify(reply.body)).not.toMatch(/screening|collectiveReview|setAside|verification|XS-2026|liu\.yang|Nothing/);
      seen.push(reply.body);
    };
    await look();
    await sendEvent(api, 'clerk', id, 'REGISTER', { clueNumber: 'XS-2026-0001', handlerId: 'wang.fang' });
    await look();
    await sendEvent(api, 'clerk', id, 'ACCEPT');
    await sendEvent(api, 'chair', id, 'CHOOSE_DISPOSAL', { route: 'setAsidePendingChecks', reason: 'Nothing to go on yet' });
    await look();
    await sendEvent(api, 'verifier', id, 'NEW_EVIDENCE', { evidence: 'Another applicant wrote in' });
    await look();
    expect(seen).toEqual([
      { stage: 'received', status: 'Received: your clue is waiting to be registered' },
      { stage: 'inProgress', status: 'Registered: your clue is being reviewed' },
      // Set aside and under verification read the same: a reporter does not learn a clue was set aside.
      { stage: 'inProgress', status: 'In progress: your clue is being handled' },
      { stage: 'inProgress', status: 'In progress: your clue is being handled' },
    ]);
  });

  test('a concluded clue says so', async () => {
    const { receiptCode } = await file();
    const id = await onlyCase();
    await sendEvent(api, 'clerk', id, 'REGISTER', { clueNumber: 'XS-2026-0001', handlerId: 'wang.fang' });
    await sendEvent(api, 'clerk', id, 'ACCEPT');
    await sendEvent(api, 'chair', id, 'CHOOSE_DISPOSAL', { route: 'closedNoCase', reason: 'Already handled last year' });
    expect((await status(receiptCode.toLowerCase().replace(/-/g, ''))).body).toEqual({
      stage: 'concluded',
      status: 'Concluded: handling of your clue is complete',
    });
  });

  test('adding information: acknowledged, stored for caseworkers, not shown back to the reporter', async () => {
    const { receiptCode } = await file();
    const id = await onlyCase();
    const added = await api.request('POST', '/public/clues/info', {
      headers: { 'x-receipt-code': receiptCode },
      body: { information: 'He was absent again on Tuesday' },
    });
    expect(added.status).toBe(201);
    expect(added.body).toEqual({ acknowledged: true, receivedAt: new Date(api.clock.now()).toISOString() });
    const inBody = await api.request('POST', '/public/clues/info', { body: { information: 'And on Wednesday', receiptCode } });
    expect(inBody.status).toBe(201);
    const read = await api.request('GET', `/cases/${id}/reporter-messages`, { as: 'clerk' });
    expect(read.body.messages.map((m: { body: string }) => m.body)).toEqual(['He was absent again on Tuesday', 'And on Wednesday']);
    expect(JSON.stringify((await status(receiptCode)).body)).not.toContain('Tuesday');
    // The case itself and its history are unchanged: the information is not an event.
    expect((await api.engine.getCase(id)).version).toBe(1);
  });

  test('a wrong receipt finds nothing (404) and stores nothing; a missing one names the header', async () => {
    await file();
    const before = await api.dump();
    const wrong = 'ABCD-EFGH-JKMN-PQRS-TVWX-YZ01-2345-6789';
    const looked = await status(wrong);
    expect(looked.status).toBe(404);
    expect(looked.body).toEqual({ code: 'NOT_FOUND', message: expect.stringContaining('No clue matches this receipt code'), details: { field: 'receiptCode' } });
    const added = await api.request('POST', '/public/clues/info', { headers: { 'x-receipt-code': wrong }, body: { information: 'More' } });
    expect(added.status).toBe(404);
    const missing = await api.request('GET', '/public/clues/status');
    expect(missing.status).toBe(400);
    expect(missing.body.details.issues).toEqual([{ path: 'header.x-receipt-code', message: expect.stringContaining('never in the URL') }]);
    // A code in the query string is not read: it would land in access logs.
    const inQuery = await api.request('GET', `/public/clues/status?receiptCode=${wrong}`);
    expect(inQuery.status).toBe(400);
    expect(await api.dump()).toEqual(before);
  });

  test('a receipt opens only its own clue', async () => {
    const first = await file();
    api.clock.advance(60_000);
    const second = await file(publicClue({ summary: 'Another office, another delay' }));
    const [newest, oldest] = (await api.engine.listCases()).cases.map((c) => c.id);
    await sendEvent(api, 'clerk', oldest!, 'REGISTER', { clueNumber: 'XS-2026-0001', handlerId: 'wang.fang' });
    expect((await status(first.receiptCode)).body.stage).toBe('inProgress');
    expect((await status(second.receiptCode)).body.stage).toBe('received');
    await api.request('POST', '/public/clues/info', { headers: { 'x-receipt-code': second.receiptCode }, body: { information: 'For the second' } });
    expect(((await api.dump()).reporter_messages as { case_id: string }[]).map((m) => m.case_id)).toEqual([newest]);
  });

  test('a named clue: the identity is kept apart and never shown through the API', async () => {
    const { receiptCode } = await file(publicClue({ reporter: { name: 'Zhang San', contact: '138-0000-0000' } }));
    const id = await onlyCase();
    const stored = (await api.dump()).reporter_identities;
    expect(stored).toEqual([
      { case_id: id, name: null, contact: null, key_id: 'test-1', wrapped_key: expect.any(String), sealed_fields: expect.any(String), created_at: api.clock.now() },
    ]);
    expect(JSON.stringify(stored)).not.toMatch(/Zhang San|138-0000/);
    const view = await api.request('GET', `/cases/${id}`, { as: 'clerk' });
    const history = await api.request('GET', `/cases/${id}/history`, { as: 'clerk' });
    expect(view.body.context.anonymous).toBe(false);
    for (const body of [view.body, history.body, (await status(receiptCode)).body]) {
      expect(JSON.stringify(body)).not.toMatch(/Zhang San|138-0000/);
    }
  });

  test('the public sets neither channel nor anonymity: those fields are unknown', async () => {
    const refused = await api.request('POST', '/public/clues', { body: publicClue({ anonymous: false, channel: 'hotline' }) });
    expect(refused.status).toBe(400);
    expect(refused.body.details.issues).toEqual([{ path: 'body', message: 'unknown field(s): anonymous, channel' }]);
    expect((await api.engine.listCases()).cases).toEqual([]);
  });
});
