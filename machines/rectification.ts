/**
 * Rectification after media criticism: "criticism aired at 20:00, rectification plan due at 21:00",
 * then the plan is carried out, assessed, and the loop closes — or the case is escalated.
 */
import { and, assign, setup } from 'xstate';
import { z } from 'zod';
import { addMinutes, DEADLINE_ESCALATED, DEADLINE_MISSED, standardLadder } from './deadlines';
import { canonicalOfficialId, officialId, sameOfficial } from './officials';
import { deadlineEscalatedEvent, deadlineMissedEvent, hasReason, isoDateTime, reason, reasonOf, text, timeZone } from './payloads';
import type { Actor, CaseDefinition, CaseIndexFields, CaseInput, EventsOf, StateMeta } from './types';

/** Escalation level at which a failed assessment ends in escalation instead of another round. */
export const MAX_ESCALATION_LEVEL = 3;

export const rectificationInput = z.strictObject({
  unit: text('the criticized unit'),
  report: text('the title of the criticism report'),
  programme: z.string().trim().min(1).max(200).default('Seeing'),
  airedAt: isoDateTime('when the criticism was aired'),
  /** Minutes from airing until the plan is due. Default 60: aired at 20:00, plan due at 21:00. */
  planDueMinutes: z.number().int().positive().max(7 * 24 * 60).default(60),
  /** When the plan is due, when the office's wall-clock rule set it (the engine does, from the office policy); else `planDueMinutes` after airing. */
  planDueAt: isoDateTime('when the plan is due').optional(),
  /** The rule `planDueAt` follows, as caseworkers read it. */
  planDueRule: text('the rule the plan due time follows').optional(),
  timeZone,
  sourceCaseId: z.string().min(1).optional(),
});
export type RectificationInput = z.infer<typeof rectificationInput>;

export const rectificationEvents = {
  NOTIFY_UNIT: {
    summary: 'Notify the criticized unit and name its liaison',
    roles: ['supervisor', 'intakeClerk'],
    payload: z.strictObject({ liaisonId: officialId('the unit liaison') }),
  },
  SUBMIT_PLAN: {
    summary: 'Submit the rectification plan',
    roles: ['unitLiaison'],
    payload: z.strictObject({
      plan: text('the plan'),
      measures: z.array(text('a measure')).min(1, 'a plan needs at least one measure').max(50),
      completionDueAt: isoDateTime('the date the plan will be completed by'),
    }),
  },
  ACCEPT_PLAN: {
    summary: 'Accept the rectification plan',
    roles: ['supervisor'],
    payload: z.strictObject({ reason }),
  },
  SEND_BACK_PLAN: {
    summary: 'Send the plan back for revision',
    roles: ['supervisor'],
    payload: z.strictObject({ reason }),
  },
  REPORT_PROGRESS: {
    summary: 'Report progress on the rectification',
    roles: ['unitLiaison'],
    payload: z.strictObject({ note: text('the progress note') }),
  },
  REPORT_COMPLETION: {
    summary: 'Report the rectification complete',
    roles: ['unitLiaison'],
    payload: z.strictObject({ note: text('the completion report') }),
  },
  ASSESS_PASSED: {
    summary: 'Assess the rectification as passed and close the loop',
    roles: ['supervisor'],
    payload: z.strictObject({ reason }),
  },
  ASSESS_FAILED: {
    summary: 'Assess the rectification as failed: back to work, escalation raised',
    roles: ['supervisor'],
    payload: z.strictObject({ reason, completionDueAt: isoDateTime('the new completion date') }),
  },
  ESCALATE: {
    summary: 'Escalate the unit to the Discipline Inspection Commission',
    roles: ['supervisor'],
    payload: z.strictObject({ reason }),
  },
  [DEADLINE_MISSED]: deadlineMissedEvent,
  [DEADLINE_ESCALATED]: deadlineEscalatedEvent,
} as const;

export type RectificationEvent = EventsOf<typeof rectificationEvents>;

export interface RectificationContext {
  caseId: string;
  unit: string;
  report: string;
  programme: string;
  airedAt: string;
  planDueAt: string;
  /** The rule the plan due time follows, e.g. "21:00 Asia/Shanghai on the airing day, at least 60 minutes after airing". */
  planDueRule: string;
  timeZone: string;
  sourceCaseId: string | null;
  openedBy: Actor;
  liaisonId: string | null;
  plan: { text: string; measures: string[]; submittedAt: string; submittedBy: string } | null;
  completionDueAt: string | null;
  progress: { at: string; by: string; note: string }[];
  escalationLevel: number;
  missedDeadlines: { kind: string; at: string }[];
  /** The red cards of the unit's limits, as the ladder escalated them (absent on cases opened before it was recorded). */
  escalations?: { kind: string; at: string; level: number }[];
  outcome: { decision: 'passed' | 'escalated'; reason: string; by: string; at: string } | null;
  lastReason: string | null;
}

const planDue: StateMeta = {
  description: 'The criticized unit must submit its rectification plan',
  deadlines: [
    {
      kind: 'rectificationPlanDue',
      owner: 'unit',
      basis: 'A unit criticized on air submits its rectification plan within the hour (aired 20:00, plan due 21:00)',
      from: { contextField: 'airedAt' },
      limit: { kind: 'until', contextField: 'planDueAt' },
      ladder: standardLadder({ missedEvent: DEADLINE_MISSED, escalatedEvent: DEADLINE_ESCALATED, grace: { kind: 'afterDue', minutes: 30 } }),
    },
  ],
};

/**
 * Everyone who acted for the criticized unit — its named liaison, the plan's submitter and every
 * progress reporter — as canonical official ids; an empty id names nobody.
 */
const unitSide = (context: RectificationContext): Set<string> => {
  const ids = new Set<string>();
  const add = (id: string | null | undefined) => {
    const canonical = id ? canonicalOfficialId(id) : '';
    if (canonical !== '') ids.add(canonical);
  };
  context.progress.forEach((p) => add(p.by));
  add(context.liaisonId);
  add(context.plan?.submittedBy);
  return ids;
};

/** The completion date an event proposes, in milliseconds, or NaN when it carries none. */
const completionOf = (event: object): number =>
  'completionDueAt' in event && typeof event.completionDueAt === 'string' ? Date.parse(event.completionDueAt) : NaN;

const machine = setup({
  types: {
    context: {} as RectificationContext,
    events: {} as RectificationEvent,
    input: {} as CaseInput<RectificationInput>,
  },
  guards: {
    hasReason,
    notOwnCase: ({ context, event }) => !unitSide(context).has(canonicalOfficialId(event.actor.id)),
    isNamedLiaison: ({ context, event }) => sameOfficial(event.actor.id, context.liaisonId),
    completionAfterAiring: ({ context, event }) => completionOf(event) > Date.parse(context.airedAt),
    completionInFuture: ({ event }) => completionOf(event) > Date.parse(event.at),
    escalationLimitReached: ({ context }) => context.escalationLevel + 1 >= MAX_ESCALATION_LEVEL,
    escalationLevelReached: ({ context }) => context.escalationLevel >= MAX_ESCALATION_LEVEL,
  },
  actions: {
    recordLiaison: assign({ liaisonId: ({ event }) => (event.type === 'NOTIFY_UNIT' ? event.liaisonId : null) }),
    recordPlan: assign(({ event }) =>
      event.type === 'SUBMIT_PLAN'
        ? {
            plan: { text: event.plan, measures: [...event.measures], submittedAt: event.at, submittedBy: event.actor.id },
            completionDueAt: event.completionDueAt,
          }
        : {},
    ),
    recordReason: assign({ lastReason: ({ event }) => reasonOf(event) }),
    recordProgress: assign({
      progress: ({ context, event }) => [
        ...context.progress,
        { at: event.at, by: event.actor.id, note: 'note' in event ? event.note : '' },
      ],
    }),
    recordMissedDeadline: assign({
      missedDeadlines: ({ context, event }) => [
        ...context.missedDeadlines,
        { kind: event.type === DEADLINE_MISSED ? event.deadlineKind : 'unknown', at: event.at },
      ],
      escalationLevel: ({ context }) => context.escalationLevel + 1,
    }),
    recordEscalation: assign({
      escalations: ({ context, event }) => [
        ...(context.escalations ?? []),
        { kind: event.type === DEADLINE_ESCALATED ? event.deadlineKind : 'unknown', at: event.at, level: context.escalationLevel },
      ],
    }),
    recordLadderEscalation: assign({
      outcome: ({ context, event }) => ({
        decision: 'escalated' as const,
        reason: `Escalated by the deadline ladder: a red card on ${event.type === DEADLINE_ESCALATED ? event.deadlineKind : 'a limit'} at escalation level ${context.escalationLevel}`,
        by: event.actor.id,
        at: event.at,
      }),
    }),
    raiseEscalation: assign({
      escalationLevel: ({ context }) => context.escalationLevel + 1,
      completionDueAt: ({ context, event }) => (event.type === 'ASSESS_FAILED' ? event.completionDueAt : context.completionDueAt),
    }),
    recordOutcome: assign({
      outcome: ({ event }) => ({
        decision: event.type === 'ASSESS_PASSED' ? ('passed' as const) : ('escalated' as const),
        reason: reasonOf(event),
        by: event.actor.id,
        at: event.at,
      }),
    }),
  },
}).createMachine({
  id: 'rectification',
  context: ({ input }) => ({
    caseId: input.caseId,
    unit: input.unit,
    report: input.report,
    programme: input.programme,
    airedAt: input.airedAt,
    planDueAt: input.planDueAt ?? addMinutes(input.airedAt, input.planDueMinutes),
    planDueRule: input.planDueRule ?? `${input.planDueMinutes} minutes after airing`,
    timeZone: input.timeZone,
    sourceCaseId: input.sourceCaseId ?? null,
    openedBy: input.openedBy,
    liaisonId: null,
    plan: null,
    completionDueAt: null,
    progress: [],
    escalationLevel: 0,
    missedDeadlines: [],
    outcome: null,
    lastReason: null,
  }),
  initial: 'criticismAired',
  states: {
    criticismAired: {
      meta: {
        description: 'Criticism aired; the unit is being notified',
        deadlines: [
          {
            kind: 'unitNotificationDue',
            owner: 'office',
            basis: 'The criticized unit is notified in time to answer: before its rectification plan falls due',
            from: { contextField: 'airedAt' },
            limit: { kind: 'until', contextField: 'planDueAt' },
            ladder: standardLadder({ grace: { kind: 'afterDue', minutes: 30 } }),
          },
        ],
      } satisfies StateMeta,
      on: { NOTIFY_UNIT: { target: 'planDue', actions: 'recordLiaison' } },
    },
    planDue: {
      meta: planDue,
      on: {
        SUBMIT_PLAN: { target: 'planReview', guard: and(['isNamedLiaison', 'completionAfterAiring', 'completionInFuture']), actions: 'recordPlan' },
        [DEADLINE_MISSED]: { actions: 'recordMissedDeadline' },
        [DEADLINE_ESCALATED]: [
          { target: 'escalated', guard: 'escalationLevelReached', actions: ['recordEscalation', 'recordLadderEscalation'] },
          { actions: 'recordEscalation' },
        ],
        ESCALATE: { target: 'escalated', guard: 'hasReason', actions: 'recordOutcome' },
      },
    },
    planReview: {
      meta: {
        description: 'The supervisor reviews the submitted plan',
        deadlines: [
          {
            kind: 'planReviewDue',
            owner: 'office',
            basis: 'A submitted plan is reviewed within one working day',
            limit: { kind: 'workingDays', days: 1 },
            ladder: standardLadder({ escalateTo: ['unitSupervisor'] }),
          },
        ],
      } satisfies StateMeta,
      on: {
        ACCEPT_PLAN: { target: 'inProgress', guard: and(['notOwnCase', 'hasReason']), actions: 'recordReason' },
        SEND_BACK_PLAN: { target: 'planRevision', guard: 'hasReason', actions: 'recordReason' },
      },
    },
    planRevision: {
      meta: {
        description: 'The plan was sent back; the unit revises and resubmits it',
        deadlines: [
          {
            kind: 'revisedPlanDue',
            owner: 'unit',
            basis: 'A plan sent back is resubmitted within one working day',
            limit: { kind: 'workingDays', days: 1 },
            ladder: standardLadder({ missedEvent: DEADLINE_MISSED, escalatedEvent: DEADLINE_ESCALATED }),
          },
        ],
      } satisfies StateMeta,
      on: {
        SUBMIT_PLAN: { target: 'planReview', guard: and(['isNamedLiaison', 'completionAfterAiring', 'completionInFuture']), actions: 'recordPlan' },
        [DEADLINE_MISSED]: { actions: 'recordMissedDeadline' },
        [DEADLINE_ESCALATED]: [
          { target: 'escalated', guard: 'escalationLevelReached', actions: ['recordEscalation', 'recordLadderEscalation'] },
          { actions: 'recordEscalation' },
        ],
        ESCALATE: { target: 'escalated', guard: 'hasReason', actions: 'recordOutcome' },
      },
    },
    inProgress: {
      meta: {
        description: 'The unit carries out the plan',
        deadlines: [
          {
            kind: 'rectificationCompletionDue',
            owner: 'unit',
            basis: 'The plan is carried out by the completion date it sets',
            limit: { kind: 'until', contextField: 'completionDueAt' },
            ladder: standardLadder({ missedEvent: DEADLINE_MISSED, escalatedEvent: DEADLINE_ESCALATED, grace: { kind: 'afterDueWorkingDays', days: 1 } }),
          },
        ],
      } satisfies StateMeta,
      on: {
        REPORT_PROGRESS: { guard: 'isNamedLiaison', actions: 'recordProgress' },
        REPORT_COMPLETION: { target: 'assessment', guard: 'isNamedLiaison', actions: 'recordProgress' },
        [DEADLINE_MISSED]: { actions: 'recordMissedDeadline' },
        [DEADLINE_ESCALATED]: [
          { target: 'escalated', guard: 'escalationLevelReached', actions: ['recordEscalation', 'recordLadderEscalation'] },
          { actions: 'recordEscalation' },
        ],
        ESCALATE: { target: 'escalated', guard: 'hasReason', actions: 'recordOutcome' },
      },
    },
    assessment: {
      meta: {
        description: 'The supervisor assesses whether the rectification worked',
        deadlines: [
          {
            kind: 'assessmentDue',
            owner: 'office',
            basis: 'A completed rectification is assessed within five working days',
            limit: { kind: 'workingDays', days: 5 },
            ladder: standardLadder({ escalateTo: ['unitSupervisor'] }),
          },
        ],
      } satisfies StateMeta,
      on: {
        ASSESS_PASSED: { target: 'closed', guard: and(['notOwnCase', 'hasReason']), actions: 'recordOutcome' },
        ASSESS_FAILED: [
          { target: 'escalated', guard: and(['hasReason', 'escalationLimitReached']), actions: ['raiseEscalation', 'recordOutcome'] },
          {
            target: 'inProgress',
            guard: and(['hasReason', 'completionAfterAiring', 'completionInFuture']),
            actions: ['raiseEscalation', 'recordReason'],
          },
        ],
      },
    },
    closed: {
      type: 'final',
      meta: { description: 'Rectification assessed as passed; the loop is closed' } satisfies StateMeta,
    },
    escalated: {
      type: 'final',
      meta: { description: 'Escalated to the Discipline Inspection Commission' } satisfies StateMeta,
    },
  },
});

/** The rectification case type, as the engine runs it. */
export const rectification: CaseDefinition<typeof machine, typeof rectificationEvents, typeof rectificationInput> = {
  type: 'rectification',
  machineVersion: 1,
  title: 'Rectification after media criticism',
  machine,
  events: rectificationEvents,
  input: rectificationInput,
  createRoles: ['supervisor', 'intakeClerk', 'system'],
  guardRules: {
    hasReason: 'A decision needs a reason',
    isNamedLiaison: 'Only the liaison the unit was notified through acts for it on this case',
    notOwnCase:
      'Nobody may accept or assess a rectification they acted in for the unit (as its liaison, the plan’s submitter or a progress reporter)',
    completionAfterAiring: 'The completion date must be after the criticism was aired',
    completionInFuture: 'The completion date must be later than the moment it is set',
    escalationLimitReached: `A failed assessment escalates the case once the escalation level reaches ${MAX_ESCALATION_LEVEL}`,
    escalationLevelReached: `A red card escalates the case to the Discipline Inspection Commission once the unit has missed ${MAX_ESCALATION_LEVEL} limits`,
  },
  index: (context: unknown): CaseIndexFields => {
    const c = context as RectificationContext;
    return { unit: c.unit, assignee: c.liaisonId, subjectId: null, timeZone: c.timeZone };
  },
};
