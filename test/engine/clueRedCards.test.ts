/**
 * No silent red card on a clue: every clue limit's red card is sent into the case as
 * DEADLINE_ESCALATED, recorded in the case's `escalations`, and puts the case under the supervision
 * of whom the ladder escalates it to (a verification not finished in time is escalated to the
 * Discipline Inspection Commission's supervision). The case stays where it is.
 */
import type { Recipient } from '../../machines/types';
import { chair, clueAboutMaLin, toAcceptance, toConference, toDecision, toReview, toVerification, verifier, type ClueStep as Step } from '../support/clues';
import { clerk, engineFixture, type EngineFixture } from '../support/engine';

const toInvestigation: Step[] = [
  ...toVerification,
  ['ASSIGN_VERIFIER', { verifierId: verifier.id }, chair],
  ['RECORD_FINDINGS', { findings: 'Signs of a breach' }, verifier],
  ['OPEN_FORMAL_INVESTIGATION', { reason: 'A full investigation is needed', standingCommitteeDecision: 'Meeting 2026-7, item 3' }, chair],
];
/** Each clue limit: the steps to its state, the state, whom its red card escalates the case to, and whether the reporter is named. */
const LIMITS: [kind: string, steps: Step[], state: string, to: Recipient[], named: boolean][] = [
  ['clueRegistrationDue', [], 'received', ['disciplineCommission'], false],
  ['clueAcceptanceDue', toAcceptance, 'screening.acceptance', ['disciplineCommission'], false],
  ['clueDisposalDue', toReview, 'screening.collectiveReview', ['disciplineCommission'], false],
  ['clueVerificationDue', toVerification, 'verification', ['disciplineCommission'], false],
  ['clueInvestigationDue', toInvestigation, 'formalInvestigation', ['disciplineCommission'], false],
  ['clueConferenceDue', toConference, 'jointConference', ['disciplineCommission', 'organizationDepartment'], false],
  ['clueOrganizationDepartmentViewDue', toConference, 'jointConference', ['organizationDepartment'], false],
  ['clueDisciplineCommissionViewDue', toConference, 'jointConference', ['disciplineCommission'], false],
  ['clueClosureDue', toDecision, 'decision.admonished', ['disciplineCommission'], false],
  ['clueReporterAnswerDue', toDecision, 'decision.admonished', ['disciplineCommission'], true],
  // the root's limit, from the receipt: escalated wherever the clue then is
  ['clueAcceptanceAnswerDue', toReview, 'screening.collectiveReview', ['disciplineCommission'], true],
];

describe('a red card on a clue limit moves the case as the ladder declares', () => {
  let fx: EngineFixture;
  beforeEach(async () => {
    // a Monday morning in March: every limit below falls within the shipped 2026 calendar
    fx = await engineFixture({}, '2026-03-02T09:00:00+08:00');
  });
  afterEach(() => fx.cleanup());

  /** Fires every step of the case's running `kind` deadline that is due now; answers the steps fired. */
  async function fireDue(caseId: string, kind: string): Promise<string[]> {
    const fired: string[] = [];
    for (;;) {
      const row = (await fx.store.read((tx) => tx.deadlines.ofCase(caseId))).find((d) => d.kind === kind && d.running);
      if (!row || row.nextFireAt === null || row.nextFireAt > fx.clock.now()) return fired;
      const outcome = await fx.engine.deadlines.fire(row.id, row.scheduleRev);
      if (outcome.kind === 'fired') fired.push(outcome.step);
    }
  }

  it.each(LIMITS)('%s: its red card is recorded in the case, which comes under supervision and stays where it is', async (kind, steps, state, to, named) => {
    const { id } = await fx.engine.createCase({
      type: 'clue',
      actor: clerk,
      ...(named ? { input: { ...clueAboutMaLin, anonymous: false }, reporter: { name: 'Zhang Sanfeng' } } : { input: clueAboutMaLin }),
    });
    for (const [type, payload, actor] of steps) {
      fx.clock.advance(60 * 60_000);
      await fx.engine.applyEvent(id, { type, ...payload }, actor);
    }
    expect((await fx.engine.getCase(id)).state).toBe(state);
    fx.clock.advance(120 * 24 * 3600_000);
    expect(await fireDue(id, kind)).toEqual(['remind', 'overdue', 'escalate']);

    const escalated = await fx.engine.getCase(id);
    const at = new Date(fx.clock.now()).toISOString();
    expect(escalated).toMatchObject({ state, status: 'open' });
    expect(escalated.context).toMatchObject({
      escalations: [{ kind, at, level: 1, to }],
      supervision: { by: to, deadlineKind: kind, since: at, level: 1 },
    });
    expect((await fx.engine.history(id)).at(-1)).toMatchObject({
      type: 'DEADLINE_ESCALATED',
      actor: { id: 'deadline-worker' },
      fromState: state,
      toState: state,
      payload: { deadlineKind: kind, escalatedTo: to },
    });
    // the red card itself is on the deadline, as for every limit
    expect(escalated.deadlines.find((d) => d.kind === kind)).toMatchObject({ warning: 'red', status: 'overdue', escalationLevel: 1 });
  });
});
