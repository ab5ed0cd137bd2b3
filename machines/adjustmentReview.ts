/**
 * An adjustment review (能上能下): the Organization Department reviews whether an official whose
 * record shows repeated findings after warnings is adjusted out of the post. The engine opens it when
 * a pattern of the office policy (`adjustmentReview.patterns`) completes, in the transaction of the
 * event that completes it (src/engine/adjustmentReviews.ts); the department may also open one itself,
 * naming the cases it rests on. The department
 * records its finding, then decides: adjusted, retained with a warning, or dismissed. It has 20 working
 * days, reminded, marked overdue and escalated on the standard ladder.
 */
import { and, assign, setup } from 'xstate';
import { z } from 'zod';
import { standardLadder } from './deadlines';
import { officialId, sameOfficial } from './officials';
import { hasReason, reason, reasonOf, text, timeZone } from './payloads';
import type { Actor, CaseDefinition, CaseIndexFields, CaseInput, EventsOf, StateMeta } from './types';

/** How an adjustment review ends. */
export const REVIEW_OUTCOMES = ['adjusted', 'retainedWithWarning', 'dismissed'] as const;
export type ReviewOutcome = (typeof REVIEW_OUTCOMES)[number];

/** A case whose event completed the pattern, as the review records it. */
const triggeringCase = z.strictObject({
  caseId: z.string().min(1),
  type: z.string().min(1),
  /** What the case shows, e.g. "admonished on 2026-03-02". */
  finding: text('what the case shows'),
});

export const adjustmentReviewInput = z.strictObject({
  subject: z.strictObject({ officialId: officialId('the official under review'), name: text('the official’s name'), unit: text('the official’s unit').optional() }),
  /** The pattern of the office policy that opened the review, e.g. `repeatedAdmonishments`; none when the department opened it. */
  pattern: text('the pattern').optional(),
  /** What the pattern found, as the department reads it. */
  summary: text('what the pattern found'),
  basis: text('the rule the review follows'),
  triggeredBy: z.array(triggeringCase).min(1),
  timeZone,
});
export type AdjustmentReviewInput = z.infer<typeof adjustmentReviewInput>;

const outcome = z.enum(REVIEW_OUTCOMES, { error: `the outcome must be one of: ${REVIEW_OUTCOMES.join(', ')}` });

export const adjustmentReviewEvents = {
  RECORD_FINDING: {
    summary: 'Record the Organization Department’s finding on the official (recorded again: the latest counts)',
    roles: ['organizationDepartment'],
    payload: z.strictObject({ finding: text('the finding') }),
  },
  DECIDE: {
    summary: 'Decide the review: adjusted out of the post, retained with a warning, or dismissed',
    roles: ['organizationDepartment'],
    payload: z.strictObject({ outcome, reason }),
  },
} as const;

export type AdjustmentReviewEvent = EventsOf<typeof adjustmentReviewEvents>;

export interface AdjustmentReviewContext extends Omit<AdjustmentReviewInput, 'triggeredBy' | 'pattern'> {
  caseId: string;
  pattern: string | null;
  triggeredBy: z.infer<typeof triggeringCase>[];
  openedBy: Actor;
  /** Every finding recorded, oldest first; the latest counts. */
  findings: { finding: string; by: string; at: string }[];
  outcome: { result: ReviewOutcome; reason: string; by: string; at: string } | null;
}

const review: StateMeta = {
  description: 'The Organization Department reviews the official’s record and decides',
  deadlines: [
    {
      kind: 'adjustmentReviewDue',
      basis: 'The Organization Department decides an adjustment review within 20 working days of its opening (caseflow default)',
      limit: { kind: 'workingDays', days: 20 },
      // the department's own work: a late review counts against the office, never the official's unit
      owner: 'office',
      ladder: standardLadder({ grace: { kind: 'afterDueWorkingDays', days: 1 }, escalateTo: ['organizationDepartment', 'disciplineCommission'] }),
    },
  ],
};

const machine = setup({
  types: {
    context: {} as AdjustmentReviewContext,
    events: {} as AdjustmentReviewEvent,
    input: {} as CaseInput<AdjustmentReviewInput>,
  },
  guards: {
    hasReason,
    notSubjectOfCase: ({ context, event }) => !sameOfficial(event.actor.id, context.subject.officialId),
    outcomeIs: ({ event }, params: { outcome: ReviewOutcome }) => event.type === 'DECIDE' && event.outcome === params.outcome,
  },
  actions: {
    recordFinding: assign({
      findings: ({ context, event }) => [...context.findings, { finding: event.type === 'RECORD_FINDING' ? event.finding : '', by: event.actor.id, at: event.at }],
    }),
    recordOutcome: assign({
      outcome: ({ event }) => (event.type === 'DECIDE' ? { result: event.outcome, reason: reasonOf(event), by: event.actor.id, at: event.at } : null),
    }),
  },
}).createMachine({
  id: 'adjustmentReview',
  context: ({ input }) => ({
    caseId: input.caseId,
    subject: { ...input.subject },
    pattern: input.pattern ?? null,
    summary: input.summary,
    basis: input.basis,
    triggeredBy: [...input.triggeredBy],
    timeZone: input.timeZone,
    openedBy: input.openedBy,
    findings: [],
    outcome: null,
  }),
  initial: 'review',
  states: {
    review: {
      meta: review,
      initial: 'opened',
      on: { RECORD_FINDING: { target: '.findingRecorded', guard: 'notSubjectOfCase', actions: 'recordFinding' } },
      states: {
        opened: { meta: { description: 'Opened for the Organization Department: its finding is awaited' } satisfies StateMeta },
        findingRecorded: {
          meta: { description: 'The Organization Department recorded its finding; the decision is awaited' } satisfies StateMeta,
          on: {
            DECIDE: REVIEW_OUTCOMES.map((decided) => ({
              target: `#adjustmentReview.${decided}`,
              guard: and([{ type: 'outcomeIs', params: { outcome: decided } }, 'hasReason', 'notSubjectOfCase']),
              actions: 'recordOutcome' as const,
            })),
          },
        },
      },
    },
    adjusted: { type: 'final', meta: { description: 'Decided: the official is adjusted out of the post' } satisfies StateMeta },
    retainedWithWarning: { type: 'final', meta: { description: 'Decided: the official stays in the post with a formal warning' } satisfies StateMeta },
    dismissed: { type: 'final', meta: { description: 'Decided: no adjustment; the review is dismissed' } satisfies StateMeta },
  },
});

/** The adjustment review case type, as the engine runs it. */
export const adjustmentReview: CaseDefinition<typeof machine, typeof adjustmentReviewEvents, typeof adjustmentReviewInput> = {
  type: 'adjustmentReview',
  machineVersion: 1,
  title: 'Adjustment review after repeated findings',
  machine,
  events: adjustmentReviewEvents,
  input: adjustmentReviewInput,
  // opened by the engine when a pattern of the office policy completes (as `system`), or by the department itself
  createRoles: ['organizationDepartment', 'system'],
  openerRule: (input, opener) => (sameOfficial(input.subject.officialId, opener.id) ? 'nobody opens an adjustment review of themself' : null),
  guardRules: {
    hasReason: 'A decision needs a reason',
    notSubjectOfCase: 'Nobody records a finding on or decides the review of themself',
    outcomeIs: 'The review follows the outcome decided',
  },
  // the review is the Organization Department's own work: its cards count against no unit
  index: (context: unknown): CaseIndexFields => {
    const c = context as AdjustmentReviewContext;
    return { unit: null, assignee: c.findings.at(-1)?.by ?? null, subjectId: c.subject.officialId, timeZone: c.timeZone };
  },
};
