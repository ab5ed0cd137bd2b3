/**
 * Extending a deadline over HTTP: within the office's bound, past its four-eyes threshold only a
 * request that a different approver grants, and every refusal in caseflow's one error shape.
 * The default office: at most 10 working days past the original due moment, more than 5 need four eyes.
 */
import { extensionAnswer } from '../../src/api/schemas';
import { rectificationInput, sendEvent, startApi, type ApiFixture } from './support/server';

describe('deadline extensions over HTTP', () => {
  let api: ApiFixture;
  let caseId: string;
  let deadlineId: string;
  beforeEach(async () => {
    api = await startApi();
    caseId = (await api.request('POST', '/cases', { as: 'supervisor', body: { type: 'rectification', input: rectificationInput() } })).body.id as string;
    const notified = await sendEvent(api, 'supervisor', caseId, 'NOTIFY_UNIT', { liaisonId: 'zhou.min' });
    deadlineId = (notified.body.case.deadlines as { id: string; kind: string }[]).find((d) => d.kind === 'rectificationPlanDue')!.id;
  });
  afterEach(() => api.close());

  const extend = (until: string, as: 'supervisor' | 'liaison' = 'supervisor') =>
    api.request('POST', `/deadlines/${encodeURIComponent(deadlineId)}/extensions`, { as, body: { until, reason: 'The unit head is away' } });
  const approve = (requestId: number, as: 'supervisor' | 'chair') =>
    api.request('POST', `/deadlines/${encodeURIComponent(deadlineId)}/extension-requests/${requestId}/approval`, { as });

  test('an extension of a few hours is granted by one approver; the original due moment is kept', async () => {
    const reply = await extend('2026-11-25T23:00:00+08:00');
    expect(reply.status).toBe(200);
    expect(extensionAnswer.strict().parse(reply.body)).toEqual(reply.body);
    expect(reply.body).toMatchObject({ dueAt: '2026-11-25T15:00:00.000Z', originalDueAt: '2026-11-25T13:00:00.000Z', pendingExtension: null });
  });

  test('more than 5 working days waits for a second approver; past 10 is refused; the asker cannot approve', async () => {
    const before = await api.engine.history(caseId);
    const tooFar = await extend('2026-12-10T12:00:00+08:00');
    expect(tooFar.status).toBe(422);
    expect(tooFar.body).toMatchObject({ code: 'EXTENSION_BEYOND_LIMIT', details: { latestAllowed: '2026-12-09T15:59:59.999Z' } });
    expect(await api.engine.history(caseId)).toEqual(before);

    const requested = await extend('2026-12-03T12:00:00+08:00');
    expect(requested.status).toBe(200);
    expect(requested.body).toMatchObject({ dueAt: '2026-11-25T13:00:00.000Z', pendingExtension: { until: '2026-12-03T04:00:00.000Z', requestedBy: { id: 'li.wei' } } });
    const requestId = requested.body.pendingExtension.requestId as number;

    const self = await approve(requestId, 'supervisor');
    expect(self.status).toBe(403);
    expect(self.body).toMatchObject({ code: 'SECOND_APPROVER_REQUIRED', message: expect.stringContaining('different person') });
    const granted = await approve(requestId, 'chair');
    expect(granted.status).toBe(200);
    expect(granted.body).toMatchObject({ dueAt: '2026-12-03T04:00:00.000Z', originalDueAt: '2026-11-25T13:00:00.000Z', pendingExtension: null });
    expect((await approve(requestId, 'chair')).body).toMatchObject({ code: 'EXTENSION_REQUEST_NOT_PENDING' });
  });

  test('a unit liaison extends nothing', async () => {
    expect((await extend('2026-11-25T23:00:00+08:00', 'liaison')).status).toBe(403);
  });
});
