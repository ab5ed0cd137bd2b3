/**
 * Urging a unit on a running deadline (催办): a supervisor's command through the one write path. It
 * records a URGED entry in the case log and queues an urging notice to the case's assignee, and
 * leaves the deadline's schedule alone. Other roles, hidden cases, cases about the urger and
 * deadlines no longer running are refused, and a refusal stores nothing.
 */
import { clerk, criticism, engineFixture, liaison, supervisor, type EngineFixture } from '../support/engine';

const MINUTE = 60_000;

describe('urging a unit on a deadline', () => {
  let fx: EngineFixture;
  let caseId: string;
  let deadlineId: string;
  beforeEach(async () => {
    fx = await engineFixture();
    caseId = (await fx.engine.createCase({ type: 'rectification', input: criticism(), actor: supervisor })).id;
    const { case: due } = await fx.engine.applyEvent(caseId, { type: 'NOTIFY_UNIT', liaisonId: liaison.id }, supervisor);
    deadlineId = due.deadlines.find((d) => d.kind === 'rectificationPlanDue')!.id;
  });
  afterEach(() => fx.cleanup());

  it('logs URGED with the urger, the deadline and how late it is, and queues one notice to the assignee; the schedule stays', async () => {
    fx.clock.advance(75 * MINUTE); // 21:15, a quarter of an hour late
    const before = (await fx.engine.getCase(caseId)).deadlines.find((d) => d.id === deadlineId)!;
    const after = await fx.engine.deadlines.urge(deadlineId, { note: 'Send the plan tonight' }, supervisor);
    expect(after).toEqual(before);
    const entry = (await fx.engine.history(caseId)).at(-1)!;
    expect(entry).toMatchObject({ kind: 'urged', type: 'URGED', actor: supervisor, at: '2026-11-25T13:15:00.000Z', version: 2 });
    expect(entry.payload).toEqual({ deadlineId, deadlineKind: 'rectificationPlanDue', dueAt: '2026-11-25T13:00:00.000Z', lateByMs: 15 * MINUTE, note: 'Send the plan tonight' });
    const notices = (await fx.store.read((tx) => tx.notifications.ofCase(caseId))).filter((n) => n.step?.startsWith('urged@'));
    expect(notices).toEqual([
      expect.objectContaining({ recipient: 'assignee', deadlineId, status: 'pending', subject: `[urge] rectificationPlanDue of case ${caseId}: the supervisor urges you to act` }),
    ]);
    expect(notices[0]!.body).toContain('15 minutes late. Send the plan tonight');
    expect((await fx.engine.getCase(caseId)).version).toBe(2);

    fx.clock.advance(MINUTE);
    await fx.engine.deadlines.urge(deadlineId, {}, supervisor);
    expect((await fx.engine.history(caseId)).filter((e) => e.type === 'URGED')).toHaveLength(2);
    expect((await fx.store.read((tx) => tx.notifications.ofCase(caseId))).filter((n) => n.step?.startsWith('urged@'))).toHaveLength(2);
  });

  it('refuses other roles, unknown and closed deadlines, and cases about the urger, storing nothing', async () => {
    const before = await fx.dump();
    await expect(fx.engine.deadlines.urge(deadlineId, {}, clerk)).rejects.toMatchObject({ code: 'FORBIDDEN_ROLE' });
    await expect(fx.engine.deadlines.urge('dl-none', {}, supervisor)).rejects.toMatchObject({ code: 'DEADLINE_NOT_FOUND' });
    await expect(fx.engine.deadlines.urge(deadlineId, { note: 'x'.repeat(1001) }, supervisor)).rejects.toMatchObject({ code: 'INVALID_PAYLOAD' });
    expect(await fx.dump()).toEqual(before);

    await fx.engine.applyEvent(caseId, { type: 'SUBMIT_PLAN', plan: 'Open a lane', measures: ['lane'], completionDueAt: '2026-12-20T18:00:00+08:00' }, liaison);
    const closed = await fx.dump();
    await expect(fx.engine.deadlines.urge(deadlineId, {}, supervisor)).rejects.toMatchObject({ code: 'DEADLINE_NOT_FOUND' });
    expect(await fx.dump()).toEqual(closed);
  });

  it('a case about the urger is refused (403, as the policy says for every change), while another supervisor or an admin may urge it', async () => {
    const about = await fx.engine.createCase({ type: 'clue', input: { aspect: 'slowResponseToPublic', summary: 'No answer', channel: 'hotline', anonymous: true, subject: { officialId: 'li.wei', name: 'Li Wei', post: 'Supervisor', unit: 'Office' } }, actor: clerk });
    const clueDeadline = about.deadlines[0]!.id;
    await expect(fx.engine.deadlines.urge(clueDeadline, {}, supervisor)).rejects.toMatchObject({ code: 'FORBIDDEN_ROLE' });
    await expect(fx.engine.deadlines.urge(clueDeadline, {}, { id: 'zhou.min', role: 'unitLiaison' })).rejects.toMatchObject({ code: 'FORBIDDEN_ROLE' });
    await expect(fx.engine.deadlines.urge(clueDeadline, {}, { id: 'root.admin', role: 'admin' })).resolves.toMatchObject({ id: clueDeadline });
  });
});
