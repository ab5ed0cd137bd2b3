/**
 * A red card that the ladder declares as escalation moves the case as the machine says: every event
 * a ladder rung sends is one its state takes (no step silently refused by the machine), every red
 * card tells someone, and a rectification's red cards are recorded in the case and, once the unit
 * has missed three limits, escalate it to the Discipline Inspection Commission.
 */
import { caseDefinitions } from '../../machines';
import type { DeadlineSpec } from '../../machines/types';
import type { Actor } from '../../machines/types';
import { criticism, engineFixture, liaison, supervisor, type EngineFixture } from '../support/engine';

interface StateNode {
  on?: Record<string, unknown>;
  meta?: { deadlines?: readonly DeadlineSpec[] };
  states?: Record<string, StateNode>;
}

/** Every ladder rung of every case type, with the events its state (or an ancestor) takes. */
function rungs(): { where: string; spec: DeadlineSpec; step: DeadlineSpec['ladder'][number]; takes: string[] }[] {
  const found: ReturnType<typeof rungs> = [];
  for (const d of caseDefinitions) {
    const visit = (node: StateNode, path: string, inherited: string[]) => {
      const takes = [...inherited, ...Object.keys(node.on ?? {})];
      for (const spec of node.meta?.deadlines ?? []) for (const step of spec.ladder) found.push({ where: `${path} ${spec.kind}`, spec, step, takes });
      for (const [name, child] of Object.entries(node.states ?? {})) visit(child, `${path}.${name}`, takes);
    };
    visit(d.machine.config as StateNode, d.type, []);
  }
  return found;
}

describe('red cards move the case as the machine says', () => {
  it('every event a ladder rung sends is taken by the state that declares the deadline, and every red card tells someone', () => {
    for (const { where, step, takes } of rungs()) {
      if (step.sendsEvent) expect({ where, step: step.name, taken: takes.includes(step.sendsEvent) }).toEqual({ where, step: step.name, taken: true });
      if (step.warning === 'red') expect({ where, notified: step.notify.length > 0 }).toEqual({ where, notified: true });
    }
    // every clue limit and the unit's own rectification limits send their red card into the machine
    const sent = rungs().filter((r) => r.step.warning === 'red' && r.step.sendsEvent).map((r) => r.where);
    expect(sent).toEqual([
      'clue clueAcceptanceAnswerDue',
      'clue.received clueRegistrationDue',
      'clue.screening.acceptance clueAcceptanceDue',
      'clue.screening.collectiveReview clueDisposalDue',
      'clue.verification clueVerificationDue',
      'clue.formalInvestigation clueInvestigationDue',
      'clue.jointConference clueConferenceDue',
      'clue.jointConference clueOrganizationDepartmentViewDue',
      'clue.jointConference clueDisciplineCommissionViewDue',
      'clue.decision clueClosureDue',
      'clue.decision clueReporterAnswerDue',
      'selfRecommendation.submitted selfRecommendationForwardingDue',
      'rectification.planDue rectificationPlanDue',
      'rectification.planRevision revisedPlanDue',
      'rectification.inProgress rectificationCompletionDue',
    ]);
  });

  describe('on a self-recommendation the channel holds back', () => {
    let fx: EngineFixture;
    beforeEach(async () => {
      fx = await engineFixture();
    });
    afterEach(() => fx.cleanup());

    const candidate: Actor = { id: 'lin.qing', role: 'official' };
    const partyHead: Actor = { id: 'xu.ming', role: 'partyOrganizationHead' };
    const recommendation = {
      candidate: { officialId: candidate.id, name: 'Lin Qing', currentPost: 'Section Chief', unit: 'Municipal Data Bureau' },
      targetPost: 'Deputy Director, Digital Government Services',
      channel: 'partyOrganization',
      channelHolderId: partyHead.id,
      statement: 'Led the one-window reform.',
      evidence: ['2025 annual review: excellent'],
    };

    it('the forwarding limit’s red card hands it to the Organization Department’s eligibility check, and tells the department', async () => {
      const { id } = await fx.engine.createCase({ type: 'selfRecommendation', input: recommendation, actor: candidate });
      expect((await fx.engine.getCase(id)).assignee).toBe(partyHead.id);
      // opened Wednesday 25 November: 5 working days run to the end of Wednesday 2 December, the red card a working day later
      fx.clock.set(Date.parse('2026-12-04T09:00:00+08:00'));
      for (;;) {
        const row = (await fx.store.read((tx) => tx.deadlines.ofCase(id))).find((d) => d.kind === 'selfRecommendationForwardingDue' && d.running);
        if (!row || row.nextFireAt === null || row.nextFireAt > fx.clock.now()) break;
        await fx.engine.deadlines.fire(row.id, row.scheduleRev);
      }
      const moved = await fx.engine.getCase(id);
      expect(moved.state).toBe('eligibilityCheck');
      expect(moved.context).toMatchObject({ forwarding: { by: 'deadline-worker', escalated: true }, missedDeadlines: [{ kind: 'selfRecommendationForwardingDue' }] });
      expect((await fx.engine.history(id)).at(-1)).toMatchObject({ type: 'DEADLINE_ESCALATED', fromState: 'submitted', toState: 'eligibilityCheck' });
      const deadlines = await fx.store.read((tx) => tx.deadlines.ofCase(id));
      expect(deadlines.map((d) => [d.kind, d.status, d.running])).toEqual([
        ['selfRecommendationForwardingDue', 'overdue', false],
        ['eligibilityCheckDue', 'pending', true],
      ]);
      const notices = await fx.store.read((tx) => tx.notifications.ofCase(id));
      expect(notices.filter((n) => n.step === 'escalate').map((n) => n.recipient)).toEqual(['organizationDepartment']);
      // the channel holder can no longer pass it on: it has been taken over
      await expect(fx.engine.applyEvent(id, { type: 'FORWARD' }, partyHead)).rejects.toMatchObject({ code: 'EVENT_NOT_ALLOWED' });
    });

    it('a recommendation made to the Organization Department opens at its eligibility check, with no forwarding limit', async () => {
      const { id } = await fx.engine.createCase({
        type: 'selfRecommendation',
        input: { ...recommendation, channel: 'organizationDepartment', channelHolderId: undefined },
        actor: candidate,
      });
      expect((await fx.engine.getCase(id)).state).toBe('eligibilityCheck');
      expect((await fx.store.read((tx) => tx.deadlines.ofCase(id))).map((d) => d.kind)).toEqual(['eligibilityCheckDue']);
    });

    it('only the holder of the channel passes it on: another Party organization head is refused by rule', async () => {
      const { id } = await fx.engine.createCase({ type: 'selfRecommendation', input: recommendation, actor: candidate });
      await expect(fx.engine.applyEvent(id, { type: 'FORWARD' }, { id: 'qian.hu', role: 'partyOrganizationHead' })).rejects.toMatchObject({ code: 'CASE_NOT_FOUND' });
      await expect(fx.engine.applyEvent(id, { type: 'FORWARD' }, { id: 'qian.hua', role: 'organizationDepartment' })).rejects.toMatchObject({
        code: 'GUARD_REJECTED',
        details: expect.objectContaining({ rules: [expect.objectContaining({ guard: 'holdsChannel' })] }),
      });
      await fx.engine.applyEvent(id, { type: 'FORWARD', note: 'Passed on unopened' }, partyHead);
      expect((await fx.engine.getCase(id)).state).toBe('eligibilityCheck');
    });
  });

  describe('on a rectification', () => {
    let fx: EngineFixture;
    beforeEach(async () => {
      fx = await engineFixture();
    });
    afterEach(() => fx.cleanup());

    async function fireDue(caseId: string, kind: string): Promise<void> {
      for (;;) {
        const row = (await fx.store.read((tx) => tx.deadlines.ofCase(caseId))).find((d) => d.kind === kind && d.running);
        if (!row || row.nextFireAt === null || row.nextFireAt > fx.clock.now()) return;
        await fx.engine.deadlines.fire(row.id, row.scheduleRev);
      }
    }

    it('the red card on a missed plan is recorded in the case; the third missed limit’s red card escalates it', async () => {
      const { id } = await fx.engine.createCase({ type: 'rectification', input: criticism(), actor: supervisor });
      await fx.engine.applyEvent(id, { type: 'NOTIFY_UNIT', liaisonId: liaison.id }, supervisor);
      fx.clock.set(Date.parse('2026-11-25T21:30:00+08:00'));
      await fireDue(id, 'rectificationPlanDue');
      const first = await fx.engine.getCase(id);
      expect(first.state).toBe('planDue');
      expect(first.context).toMatchObject({ escalationLevel: 1, escalations: [{ kind: 'rectificationPlanDue', at: '2026-11-25T13:30:00.000Z', level: 1 }] });
      expect((await fx.engine.history(id)).at(-1)).toMatchObject({ type: 'DEADLINE_ESCALATED', actor: { id: 'deadline-worker' }, fromState: 'planDue', toState: 'planDue' });

      // late plan, sent back; the revision is missed too (level 2), then accepted late; the completion date is missed (level 3)
      await fx.engine.applyEvent(id, { type: 'SUBMIT_PLAN', plan: 'A plan', measures: ['a measure'], completionDueAt: '2026-12-10T18:00:00+08:00' }, liaison);
      await fx.engine.applyEvent(id, { type: 'SEND_BACK_PLAN', reason: 'No owner named' }, supervisor);
      fx.clock.set(Date.parse('2026-11-28T09:00:00+08:00'));
      await fireDue(id, 'revisedPlanDue');
      expect((await fx.engine.getCase(id)).context).toMatchObject({ escalationLevel: 2 });
      await fx.engine.applyEvent(id, { type: 'SUBMIT_PLAN', plan: 'A plan with owners', measures: ['a measure'], completionDueAt: '2026-12-10T18:00:00+08:00' }, liaison);
      await fx.engine.applyEvent(id, { type: 'ACCEPT_PLAN', reason: 'Owners named' }, supervisor);
      fx.clock.set(Date.parse('2026-12-14T09:00:00+08:00'));
      await fireDue(id, 'rectificationCompletionDue');
      const escalated = await fx.engine.getCase(id);
      expect(escalated).toMatchObject({ state: 'escalated', status: 'closed' });
      expect(escalated.context).toMatchObject({
        escalationLevel: 3,
        outcome: { decision: 'escalated', reason: 'Escalated by the deadline ladder: a red card on rectificationCompletionDue at escalation level 3', by: 'deadline-worker' },
      });
    });
  });
});
