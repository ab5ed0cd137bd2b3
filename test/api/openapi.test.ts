/**
 * The OpenAPI document: every route in it (and every documented operation served), request schemas
 * generated from the very zod schemas the engine validates with, errors in the one shape; and the
 * docs page that renders it.
 */
import { caseDefinitions } from '../../machines';
import { clueInput } from '../../machines/clue';
import { jsonSchemaOf } from '../../src/api/openapi';
import { startApi, type ApiFixture, type Json } from './support/server';

describe('the OpenAPI document', () => {
  let api: ApiFixture;
  let doc: Json;
  beforeAll(async () => {
    api = await startApi();
    const reply = await api.request('GET', '/openapi.json');
    expect(reply.status).toBe(200);
    doc = reply.body;
  });
  afterAll(() => api.close());

  test('documents every endpoint, and every documented operation is served', () => {
    expect(doc.openapi).toBe('3.1.0');
    const ops = Object.entries(doc.paths as Record<string, Record<string, unknown>>).flatMap(([path, methods]) => Object.keys(methods).map((m) => `${m.toUpperCase()} ${path}`));
    expect(ops.sort()).toEqual(
      [
        'POST /cases',
        'GET /cases',
        'GET /cases/{id}',
        'POST /cases/{id}/events',
        'GET /cases/{id}/history',
        'GET /cases/{id}/reporter-messages',
        'GET /cases/{id}/applicant-status',
        'POST /cases/{id}/identity-requests',
        'GET /cases/{id}/identity-requests',
        'GET /identity-requests',
        'POST /cases/{id}/identity-requests/{requestId}/decision',
        'POST /cases/{id}/identity-requests/{requestId}/reveal',
        'POST /deadlines/{id}/extensions',
        'POST /admin/calendar-years',
        'POST /admin/migrations/plan',
        'POST /admin/migrations/apply',
        'POST /deadlines/{id}/extension-requests/{requestId}/approval',
        'POST /deadlines/{id}/suspension',
        'POST /deadlines/{id}/resumption',
        'POST /deadlines/{id}/urgings',
        'GET /supervision/overdue',
        'GET /supervision/card-consequences',
        'GET /supervision/adjustment-reviews',
        'GET /supervision/escalations',
        'GET /supervision/on-time-rates',
        'GET /supervision/warning-cards',
        'GET /supervision/state-counts',
        'POST /public/clues',
        'GET /public/clues/status',
        'POST /public/clues/info',
        'GET /auth/me',
        'GET /auth/users',
        'POST /auth/users',
        'POST /auth/tokens',
        'POST /auth/token-sign-in',
        'DELETE /auth/tokens/{id}',
        'GET /audit/verify',
        'GET /openapi.json',
        'GET /docs',
        'GET /healthz',
        'GET /readyz',
        'GET /metrics',
      ].sort(),
    );
    for (const op of ops) {
      const [method, path] = op.split(' ') as [string, string];
      expect({ op, served: api.server.hasRoute({ method, url: path.replace(/\{(\w+)\}/g, ':$1') }) }).toEqual({ op, served: true });
    }
    const ids = Object.values(doc.paths as Record<string, Record<string, { operationId: string }>>).flatMap((m) => Object.values(m).map((o) => o.operationId));
    expect(new Set(ids).size).toBe(ids.length);
  });

  test('case inputs and event payloads are the engine’s own zod schemas, converted', () => {
    const create = doc.paths['/cases'].post.requestBody.content['application/json'].schema;
    for (const d of caseDefinitions) {
      const variant = create.oneOf.find((v: Json) => v.properties.type.const === d.type);
      expect(variant.properties.input).toEqual(jsonSchemaOf(d.input));
      expect(variant.description).toContain(d.createRoles.join(', '));
    }
    const send = doc.paths['/cases/{id}/events'].post.requestBody.content['application/json'].schema;
    const count = caseDefinitions.reduce((n, d) => n + Object.keys(d.events).length, 0);
    expect(send.oneOf).toHaveLength(count);
    const register = send.oneOf.find((v: Json) => v.title === 'clue: REGISTER');
    expect(register.properties.payload).toEqual(jsonSchemaOf(caseDefinitions.find((d) => d.type === 'clue')!.events.REGISTER!.payload));
    expect(register.description).toContain('Roles: intakeClerk');
    const publicBody = doc.paths['/public/clues'].post.requestBody.content['application/json'].schema;
    expect(publicBody.properties.aspect).toEqual(jsonSchemaOf(clueInput.shape.aspect));
    expect(publicBody.properties.aspect.enum).toContain('slowResponseToPublic');
    expect(publicBody.additionalProperties).toBe(false);
  });

  test('errors share one schema; tokens, roles and limits are stated', () => {
    expect(doc.components.schemas.Error.required.sort()).toEqual(['code', 'details', 'message']);
    const events = doc.paths['/cases/{id}/events'].post;
    expect(Object.keys(events.responses).sort()).toEqual(['200', '400', '401', '403', '404', '409', '413', '415', '422']);
    expect(events.responses['409'].content['application/json'].schema).toEqual({ $ref: '#/components/schemas/Error' });
    expect(events.security).toEqual([{ bearerAuth: [] }]);
    const intake = doc.paths['/public/clues'].post;
    expect(intake.security).toEqual([]);
    expect(Object.keys(intake.responses)).toContain('429');
    const status = doc.paths['/public/clues/status'].get;
    expect(status.parameters).toEqual([expect.objectContaining({ name: 'x-receipt-code', in: 'header' })]);
    const list = doc.paths['/cases'].get;
    expect(list.parameters.map((p: { name: string }) => p.name)).toEqual(['type', 'state', 'unit', 'assignee', 'status', 'overdue', 'dueBefore', 'limit', 'cursor']);
    expect(doc.info.description).toContain('VERSION_CONFLICT 409');
  });

  test('GET /docs is a self-contained page that renders the document', async () => {
    const page = await api.request('GET', '/docs');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(page.body).toContain("fetch('/openapi.json')");
    expect(page.body).not.toMatch(/<script src=|<link [^>]*href="http/);
  });
});
