/**
 * Opening and reading cases over HTTP: create, get (with the events this user may send now and
 * the deadlines), history, and the list with its filters and cursor pagination.
 */
import { appliedEvent, caseHistory, casePage, caseView } from '../../src/api/schemas';
import { clueInput, rectificationInput, sendEvent, startApi, type ApiFixture } from './support/server';

describe('case endpoints', () => {
  let api: ApiFixture;
  beforeEach(async () => {
    api = await startApi();
  });
  afterEach(() => api.close());

  const create = async (type: string, input: unknown, as: 'clerk' | 'supervisor' = 'clerk') => {
    const reply = await api.request('POST', '/cases', { as, body: { type, input } });
    expect(reply.status).toBe(201);
    return reply.body as { id: string; version: number };
  };

  test('POST /cases opens a case and answers 201 with the case as the caller sees it', async () => {
    const created = await api.request('POST', '/cases', { as: 'clerk', body: { type: 'clue', input: clueInput() } });
    expect(created.status).toBe(201);
    expect(caseView.strict().parse(created.body)).toEqual(created.body);
    expect(created.body).toMatchObject({ type: 'clue', state: 'received', version: 1, status: 'open', allowedEvents: ['REGISTER'] });
    expect(created.body.deadlines).toEqual([expect.objectContaining({ kind: 'clueRegistrationDue', status: 'pending', running: true })]);
    expect(created.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    const history = await api.engine.history(created.body.id);
    expect(history.map((e) => [e.type, e.actor])).toEqual([['CASE_OPENED', { id: 'wang.fang', role: 'intakeClerk' }]]);
  });

  test('a named clue opened by a clerk keeps the reporter apart from the case', async () => {
    const created = await api.request('POST', '/cases', {
      as: 'clerk',
      body: { type: 'clue', input: clueInput({ anonymous: false }), reporter: { name: 'Li Si', contact: 'li.si@example.org' } },
    });
    expect(created.status).toBe(201);
    expect(JSON.stringify(created.body)).not.toMatch(/Li Si|li\.si@/);
  });

  test('GET /cases/:id shows state, deadlines and the events this user may send now', async () => {
    const { id } = await create('clue', clueInput());
    const asClerk = await api.request('GET', `/cases/${id}`, { as: 'clerk' });
    expect(asClerk.status).toBe(200);
    expect(caseView.strict().parse(asClerk.body)).toEqual(asClerk.body);
    expect(asClerk.body.allowedEvents).toEqual(['REGISTER']);
    expect((await api.request('GET', `/cases/${id}`, { as: 'chair' })).body.allowedEvents).toEqual([]);
    await sendEvent(api, 'clerk', id, 'REGISTER', { clueNumber: 'XS-2026-0001', handlerId: 'wang.fang' });
    const asChair = await api.request('GET', `/cases/${id}`, { as: 'chair' });
    expect(asChair.body).toMatchObject({ state: 'screening.acceptance', version: 2, allowedEvents: ['ACCEPT', 'DECLARE_OUT_OF_SCOPE', 'FORWARD_TO_COMMISSION'] });
    expect(asChair.body.deadlines.map((d: { kind: string; status: string }) => [d.kind, d.status])).toEqual([
      ['clueRegistrationDue', 'met'],
      ['clueAcceptanceDue', 'pending'],
    ]);
  });

  test('GET /cases/:id/history lists every entry, oldest first', async () => {
    const { id } = await create('clue', clueInput());
    const sent = await sendEvent(api, 'clerk', id, 'REGISTER', { clueNumber: 'XS-2026-0001', handlerId: 'wang.fang' });
    expect(appliedEvent.strict().parse(sent.body)).toEqual(sent.body);
    const history = await api.request('GET', `/cases/${id}/history`, { as: 'supervisor' });
    expect(history.status).toBe(200);
    expect(caseHistory.strict().parse(history.body)).toEqual(history.body);
    expect(history.body.events.map((e: { type: string; version: number; fromState: string | null; toState: string }) => [e.type, e.version, e.fromState, e.toState])).toEqual([
      ['CASE_OPENED', 1, null, 'received'],
      ['REGISTER', 2, 'received', 'screening.acceptance'],
    ]);
    expect(history.body.events[1].payload).toEqual({ clueNumber: 'XS-2026-0001', handlerId: 'wang.fang' });
  });

  test('GET /cases filters by type, state (parent states too), unit, assignee and status', async () => {
    const a = await create('clue', clueInput());
    api.clock.advance(1000);
    const b = await create('clue', clueInput({ unit: 'Water Bureau' }));
    api.clock.advance(1000);
    const r = await create('rectification', rectificationInput(), 'supervisor');
    await sendEvent(api, 'clerk', a.id, 'REGISTER', { clueNumber: 'XS-2026-0001', handlerId: 'liu.yang' });
    const ids = async (query: string) => {
      const reply = await api.request('GET', `/cases${query}`, { as: 'supervisor' });
      expect(reply.status).toBe(200);
      expect(casePage.strict().parse(reply.body)).toEqual(reply.body);
      return (reply.body.cases as { id: string }[]).map((c) => c.id);
    };
    expect(await ids('')).toEqual([r.id, b.id, a.id]);
    expect(await ids('?type=clue')).toEqual([b.id, a.id]);
    expect(await ids('?state=screening')).toEqual([a.id]);
    expect(await ids('?state=screening.acceptance&type=clue')).toEqual([a.id]);
    expect(await ids('?unit=Water%20Bureau')).toEqual([b.id]);
    expect(await ids('?assignee=liu.yang')).toEqual([a.id]);
    expect(await ids('?status=closed')).toEqual([]);
  });

  test('GET /cases: overdue and dueBefore look at running deadlines', async () => {
    const clue = await create('clue', clueInput());
    const rect = await create('rectification', rectificationInput(), 'supervisor');
    await sendEvent(api, 'supervisor', rect.id, 'NOTIFY_UNIT', { liaisonId: 'zhou.min' });
    const ids = async (query: string) => ((await api.request('GET', `/cases${query}`, { as: 'supervisor' })).body.cases as { id: string }[]).map((c) => c.id).sort();
    expect(await ids('?overdue=true')).toEqual([]);
    // The rectification plan is due at 21:00, an hour after airing; the clue's registration in 5 working days.
    expect(await ids('?dueBefore=2026-11-25T21:30:00%2B08:00')).toEqual([rect.id]);
    expect(await ids('?dueBefore=2026-12-31T00:00:00Z')).toEqual([clue.id, rect.id].sort());
    api.clock.advance(2 * 3600_000);
    expect(await ids('?overdue=true')).toEqual([rect.id]);
    expect(await ids('?overdue=false')).toEqual([clue.id, rect.id].sort());
  });

  test('GET /cases pages with a cursor until nextCursor is null', async () => {
    const opened: string[] = [];
    for (let i = 0; i < 5; i++) {
      opened.unshift((await create('clue', clueInput())).id);
      api.clock.advance(1000);
    }
    const seen: string[] = [];
    let cursor: string | null = '';
    let pages = 0;
    while (cursor !== null) {
      const reply: { body: { cases: { id: string }[]; nextCursor: string | null } } = await api.request('GET', `/cases?limit=2${cursor ? `&cursor=${cursor}` : ''}`, { as: 'clerk' });
      seen.push(...reply.body.cases.map((c) => c.id));
      cursor = reply.body.nextCursor;
      pages++;
    }
    expect(pages).toBe(3);
    expect(seen).toEqual(opened);
  });
});
