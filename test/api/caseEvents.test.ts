/**
 * What sending an event answers: 200 with the case and the logged event; 409 when the event is
 * not allowed in the case's state or would change nothing; 422 when a rule of the procedure
 * refuses it. Every refusal stores nothing.
 */
import { clueInput, sendEvent, startApi, type ApiFixture } from './support/server';

describe('sending events', () => {
  let api: ApiFixture;
  let id: string;
  beforeEach(async () => {
    api = await startApi();
    id = (await api.request('POST', '/cases', { as: 'clerk', body: { type: 'clue', input: clueInput() } })).body.id as string;
  });
  afterEach(() => api.close());

  /** Sends and expects a refusal that stores nothing. */
  async function refusedEvent(person: 'clerk' | 'chair', type: string, payload: Record<string, unknown>, status: number, code: string) {
    const before = await api.dump();
    const reply = await sendEvent(api, person, id, type, payload);
    expect({ status: reply.status, code: reply.body.code }).toEqual({ status, code });
    expect(await api.dump()).toEqual(before);
    return reply.body as { message: string; details: Record<string, unknown> };
  }

  test('200: the case after the event and the event as logged', async () => {
    const reply = await sendEvent(api, 'clerk', id, 'REGISTER', { clueNumber: 'XS-2026-0001', handlerId: 'wang.fang' });
    expect(reply.status).toBe(200);
    expect(reply.body.case).toMatchObject({ id, state: 'screening.acceptance', version: 2, allowedEvents: ['ACCEPT', 'DECLARE_OUT_OF_SCOPE', 'FORWARD_TO_COMMISSION'] });
    expect(reply.body.event).toMatchObject({ type: 'REGISTER', version: 2, actor: { id: 'wang.fang', role: 'intakeClerk' }, at: new Date(api.clock.now()).toISOString() });
  });

  test('409 EVENT_NOT_ALLOWED: not in this state, or no such event', async () => {
    const body = await refusedEvent('clerk', 'CLOSE', {}, 409, 'EVENT_NOT_ALLOWED');
    expect(body.details).toEqual({ caseId: id, event: 'CLOSE', state: 'received', allowed: ['DEADLINE_ESCALATED', 'REGISTER'] });
    await refusedEvent('clerk', 'FLY_AWAY', {}, 409, 'EVENT_NOT_ALLOWED');
  });

  test('422 GUARD_REJECTED: the rule that refused it is named', async () => {
    const body = await refusedEvent('clerk', 'REGISTER', { clueNumber: 'XS-2026-0001', handlerId: 'he.ping' }, 422, 'GUARD_REJECTED');
    expect(body.details.rules).toEqual([
      { guard: 'appointeeIsNotSubject', rule: 'The official reported cannot be named handler or verifier of the clue about them' },
    ]);
    await sendEvent(api, 'clerk', id, 'REGISTER', { clueNumber: 'XS-2026-0001', handlerId: 'wang.fang' });
    const noReason = await refusedEvent('chair', 'DECLARE_OUT_OF_SCOPE', {}, 422, 'GUARD_REJECTED');
    expect(noReason.message).toContain('A decision needs a reason');
  });

  test('409 NO_CHANGE: an event that would change nothing is not recorded', async () => {
    await sendEvent(api, 'clerk', id, 'REGISTER', { clueNumber: 'XS-2026-0001', handlerId: 'wang.fang' });
    await sendEvent(api, 'clerk', id, 'ACCEPT');
    await sendEvent(api, 'chair', id, 'CHOOSE_DISPOSAL', { route: 'preliminaryVerification', reason: 'Checkable' });
    expect((await sendEvent(api, 'chair', id, 'ASSIGN_VERIFIER', { verifierId: 'liu.yang' })).status).toBe(200);
    await refusedEvent('chair', 'ASSIGN_VERIFIER', { verifierId: 'liu.yang' }, 409, 'NO_CHANGE');
  });
});
