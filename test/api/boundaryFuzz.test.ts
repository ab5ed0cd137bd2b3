/**
 * Every bad request at the HTTP boundary gets a 4xx in caseflow's `{code, message, details}` and
 * changes nothing: requests Node's parser or Fastify's router refuse (oversized headers, a bad
 * request line, bad percent-encoding, an over-long id), and malformed requests to every operation
 * the OpenAPI document lists.
 */
import net from 'node:net';
import { startApi, type ApiFixture } from './support/server';

/** Sends `raw` bytes on a new connection; resolves with the status and body of the answer. */
function rawRequest(url: string, raw: Buffer | string): Promise<{ status: number; body: unknown }> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(port), hostname, () => socket.end(raw));
    let text = '';
    socket.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
    socket.on('error', reject);
    socket.on('close', () => {
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1]);
      const body = text.slice(text.indexOf('\r\n\r\n') + 4);
      try {
        resolve({ status, body: JSON.parse(body) as unknown });
      } catch {
        resolve({ status, body });
      }
    });
  });
}

const jsonOrText = (text: string): unknown => {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
};

const inCaseflowShape = { code: expect.any(String), message: expect.any(String), details: expect.any(Object) };

describe('the HTTP boundary answers every bad request in caseflow shape', () => {
  let api: ApiFixture;
  beforeAll(async () => {
    api = await startApi();
  });
  afterAll(() => api.close());

  test.each([
    ['oversized headers', `GET /cases HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`, 431],
    ['a bad request line', 'GET /cases HTTP/9\r\n\r\n', 400],
    ['a header with a control character', 'GET /cases HTTP/1.1\r\nHost: x\r\nX-Odd: a\u0001b\r\n\r\n', 400],
    ['bad percent-encoding', 'GET /cases/%E0%A4%A HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n', 400],
    ['an over-long id', `GET /cases/${'C'.repeat(500)} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`, 414],
  ])('%s', async (_what, raw, status) => {
    const before = await api.dump();
    const answer = await rawRequest(api.url, raw);
    expect(answer).toEqual({ status, body: { ...inCaseflowShape, code: 'INVALID_PAYLOAD' } });
    expect(await api.dump()).toEqual(before);
  });

  test('malformed requests to every documented operation: each a 4xx in caseflow shape, nothing stored', async () => {
    const doc = (await api.request<{ paths: Record<string, Record<string, unknown>> }>('GET', '/openapi.json')).body;
    const operations = Object.entries(doc.paths).flatMap(([p, methods]) => Object.keys(methods).map((m) => ({ method: m.toUpperCase(), path: p })));
    expect(operations.length).toBeGreaterThan(20);
    const bodies: (string | Buffer)[] = [
      '{"type": "rectification",',
      Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d]),
      '{"type":"clue","type":"rectification","input":{}}',
      '{"__proto__":{"admin":true},"type":"clue","input":{}}',
      '{"constructor":{"prototype":{"x":1}},"type":"clue"}',
      '{"type":42,"input":"nope","expectedVersion":"one","payload":[]}',
      '[]',
      '"\\u0000"',
    ];
    const before = await api.dump();
    const odd: { status: number; what: string; body: unknown }[] = [];
    for (const { method, path: template } of operations) {
      for (const id of ['RC-NONE', '%E0%A4%A', 'C'.repeat(300), '..%2F..%2Fetc']) {
        const path = template.replace(/\{[^}]+\}/g, id);
        const answers = [
          await api.request(method, `${path}?limit=0x10&since=yesterday&__proto__=1`, { as: 'admin' }),
          await api.request(method, path, { headers: { authorization: 'Bearer not-a-token', 'x-receipt-code': '\u00ff'.repeat(10) } }),
          ...(method === 'GET' ? [] : await Promise.all(bodies.map((body) => fetch(`${api.url}${path}`, { method, headers: { authorization: `Bearer ${api.tokens.admin}`, 'content-type': 'application/json' }, body }).then(async (r) => ({ status: r.status, body: (await r.text()) }))))),
        ];
        for (const answer of answers) {
          const body = typeof answer.body === 'string' ? jsonOrText(answer.body) : answer.body;
          const fine = answer.status >= 400 && answer.status < 500 && typeof body === 'object' && body !== null && 'code' in body && 'message' in body && 'details' in body;
          // a GET that needs no input may answer 200 (the docs, health, metrics, lists without bad input)
          if (!fine && !(answer.status === 200 && method === 'GET')) odd.push({ status: answer.status, what: `${method} ${path}`, body });
        }
      }
    }
    expect(odd).toEqual([]);
    expect(await api.dump()).toEqual(before);
  });
});
