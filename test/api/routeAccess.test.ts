/**
 * Who may call which route: every route that needs a token answers 401 without one (or with an
 * unknown or revoked one), and 403 FORBIDDEN_ROLE to every role outside its list. The routes and
 * their role lists are read from the OpenAPI document, so a new route is covered when it is added.
 */
import { PEOPLE, startApi, clueInput, type ApiFixture, type Person } from './support/server';

interface Operation {
  method: string;
  path: string;
  roles: string[] | null;
}

async function operations(api: ApiFixture, caseId: string): Promise<Operation[]> {
  const doc = (await api.request('GET', '/openapi.json')).body as { paths: Record<string, Record<string, { 'x-roles'?: string[] }>> };
  return Object.entries(doc.paths).flatMap(([path, ops]) =>
    Object.entries(ops).map(([method, op]) => ({ method: method.toUpperCase(), path: path.replace('{id}', path.startsWith('/auth/tokens') ? 'tok_0' : caseId), roles: op['x-roles'] ?? null })),
  );
}

describe('route access', () => {
  let api: ApiFixture;
  let caseId: string;
  beforeAll(async () => {
    api = await startApi();
    caseId = (await api.request('POST', '/cases', { as: 'clerk', body: { type: 'clue', input: clueInput() } })).body.id as string;
  });
  afterAll(() => api.close());

  test('every route either is public or names its roles', async () => {
    const ops = await operations(api, caseId);
    const publicOps = ops.filter((o) => o.roles === null).map((o) => `${o.method} ${o.path}`);
    expect(publicOps.sort()).toEqual(['GET /docs', 'GET /healthz', 'GET /openapi.json', 'GET /public/clues/status', 'GET /readyz', 'POST /auth/token-sign-in', 'POST /public/clues', 'POST /public/clues/info']);
  });

  test('no token, a malformed header, an unknown token or a revoked token: 401 UNAUTHENTICATED', async () => {
    const revoked = await api.accounts.createToken('li.wei');
    await api.accounts.revokeToken(revoked.id);
    for (const op of (await operations(api, caseId)).filter((o) => o.roles)) {
      for (const headers of [{} as Record<string, string>, { authorization: 'Basic abc' }, { authorization: 'Bearer cf_not-a-token' }, { authorization: `Bearer ${revoked.token}` }]) {
        const reply = await api.request(op.method, op.path, { headers });
        expect({ op: `${op.method} ${op.path}`, status: reply.status, code: reply.body.code }).toEqual({
          op: `${op.method} ${op.path}`,
          status: 401,
          code: 'UNAUTHENTICATED',
        });
      }
    }
    const missing = await api.request('GET', '/cases');
    expect(missing.body.details).toEqual({ reason: 'missing' });
    expect(missing.body.message).toMatch(/Authorization: Bearer/);
  });

  test('every role outside a route’s list: 403 FORBIDDEN_ROLE naming the roles that may', async () => {
    let checked = 0;
    for (const op of (await operations(api, caseId)).filter((o) => o.roles)) {
      for (const [person, { role }] of Object.entries(PEOPLE) as [Person, (typeof PEOPLE)[Person]][]) {
        if (op.roles!.includes(role)) continue;
        const reply = await api.request(op.method, op.path, { as: person, body: op.method === 'GET' ? undefined : {} });
        expect({ op: `${op.method} ${op.path}`, person, status: reply.status, code: reply.body.code }).toEqual({
          op: `${op.method} ${op.path}`,
          person,
          status: 403,
          code: 'FORBIDDEN_ROLE',
        });
        expect(reply.body.details.allowed).toEqual(op.roles);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(40);
  });

  test('an official reads no casework and a clerk no supervision reports', async () => {
    const reply = await api.request('GET', `/cases/${caseId}`, { as: 'official' });
    expect(reply.status).toBe(403);
    const supervision = await api.request('GET', '/supervision/overdue', { as: 'clerk' });
    expect(supervision.status).toBe(403);
    expect(supervision.body.message).toMatch(/intakeClerk.*may not.*Roles that may: supervisor, admin/);
  });
});
