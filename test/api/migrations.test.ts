/**
 * POST /admin/migrations/plan and /apply: an admin plans a policy change over HTTP (the plan review
 * limit from 1 to 2 working days), sees the rectification under review move, applies the plan as
 * reviewed, and the case's history shows POLICY_CHANGED; a stale plan is 409, others are refused.
 */
import { criticism, supervisor, liaison } from '../support/engine';
import { startApi, type ApiFixture } from './support/server';

describe('admins migrate cases over HTTP', () => {
  let api: ApiFixture;
  beforeEach(async () => {
    api = await startApi();
  });
  afterEach(() => api.close());

  const policy = { limits: { planReviewDue: { limit: { kind: 'workingDays', days: 2 }, basis: 'Office rule 4: a plan is reviewed within two working days' } } };

  test('plan, apply as reviewed, and the history shows the policy change; applying again moves nothing', async () => {
    const created = await api.engine.createCase({ type: 'rectification', input: criticism(), actor: supervisor });
    const waiting = await api.engine.createCase({ type: 'rectification', input: criticism('Water Bureau'), actor: supervisor });
    await api.engine.applyEvent(created.id, { type: 'NOTIFY_UNIT', liaisonId: liaison.id }, supervisor);
    await api.engine.applyEvent(created.id, { type: 'SUBMIT_PLAN', plan: 'Answer in 3 days', measures: ['a task force'], completionDueAt: '2026-12-20T18:00:00+08:00' }, liaison);

    const planned = await api.request<{ digest: string; summary: { safe: number }; cases: { caseId: string; action: string; deadlines: { kind: string; move: string }[] }[] }>('POST', '/admin/migrations/plan', {
      as: 'admin',
      body: { type: 'rectification', toVersion: 1, policy },
    });
    expect(planned.status).toBe(200);
    expect(planned.body.summary.safe).toBe(1);
    expect(planned.body.cases.find((c) => c.caseId === created.id)).toMatchObject({ action: 'policyChange', deadlines: [expect.objectContaining({ kind: 'planReviewDue', move: '+1 working day' })] });
    expect(planned.body.cases.find((c) => c.caseId === waiting.id)).toMatchObject({ action: 'none' });

    const applied = await api.request('POST', '/admin/migrations/apply', { as: 'admin', body: { plan: planned.body } });
    expect(applied).toMatchObject({ status: 200, body: { planDigest: planned.body.digest, applied: [expect.objectContaining({ caseId: created.id, event: 'POLICY_CHANGED' })] } });
    const history = await api.engine.history(created.id);
    expect(history.at(-1)).toMatchObject({ type: 'POLICY_CHANGED', actor: { id: 'root.admin', role: 'admin' }, payload: expect.objectContaining({ planDigest: planned.body.digest }) });
    const dump = await api.dump();
    expect(await api.request('POST', '/admin/migrations/apply', { as: 'admin', body: { plan: planned.body } })).toMatchObject({ status: 200, body: { applied: [] } });
    expect(await api.dump()).toEqual(dump);
  });

  test('a stale plan is 409 MIGRATION_PLAN_STALE; a supervisor, a bad policy and an unknown version are refused in the one shape', async () => {
    const created = await api.engine.createCase({ type: 'rectification', input: criticism(), actor: supervisor });
    await api.engine.applyEvent(created.id, { type: 'NOTIFY_UNIT', liaisonId: liaison.id }, supervisor);
    await api.engine.applyEvent(created.id, { type: 'SUBMIT_PLAN', plan: 'Answer in 3 days', measures: ['a task force'], completionDueAt: '2026-12-20T18:00:00+08:00' }, liaison);
    const planned = await api.request('POST', '/admin/migrations/plan', { as: 'admin', body: { type: 'rectification', toVersion: 1, policy } });
    await api.engine.applyEvent(created.id, { type: 'SEND_BACK_PLAN', reason: 'Name an owner' }, supervisor);
    const before = await api.dump();
    expect(await api.request('POST', '/admin/migrations/apply', { as: 'admin', body: { plan: planned.body } })).toMatchObject({
      status: 409,
      body: { code: 'MIGRATION_PLAN_STALE', message: expect.stringContaining(`${created.id} (its log moved on)`), details: { stale: [{ caseId: created.id }] } },
    });
    expect(await api.dump()).toEqual(before);
    expect(await api.request('POST', '/admin/migrations/plan', { as: 'supervisor', body: { type: 'rectification', toVersion: 1 } })).toMatchObject({ status: 403, body: { code: 'FORBIDDEN_ROLE' } });
    expect(await api.request('POST', '/admin/migrations/plan', { as: 'admin', body: { type: 'rectification', toVersion: 1, policy: { limits: { planReviewDue: { limit: { kind: 'workingDays', days: 2 } } } } } })).toMatchObject({
      status: 500,
      body: { code: 'INVALID_POLICY', message: expect.stringContaining('limits.planReviewDue.basis') },
    });
    expect(await api.request('POST', '/admin/migrations/plan', { as: 'admin', body: { type: 'rectification', toVersion: 7 } })).toMatchObject({ status: 400, body: { code: 'MIGRATION_TARGET_UNKNOWN', details: { known: [1] } } });
    expect(await api.request('POST', '/admin/migrations/apply', { as: 'admin', body: {} })).toMatchObject({ status: 400, body: { code: 'INVALID_PAYLOAD' } });
  });
});
