/**
 * The API log: one JSON line per entry, each request's lines with its request id (also returned
 * in X-Request-Id), and never a token, an Authorization header, a receipt code, or a reporter's
 * name, contact or message.
 */
import { Writable } from 'node:stream';
import { createApiLogger } from '../../src/api/logging';
import { normalizeReceiptCode } from '../../src/auth/secrets';
import { publicClue, startApi, type ApiFixture } from './support/server';

describe('what the API logs', () => {
  let api: ApiFixture;
  beforeEach(async () => {
    api = await startApi();
  });
  afterEach(() => api.close());

  test('a full session leaves no token, receipt code or reporter identity in the log', async () => {
    const reporter = { name: 'Zhang Sanfeng', contact: '138-1234-5678' };
    const filed = await api.request('POST', '/public/clues', { body: publicClue({ reporter }) });
    expect(filed.status).toBe(201);
    const receipt = filed.body.receiptCode as string;
    await api.request('GET', '/public/clues/status', { headers: { 'x-receipt-code': receipt } });
    // what a reporter adds is the clue's content, stored for its handlers (only never logged): it names no reporter
    // here, or the suite-wide byte search would find the name in the data file
    await api.request('POST', '/public/clues/info', { headers: { 'x-receipt-code': receipt }, body: { information: 'A neighbour saw it again on Friday' } });
    await api.request('GET', `/public/clues/status?code=${receipt}`);
    await api.request('POST', '/public/clues', { rawBody: `{"reporter":{"name":"${reporter.name}"` });
    await api.request('POST', '/public/clues', { body: publicClue({ reporter: { ...reporter, nickname: 'Sanfeng' } }) });
    const issued = await api.request('POST', '/auth/tokens', { as: 'clerk', body: { label: 'laptop' } });
    expect(issued.status).toBe(201);
    await api.request('GET', '/cases', { token: issued.body.token });
    await api.request('GET', '/cases', { token: 'cf_wrong-token-value' });
    const caseId = (await api.engine.listCases()).cases[0]!.id;
    await api.request('GET', `/cases/${caseId}/reporter-messages`, { as: 'clerk' });
    await api.request('GET', `/cases/${caseId}`, { as: 'supervisor' });

    const log = api.log();
    const secrets = [
      ...Object.values(api.tokens),
      issued.body.token as string,
      'cf_wrong-token-value',
      receipt,
      normalizeReceiptCode(receipt),
      reporter.name,
      'Sanfeng',
      reporter.contact,
      'saw it again',
      'Bearer',
    ];
    for (const secret of secrets) expect({ secret, found: log.includes(secret) }).toEqual({ secret, found: false });
  });

  test('every request line is JSON with a request id, which the response returns in X-Request-Id', async () => {
    const reply = await api.request('GET', '/cases?assignee=liu.yang', { as: 'clerk' });
    const requestId = reply.headers.get('x-request-id');
    const entries = api
      .log()
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    const mine = entries.filter((e) => e.reqId === requestId);
    expect(mine.map((e) => e.msg)).toEqual(['request received', 'request completed']);
    expect(mine[1]).toMatchObject({ method: 'GET', path: '/cases', route: '/cases', statusCode: 200, level: 30 });
    // The query string is not logged: it could carry anything a client put there.
    expect(JSON.stringify(mine)).not.toContain('liu.yang');
  });

  test('refusals are logged by code only', async () => {
    const reply = await api.request('POST', '/cases', { as: 'clerk', body: { type: 'clue', input: { summary: 'Zhang Sanfeng' } } });
    expect(reply.status).toBe(400);
    const refusal = api
      .log()
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .find((e) => e.msg === 'request refused');
    expect(refusal).toMatchObject({ code: 'INVALID_PAYLOAD', statusCode: 400, reqId: reply.headers.get('x-request-id') });
    expect(api.log()).not.toContain('Zhang Sanfeng');
  });

  test('an unexpected failure: 500 INTERNAL_ERROR quoting the request id, logged as an error without secrets', async () => {
    await api.store.close();
    const reply = await api.request('GET', '/cases', { as: 'clerk' });
    expect(reply.status).toBe(500);
    const requestId = reply.headers.get('x-request-id');
    expect(reply.body).toEqual({ code: 'INTERNAL_ERROR', message: expect.stringContaining(requestId!), details: { requestId } });
    const failure = api
      .log()
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .find((e) => e.msg === 'request failed');
    expect(failure).toMatchObject({ level: 50, reqId: requestId, code: 'INTERNAL_ERROR', err: expect.objectContaining({ message: expect.any(String) }) });
    expect(api.log()).not.toContain(api.tokens.clerk);
  });

  test('redaction catches headers, tokens, receipt codes and reporters should they ever be logged', () => {
    const lines: string[] = [];
    const logger = createApiLogger({ stream: new Writable({ write: (chunk: Buffer, _enc, done) => (lines.push(chunk.toString()), done()) }) });
    logger.info(
      {
        req: { method: 'GET', url: '/x?code=1', headers: { authorization: 'Bearer cf_secret' } },
        headers: { 'x-receipt-code': 'RCPT-1' },
        token: 'cf_secret2',
        auth: { token: 'cf_secret3' },
        receiptCode: 'RCPT-2',
        reporter: { name: 'Wu Liu' },
        clue: { reporter: { name: 'Wu Qi' } },
        body: { information: 'private' },
        deep: { inside: { token: 'cf_secret4', reporter: { name: 'Wu Ba' } } },
      },
      'careless',
    );
    const text = lines.join('');
    for (const secret of ['cf_secret', 'RCPT-', 'Wu Liu', 'Wu Qi', 'Wu Ba', 'private', 'code=1']) expect({ secret, found: text.includes(secret) }).toEqual({ secret, found: false });
  });
});
