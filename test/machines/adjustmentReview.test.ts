/**
 * The adjustment review machine, with XState's pure transitions: the Organization Department
 * records its finding, then decides one of three outcomes; a decision needs a reason and a finding;
 * nobody reviews themself; the review has 20 working days, owned by the office.
 */
import { initialTransition, transition, type SnapshotFrom } from 'xstate';
import { adjustmentReview, adjustmentReviewInput, REVIEW_OUTCOMES, type AdjustmentReviewEvent } from '../../machines/adjustmentReview';
import type { Actor } from '../../machines/types';
import { declaredLimits } from '../../src/officePolicy';

type Snap = SnapshotFrom<typeof adjustmentReview.machine>;
/** An event as a caseworker sends it: the engine adds who and when. */
type Sent = { [K in AdjustmentReviewEvent['type']]: Omit<Extract<AdjustmentReviewEvent, { type: K }>, 'at' | 'actor'> }[AdjustmentReviewEvent['type']];

const od: Actor = { id: 'zhao.lei', role: 'organizationDepartment' };
const at = '2026-11-20T10:00:00.000Z';
const input = adjustmentReviewInput.parse({
  subject: { officialId: 'Ma.Lin', name: 'Ma Lin', unit: 'Municipal Housing Bureau' },
  pattern: 'repeatedAdmonishments',
  summary: 'Admonished twice within 12 months',
  basis: 'Adjustment follows only after a warning failed',
  triggeredBy: [
    { caseId: 'CL-1', type: 'clue', finding: 'admonished on 2026-03-02' },
    { caseId: 'CL-2', type: 'clue', finding: 'admonished on 2026-11-02' },
  ],
});

const opened = (): Snap =>
  initialTransition(adjustmentReview.machine, { ...input, caseId: 'AR-1', openedAt: at, openedBy: { id: 'linked-cases', role: 'system' } })[0];
const send = (snap: Snap, event: Sent, actor: Actor = od): Snap =>
  transition(adjustmentReview.machine, snap, { ...event, actor, at })[0];
const withFinding = () => send(opened(), { type: 'RECORD_FINDING', finding: 'No change at the window after two admonishments' });

describe('the adjustment review machine', () => {
  it('opens awaiting the department’s finding, about the official in canonical form', () => {
    const snap = opened();
    expect(snap.value).toEqual({ review: 'opened' });
    expect(snap.context.subject.officialId).toBe('ma.lin');
    expect(adjustmentReview.index(snap.context)).toEqual({ unit: null, assignee: null, subjectId: 'ma.lin', timeZone: 'Asia/Shanghai' });
  });

  it('is not decided before a finding is recorded', () => {
    expect(send(opened(), { type: 'DECIDE', outcome: 'adjusted', reason: 'Repeated' }).value).toEqual({ review: 'opened' });
  });

  it.each(REVIEW_OUTCOMES)('after the finding, the department decides %s with a reason', (outcome) => {
    const decided = send(withFinding(), { type: 'DECIDE', outcome, reason: 'Weighed against the record' });
    expect(decided.value).toBe(outcome);
    expect(decided.status).toBe('done');
    expect(decided.context.outcome).toMatchObject({ result: outcome, reason: 'Weighed against the record', by: 'zhao.lei' });
  });

  it('a decision without a reason is refused', () => {
    expect(send(withFinding(), { type: 'DECIDE', outcome: 'adjusted', reason: ' ' }).value).toEqual({ review: 'findingRecorded' });
  });

  it('a finding recorded again is appended: the latest counts, the earlier one stays', () => {
    const again = send(withFinding(), { type: 'RECORD_FINDING', finding: 'The window now answers within a week' });
    expect(again.context.findings.map((f) => f.finding)).toEqual(['No change at the window after two admonishments', 'The window now answers within a week']);
  });

  it('nobody records a finding on or decides their own review, however the id is spelled', () => {
    expect(send(opened(), { type: 'RECORD_FINDING', finding: 'Fine' }, { id: 'MA.LIN', role: 'organizationDepartment' }).context.findings).toEqual([]);
    expect(send(withFinding(), { type: 'DECIDE', outcome: 'dismissed', reason: 'Fine' }, { id: 'ma.lin', role: 'organizationDepartment' }).value).toEqual({ review: 'findingRecorded' });
    expect(adjustmentReview.openerRule!(input, { id: 'ma.lin', role: 'organizationDepartment' })).toMatch(/nobody opens an adjustment review of themself/);
  });

  it('the review has 20 working days on the standard ladder, counted against the office, escalated to the department', () => {
    const { spec } = declaredLimits([adjustmentReview]).get('adjustmentReviewDue')!;
    expect(spec).toMatchObject({ owner: 'office', limit: { kind: 'workingDays', days: 20 } });
    expect(spec.ladder.map((s) => [s.name, s.warning])).toEqual([['remind', 'blue'], ['overdue', 'yellow'], ['escalate', 'red']]);
    expect(spec.ladder.at(-1)!.notify).toContain('organizationDepartment');
  });
});
