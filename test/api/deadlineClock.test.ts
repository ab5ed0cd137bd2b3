/**
 * A deadline's clock over HTTP, as `caseflow deadline suspend|resume|urge` and `extend --until 2h`
 * use it: stopped and started by an approver, urged on by a supervisor, each in the case log with
 * the token's user as its actor, and refused in caseflow's one error shape to anyone else.
 */
import { deadlineAnswer, extensionAnswer } from '../../src/api/schemas';
import { rectificationInput, sendEvent, startApi, type ApiFixture } from './support/server';

describe('a deadline’s clock over HTTP', () => {
  let api: ApiFixture;
  let caseId: string;
  let deadlineId: string;
  let at: string;
  beforeEach(async () => {
    api = await startApi();
    caseId = (await api.request('POST', '/cases', { as: 'supervisor', body: { type: 'rectification', input: rectificationInput() } })).body.id as string;
    const notified = await sendEvent(api, 'supervisor', caseId, 'NOTIFY_UNIT', { liaisonId: 'zhou.min' });
    deadlineId = (notified.body.case.deadlines as { id: string; kind: string }[]).find((d) => d.kind === 'rectificationPlanDue')!.id;
    at = `/deadlines/${encodeURIComponent(deadlineId)}`;
  });
  afterEach(() => api.close());

  test('an approver stops and starts the clock; a supervisor urges the unit on; each is logged with its actor', async () => {
    const suspended = await api.request('POST', `${at}/suspension`, { as: 'supervisor', body: { reason: 'waiting on the city archive' } });
    expect(suspended.status).toBe(200);
    expect(deadlineAnswer.strict().parse(suspended.body)).toEqual(suspended.body);
    expect(suspended.body).toMatchObject({ id: deadlineId, suspended: true });
    const resumed = await api.request('POST', `${at}/resumption`, { as: 'supervisor' });
    expect(resumed.body).toMatchObject({ id: deadlineId, suspended: false });
    const urged = await api.request('POST', `${at}/urgings`, { as: 'supervisor', body: { note: 'the plan is due' } });
    expect(urged.status).toBe(200);
    const log = (await api.engine.history(caseId)).slice(-3);
    expect(log.map((e) => [e.type, e.actor.id, e.actor.role])).toEqual([
      ['DEADLINE_SUSPENDED', 'li.wei', 'supervisor'],
      ['DEADLINE_RESUMED', 'li.wei', 'supervisor'],
      ['URGED', 'li.wei', 'supervisor'],
    ]);
  });

  test('an extension by minutes moves the deadline from its current due time; until and byMinutes together are refused', async () => {
    const byTwoHours = await api.request('POST', `${at}/extensions`, { as: 'supervisor', body: { byMinutes: 120, reason: 'power cut' } });
    expect(byTwoHours.status).toBe(200);
    expect(extensionAnswer.strict().parse(byTwoHours.body)).toEqual(byTwoHours.body);
    expect(byTwoHours.body).toMatchObject({ dueAt: '2026-11-25T15:00:00.000Z', originalDueAt: '2026-11-25T13:00:00.000Z' });
    const before = await api.engine.history(caseId);
    const both = await api.request('POST', `${at}/extensions`, { as: 'supervisor', body: { byMinutes: 60, until: '2026-11-25T23:30:00+08:00', reason: 'power cut' } });
    expect(both.status).toBe(400);
    expect(both.body).toMatchObject({ code: 'INVALID_PAYLOAD', details: { issues: [{ path: 'until' }] } });
    expect(await api.engine.history(caseId)).toEqual(before);
  });

  test('the unit liaison may neither stop the clock nor urge; nothing is logged', async () => {
    const before = await api.engine.history(caseId);
    const stop = await api.request('POST', `${at}/suspension`, { as: 'liaison', body: { reason: 'we are busy' } });
    expect(stop.status).toBe(403);
    expect(stop.body).toMatchObject({ code: 'FORBIDDEN_ROLE' });
    const urge = await api.request('POST', `${at}/urgings`, { as: 'liaison', body: {} });
    expect(urge.status).toBe(403);
    expect(await api.engine.history(caseId)).toEqual(before);
  });
});
