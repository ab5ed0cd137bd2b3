/**
 * Bad requests of every kind get a 4xx in the one error shape, naming the field at fault, and
 * store nothing: malformed JSON, unknown fields, wrong types, oversized bodies, unsupported media
 * types, unknown case ids and unknown routes.
 */
import { errorBody } from '../../src/api/schemas';
import { clueInput, publicClue, selfRecommendationInput, startApi, type ApiFixture, type RequestOptions } from './support/server';

describe('bad inputs', () => {
  let api: ApiFixture;
  let caseId: string;
  beforeAll(async () => {
    api = await startApi();
    caseId = (await api.request('POST', '/cases', { as: 'clerk', body: { type: 'clue', input: clueInput() } })).body.id as string;
  });
  afterAll(() => api.close());

  /** Sends a bad request: checks its status, code and shape, that nothing was stored, and returns the issues. */
  async function refused(method: string, path: string, options: RequestOptions, status: number, code: string) {
    const before = await api.dump();
    const reply = await api.request(method, path, options);
    expect({ status: reply.status, code: reply.body.code }).toEqual({ status, code });
    expect(errorBody.strict().parse(reply.body)).toEqual(reply.body);
    expect(reply.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await api.dump()).toEqual(before);
    return reply.body as { message: string; details: { issues?: { path: string; message: string }[] } & Record<string, unknown> };
  }
  const issuesOf = async (...args: Parameters<typeof refused>) => (await refused(...args)).details.issues;
  const event = (body: unknown): RequestOptions => ({ as: 'clerk', body });

  test('malformed JSON: 400 naming the body, the body not echoed', async () => {
    const secretish = '{"type":"clue","input":{"summary":"Zhang San says hi",';
    for (const [path, options] of [
      ['/cases', { as: 'clerk', rawBody: secretish }],
      [`/cases/${caseId}/events`, { as: 'clerk', rawBody: '{"type": "ACCEPT", }' }],
      ['/public/clues', { rawBody: '{"aspect": draggingFeet}' }],
    ] as const) {
      const body = await refused('POST', path, options, 400, 'INVALID_PAYLOAD');
      expect(body.details.issues).toEqual([{ path: 'body', message: expect.stringContaining('not valid JSON') }]);
      expect(body.message).not.toContain('Zhang San');
    }
  });

  test('an empty JSON body, a non-object body and a __proto__ key', async () => {
    expect(await issuesOf('POST', '/cases', { as: 'clerk', rawBody: '' }, 400, 'INVALID_PAYLOAD')).toEqual([{ path: 'body', message: expect.stringContaining('empty') }]);
    expect(await issuesOf('POST', '/cases', { as: 'clerk', body: [1, 2] }, 400, 'INVALID_PAYLOAD')).toEqual([{ path: 'body', message: expect.any(String) }]);
    expect(await issuesOf('POST', '/cases', { as: 'clerk', rawBody: '{"__proto__": {"admin": true}}' }, 400, 'INVALID_PAYLOAD')).toEqual([
      { path: 'body', message: 'the key "__proto__" is not allowed' },
    ]);
    expect(await issuesOf('POST', '/public/clues', {}, 400, 'INVALID_PAYLOAD')).toEqual([{ path: 'body', message: expect.any(String) }]);
  });

  test('unknown fields, at every level, are named', async () => {
    expect(await issuesOf('POST', '/cases', event({ type: 'clue', input: clueInput(), priority: 'high' }), 400, 'INVALID_PAYLOAD')).toEqual([
      { path: 'body', message: 'unknown field(s): priority' },
    ]);
    const subject = { ...clueInput().subject, age: 41 };
    expect(await issuesOf('POST', '/cases', event({ type: 'clue', input: clueInput({ subject }) }), 400, 'INVALID_PAYLOAD')).toEqual([
      { path: 'input.subject', message: 'unknown field(s): age' },
    ]);
    expect(
      await issuesOf('POST', `/cases/${caseId}/events`, event({ type: 'REGISTER', payload: { clueNumber: 'XS-2026-0001', handlerId: 'x', urgent: true }, expectedVersion: 1 }), 400, 'INVALID_PAYLOAD'),
    ).toEqual([{ path: 'payload', message: 'unknown field(s): urgent' }]);
    expect(await issuesOf('POST', `/cases/${caseId}/events`, event({ type: 'ACCEPT', payload: { type: 'CLOSE' }, expectedVersion: 1 }), 400, 'INVALID_PAYLOAD')).toEqual([
      { path: 'payload.type', message: expect.any(String) },
    ]);
    expect(await issuesOf('GET', '/cases?colour=red', { as: 'clerk' }, 400, 'INVALID_PAYLOAD')).toEqual([{ path: 'query', message: 'unknown field(s): colour' }]);
  });

  test('wrong types and values are named by their path', async () => {
    expect(await issuesOf('POST', '/cases', event({ type: 'complaint', input: {} }), 400, 'INVALID_PAYLOAD')).toEqual([
      { path: 'type', message: 'the case type must be one of: clue, selfRecommendation, rectification, supervisionAction, adjustmentReview' },
    ]);
    expect(await issuesOf('POST', '/cases', event({ type: 'clue', input: clueInput({ summary: 42 }) }), 400, 'INVALID_PAYLOAD')).toEqual([
      { path: 'input.summary', message: 'the summary of the clue must be text' },
    ]);
    expect(await issuesOf('POST', '/cases', event({ type: 'clue', input: 'a clue' }), 400, 'INVALID_PAYLOAD')).toEqual([
      { path: 'input', message: 'the input must be a JSON object' },
    ]);
    expect(await issuesOf('POST', '/cases', event({ type: 'clue', input: clueInput({ anonymous: false }) }), 400, 'INVALID_PAYLOAD')).toEqual([
      { path: 'reporter.name', message: expect.stringContaining('name') },
    ]);
    expect(await issuesOf('POST', '/cases', event({ type: 'rectification', input: {}, reporter: { name: 'Li Si' } }), 400, 'INVALID_PAYLOAD')).toEqual([
      { path: 'reporter', message: 'only a clue has a reporter, not a rectification' },
    ]);
    const register = { type: 'REGISTER', payload: { clueNumber: 7, handlerId: 'x' } };
    expect(await issuesOf('POST', `/cases/${caseId}/events`, event({ ...register, expectedVersion: '1' }), 400, 'INVALID_PAYLOAD')).toEqual([
      { path: 'expectedVersion', message: expect.stringContaining('whole number') },
    ]);
    expect(await issuesOf('POST', `/cases/${caseId}/events`, event({ ...register, expectedVersion: 1 }), 400, 'INVALID_PAYLOAD')).toEqual([
      { path: 'payload.clueNumber', message: 'the clue number must be text' },
    ]);
    expect(await issuesOf('POST', `/cases/${caseId}/events`, event({ type: 'ACCEPT' }), 400, 'INVALID_PAYLOAD')).toEqual([
      { path: 'expectedVersion', message: expect.any(String) },
    ]);
    expect(await issuesOf('GET', '/cases?limit=lots&overdue=yes&dueBefore=tomorrow', { as: 'clerk' }, 400, 'INVALID_PAYLOAD')).toEqual([
      { path: 'query.overdue', message: 'must be true or false' },
      { path: 'query.dueBefore', message: expect.stringContaining('date-time') },
      { path: 'query.limit', message: 'must be a whole number in decimal digits' },
    ]);
    expect(await issuesOf('GET', '/cases?cursor=bm9wZQ', { as: 'clerk' }, 400, 'INVALID_PAYLOAD')).toEqual([
      { path: 'query.cursor', message: 'not a cursor this server gave out' },
    ]);
    expect(await issuesOf('GET', '/supervision/escalations?since=2026-12-01T00:00:00Z&until=2026-11-01T00:00:00Z', { as: 'supervisor' }, 400, 'INVALID_PAYLOAD')).toEqual([
      { path: 'query.since', message: 'since must be before until' },
    ]);
    expect(await issuesOf('POST', '/public/clues', { body: publicClue({ aspect: 'lazy' }) }, 400, 'INVALID_PAYLOAD')).toEqual([
      { path: 'aspect', message: expect.stringContaining('the aspect must be one of') },
    ]);
  });

  test('a self-recommendation without supporting material, or through a channel whose holder is not named, is refused and nothing stored', async () => {
    const recommend = (input: Record<string, unknown>): RequestOptions => ({ as: 'official', body: { type: 'selfRecommendation', input } });
    const { evidence: _evidence, ...withoutEvidence } = selfRecommendationInput();
    for (const input of [withoutEvidence, { ...selfRecommendationInput(), evidence: [] }]) {
      expect(await issuesOf('POST', '/cases', recommend(input), 400, 'INVALID_PAYLOAD')).toEqual([
        { path: 'input.evidence', message: expect.stringMatching(/supporting material/) },
      ]);
    }
    expect(await issuesOf('POST', '/cases', recommend({ ...selfRecommendationInput(), channel: 'mainLeaders' }), 400, 'INVALID_PAYLOAD')).toEqual([
      { path: 'input.channelHolderId', message: expect.stringContaining('names the person who holds the channel') },
    ]);
  });

  test('oversized bodies: 413 with the limit, before anything is parsed', async () => {
    const huge = 'x'.repeat(70 * 1024);
    const caseworker = await refused('POST', '/cases', event({ type: 'clue', input: clueInput({ summary: huge }) }), 413, 'PAYLOAD_TOO_LARGE');
    expect(caseworker.details).toEqual({ path: 'body', limitBytes: 64 * 1024 });
    const publicBody = await refused('POST', '/public/clues', { body: publicClue({ summary: 'y'.repeat(17 * 1024) }) }, 413, 'PAYLOAD_TOO_LARGE');
    expect(publicBody.details).toEqual({ path: 'body', limitBytes: 16 * 1024 });
    await refused('POST', '/public/clues/info', { headers: { 'x-receipt-code': 'ABCD-EFGH-JKMN' }, body: { information: huge } }, 413, 'PAYLOAD_TOO_LARGE');
  });

  test('a body that is not JSON: 415 naming the content type', async () => {
    expect(await issuesOf('POST', '/cases', { as: 'clerk', rawBody: '<case/>', headers: { 'content-type': 'application/xml' } }, 415, 'INVALID_PAYLOAD')).toEqual([
      { path: 'header.content-type', message: expect.stringContaining('application/json') },
    ]);
  });

  test('unknown case ids: 404 CASE_NOT_FOUND naming the id, on every case route', async () => {
    for (const [method, path, options] of [
      ['GET', '/cases/CL-NOPE', { as: 'clerk' }],
      ['GET', '/cases/CL-NOPE/history', { as: 'clerk' }],
      ['GET', '/cases/CL-NOPE/reporter-messages', { as: 'clerk' }],
      ['POST', '/cases/CL-NOPE/events', event({ type: 'ACCEPT', expectedVersion: 1 })],
    ] as const) {
      const body = await refused(method, path, options, 404, 'CASE_NOT_FOUND');
      expect(body.details).toEqual({ caseId: 'CL-NOPE' });
    }
  });

  test('unknown routes: 404 NOT_FOUND in the same shape', async () => {
    const body = await refused('GET', '/casez?x=1', {}, 404, 'NOT_FOUND');
    expect(body.details).toEqual({ method: 'GET', path: '/casez' });
  });
});
