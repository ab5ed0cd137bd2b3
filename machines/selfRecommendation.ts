/**
 * Self-recommendation: an official recommends themself for a post, no vacancy needed. The channel
 * passes it on (it may not hold it back), the Organization Department checks eligibility and inspects,
 * a joint conference of the Organization Department and the Discipline Inspection Commission guards
 * against fraud, concealment of facts and favouritism, the appointment is publicly noticed, and a
 * year's probation ends in confirmation or revocation.
 */
import { and, assign, setup } from 'xstate';
import { z } from 'zod';
import { appendView, conferenceDecision, departmentViewLimits, independentOfOtherView, type ConferenceDecisionRecord, type Department } from './conference';
import { addMinutes, DEADLINE_ESCALATED, DEADLINE_MISSED, periodLadder, standardLadder, workingDaysLimit } from './deadlines';
import { officialId, sameOfficial } from './officials';
import { deadlineEscalatedEvent, deadlineMissedEvent, hasReason, reason, reasonOf, supportingEvidence, text, timeZone } from './payloads';
import { checkMisconductNamed, misconductField, misconductOnRecord, misconductRecords, type MisconductRecord } from './selfRecommendationMisconduct';
import { channel, channelHolderId, checkChannelHolder, holdsChannel, passedOn, type SelfRecommendationChannel } from './selfRecommendationChannels';
export { SELF_RECOMMENDATION_CHANNELS, type SelfRecommendationChannel } from './selfRecommendationChannels';
export { MISCONDUCT_FINDINGS, type MisconductFinding, type MisconductRecord } from './selfRecommendationMisconduct';
import type { Actor, CaseDefinition, CaseIndexFields, CaseInput, EventsOf, StateMeta } from './types';

/** Grades of annual reviews and probation assessments (优秀, 称职, 基本称职, 不称职). */
export const ASSESSMENT_GRADES = ['excellent', 'competent', 'basicallyCompetent', 'incompetent'] as const;
export type AssessmentGrade = (typeof ASSESSMENT_GRADES)[number];

/** Grades with which a probation assessment counts as passed. */
export const PASSING_GRADES: readonly AssessmentGrade[] = ['excellent', 'competent'];

/** What the joint conference can decide: appoint, reject, keep the candidate in the talent pool, or reject for misconduct found. */
export const CONFERENCE_OUTCOMES = ['appointed', 'rejected', 'reserved', 'rejectedForMisconduct'] as const;
export type ConferenceOutcome = (typeof CONFERENCE_OUTCOMES)[number];

/** The probation after appointment: one year, in minutes. */
export const PROBATION_MINUTES = 365 * 24 * 60;

/** What the candidate is told of a rejection, whatever its grounds: the findings stay with the departments. */
const NOT_APPOINTED = 'Not appointed: your recommendation was not taken forward';

/** The limit on the channel holder to pass the recommendation on; its red card hands the case to the Organization Department. */
export const FORWARDING_DEADLINE = 'selfRecommendationForwardingDue';

/** The deadline kind whose due time ends the public notice period (the deadline worker reports it). */
export const PUBLIC_NOTICE_DEADLINE = 'publicNoticePeriod';

const grade = (what: string) => z.enum(ASSESSMENT_GRADES, { error: `${what} must be one of: ${ASSESSMENT_GRADES.join(', ')}` });
const checkResult = (what: string) => z.enum(['passed', 'failed'], { error: `${what} must be passed or failed` });
const found = (what: string) => z.boolean({ error: `whether ${what} was found must be true or false` });

export const selfRecommendationInput = z
  .strictObject({
  candidate: z.strictObject({
    officialId: officialId('the official’s id'),
    name: text('the official’s name'),
    currentPost: text('the official’s current post'),
    unit: text('the official’s unit'),
  }),
  targetPost: text('the post recommended for'),
  channel,
  /** Who holds the channel (the Party organization's responsible person, a main leader): they pass it on. */
  channelHolderId,
  /** The written self-recommendation. */
  statement: text('the self-recommendation statement'),
  /** The evidence of results that supports it: at least one piece. */
  evidence: supportingEvidence,
  timeZone,
})
  .superRefine(checkChannelHolder);
export type SelfRecommendationInput = z.infer<typeof selfRecommendationInput>;

export const selfRecommendationEvents = {
  FORWARD: {
    summary: 'Pass the self-recommendation on to the Organization Department (only the holder of the channel it came through; they may not hold it back)',
    roles: ['partyOrganizationHead', 'mainLeader', 'organizationDepartment'],
    payload: z.strictObject({ note: text('the forwarding note').optional() }),
  },
  RECORD_ELIGIBILITY: {
    summary: 'Record the eligibility check: qualifications, record and integrity',
    roles: ['organizationDepartment'],
    payload: z.strictObject({
      eligible: z.boolean({ error: 'eligible must be true or false' }),
      checks: z.strictObject({
        qualifications: checkResult('the qualifications check'),
        record: checkResult('the record check'),
        integrity: checkResult('the integrity check'),
      }),
      notes: text('the notes').optional(),
      reason,
    }),
  },
  RECORD_INSPECTION: {
    summary: 'Record the organizational inspection: annual reviews, survey results and a rating',
    roles: ['organizationDepartment'],
    payload: z.strictObject({
      annualReviews: z
        .array(z.strictObject({ year: z.number().int().min(1949).max(2200), grade: grade('the annual review grade') }))
        .min(1, 'an inspection needs at least one annual review')
        .max(20),
      surveyResults: text('the survey results'),
      rating: text('the rating'),
      /** What checking an objection raised during the public notice found. */
      objectionFindings: text('the objection findings').optional(),
    }),
  },
  RECORD_OD_VIEW: {
    summary: 'Record the Organization Department’s view at the joint conference',
    roles: ['organizationDepartment'],
    payload: z.strictObject({
      view: text('the view'),
      recommendedOutcome: z.enum(CONFERENCE_OUTCOMES, { error: `the recommended outcome must be one of: ${CONFERENCE_OUTCOMES.join(', ')}` }).optional(),
      fraudFound: found('fraud'),
      concealmentFound: found('concealment of facts'),
      favouritismFound: found('favouritism ("running for office")'),
    }),
  },
  RECORD_DIC_VIEW: {
    summary: 'Record the Discipline Inspection Commission’s view at the joint conference',
    roles: ['disciplineCommission'],
    payload: z.strictObject({
      view: text('the view'),
      recommendedOutcome: z.enum(CONFERENCE_OUTCOMES, { error: `the recommended outcome must be one of: ${CONFERENCE_OUTCOMES.join(', ')}` }).optional(),
      fraudFound: found('fraud'),
      concealmentFound: found('concealment of facts'),
      favouritismFound: found('favouritism ("running for office")'),
    }),
  },
  DECIDE: {
    summary: 'Decide: appoint (after a public notice), reject, keep in the talent pool, or reject for the misconduct the conference found',
    roles: ['conferenceChair'],
    payload: z.strictObject({
      outcome: z.enum(CONFERENCE_OUTCOMES, { error: `the outcome must be one of: ${CONFERENCE_OUTCOMES.join(', ')}` }),
      reason,
      /** With `rejectedForMisconduct`: which misconduct the conference found (fraud, concealment, favouritism). */
      misconduct: misconductField,
      dissent: text('the dissent').optional(),
    }).superRefine(checkMisconductNamed),
  },
  OBJECTION_RECEIVED: {
    summary: 'Record an objection raised during the public notice: the case goes back to verification',
    roles: ['organizationDepartment', 'disciplineCommission'],
    payload: z.strictObject({ objection: text('the objection') }),
  },
  NOTICE_PERIOD_ENDED: {
    summary: 'Close the public notice without objection: the probation begins',
    roles: ['organizationDepartment'],
    payload: z.strictObject({ note: text('the note').optional() }),
  },
  RECORD_ASSESSMENT: {
    summary: 'Record a performance assessment during the probation',
    roles: ['organizationDepartment'],
    payload: z.strictObject({
      period: text('the period assessed'),
      rating: grade('the rating'),
      notes: text('the notes').optional(),
    }),
  },
  CONFIRM: {
    summary: 'Confirm the appointment after the probation',
    roles: ['organizationDepartment', 'conferenceChair'],
    payload: z.strictObject({ reason }),
  },
  REVOKE: {
    summary: 'Revoke the appointment during or after the probation',
    roles: ['organizationDepartment', 'conferenceChair'],
    payload: z.strictObject({ reason }),
  },
  [DEADLINE_MISSED]: deadlineMissedEvent,
  [DEADLINE_ESCALATED]: deadlineEscalatedEvent,
} as const;

export type SelfRecommendationEvent = EventsOf<typeof selfRecommendationEvents>;

type CheckResult = 'passed' | 'failed';

/** A view recorded at the joint conference, with its explicit integrity checks. */
export interface ConferenceView {
  view: string;
  /** The outcome the department recommends, if it names one. */
  recommendedOutcome: ConferenceOutcome | null;
  fraudFound: boolean;
  concealmentFound: boolean;
  favouritismFound: boolean;
  by: string;
  at: string;
}

export interface SelfRecommendationContext {
  caseId: string;
  openedAt: string;
  openedBy: Actor;
  timeZone: string;
  candidate: { officialId: string; name: string; currentPost: string; unit: string };
  targetPost: string;
  channel: SelfRecommendationChannel;
  /** The person who holds the channel and must pass the recommendation on; null for the Organization Department's own channel. */
  channelHolderId: string | null;
  statement: string;
  evidence: string[];
  /** The last caseworker who handled the case. */
  lastHandler: string | null;
  /** How the recommendation reached the eligibility check: passed on by the channel, or taken over by the Organization Department on a red card. */
  forwarding: { by: string; at: string; note: string | null; escalated: boolean } | null;
  missedDeadlines: { kind: string; at: string }[];
  eligibility: {
    eligible: boolean;
    checks: { qualifications: CheckResult; record: CheckResult; integrity: CheckResult };
    notes: string | null;
    reason: string;
    by: string;
    at: string;
  } | null;
  /** One entry per inspection round: a second round follows an objection. */
  inspections: {
    annualReviews: { year: number; grade: AssessmentGrade }[];
    surveyResults: string;
    rating: string;
    objectionFindings: string | null;
    by: string;
    at: string;
  }[];
  /** The views of the current conference round. */
  views: { organizationDepartment: ConferenceView | null; disciplineCommission: ConferenceView | null };
  /** Every view recorded, every round, oldest first: a view recorded again never erases the earlier one. */
  viewLog: (ConferenceView & { department: Department })[];
  /** The conference decision of the current round: the recommendations it followed or departed from, and any dissent. */
  decision: (ConferenceDecisionRecord<ConferenceOutcome> & { reason: string }) | null;
  /** Objections raised during public notices; `findings` is filled by the inspection that checked it. */
  objections: { objection: string; by: string; at: string; findings: string | null; answeredAt: string | null }[];
  noticeStartedAt: string | null;
  /** When the notice's working days ran out, as reported by the deadline worker. */
  noticeEndedAt: string | null;
  probationStartedAt: string | null;
  probationEndsAt: string | null;
  assessments: { period: string; rating: AssessmentGrade; notes: string | null; by: string; at: string }[];
  /** What a `rejectedForMisconduct` decision found, each finding with the departments whose views found it; null otherwise. */
  misconduct: MisconductRecord[] | null;
  outcome: {
    result: 'rejected' | 'reserved' | 'rejectedForMisconduct' | 'confirmed' | 'revoked';
    stage: 'eligibilityCheck' | 'jointConference' | 'probation';
    reason: string;
    by: string;
    at: string;
  } | null;
}

/** The integrity concerns the recorded views found, e.g. `fraud (Discipline Inspection Commission)`. */
export function integrityConcerns(context: Pick<SelfRecommendationContext, 'views'>): string[] {
  const concerns: string[] = [];
  const sides = [
    ['Organization Department', context.views.organizationDepartment],
    ['Discipline Inspection Commission', context.views.disciplineCommission],
  ] as const;
  for (const [side, v] of sides) {
    if (!v) continue;
    if (v.fraudFound) concerns.push(`fraud (${side})`);
    if (v.concealmentFound) concerns.push(`concealment of facts (${side})`);
    if (v.favouritismFound) concerns.push(`favouritism (${side})`);
  }
  return concerns;
}

/** The guard that selects a conference branch by the outcome decided. */
const outcomeIs = (outcome: ConferenceOutcome) => ({ type: 'outcomeIs' as const, params: { outcome } });

/** The guard that selects an eligibility branch by the finding. */
const eligibilityFindingIs = (eligible: boolean) => ({ type: 'eligibilityFindingIs' as const, params: { eligible } });

const view = (event: SelfRecommendationEvent): ConferenceView | null =>
  event.type === 'RECORD_OD_VIEW' || event.type === 'RECORD_DIC_VIEW'
    ? {
        view: event.view,
        recommendedOutcome: event.recommendedOutcome ?? null,
        fraudFound: event.fraudFound,
        concealmentFound: event.concealmentFound,
        favouritismFound: event.favouritismFound,
        by: event.actor.id,
        at: event.at,
      }
    : null;

const machine = setup({
  types: {
    context: {} as SelfRecommendationContext,
    events: {} as SelfRecommendationEvent,
    input: {} as CaseInput<SelfRecommendationInput>,
  },
  guards: {
    hasReason,
    notOwnCase: ({ context, event }) => !sameOfficial(event.actor.id, context.candidate.officialId),
    cameThroughOrganizationDepartment: ({ context }) => !passedOn(context.channel),
    holdsChannel: ({ context, event }) => holdsChannel(context, event.actor),
    escalatesForwarding: ({ event }) => event.type === DEADLINE_ESCALATED && event.deadlineKind === FORWARDING_DEADLINE,
    eligibilityFindingIs: ({ event }, params: { eligible: boolean }) =>
      event.type === 'RECORD_ELIGIBILITY' && event.eligible === params.eligible,
    allChecksPassed: ({ event }) =>
      event.type === 'RECORD_ELIGIBILITY' && Object.values(event.checks).every((result) => result === 'passed'),
    objectionsAnswered: ({ context, event }) =>
      context.objections.every((o) => o.findings !== null) || (event.type === 'RECORD_INSPECTION' && event.objectionFindings !== undefined),
    independentViews: ({ context, event }) => independentOfOtherView(context.views, event.type, event.actor.id),
    misconductOnRecord: ({ context, event }) => event.type === 'DECIDE' && misconductOnRecord(context.views, event.misconduct),
    bothViewsRecorded: ({ context }) => context.views.organizationDepartment !== null && context.views.disciplineCommission !== null,
    noIntegrityConcerns: ({ context }) => integrityConcerns(context).length === 0,
    outcomeIs: ({ event }, params: { outcome: ConferenceOutcome }) => event.type === 'DECIDE' && event.outcome === params.outcome,
    endsNoticePeriod: ({ event }) => event.type === DEADLINE_MISSED && event.deadlineKind === PUBLIC_NOTICE_DEADLINE,
    noticePeriodOver: ({ context, event }) =>
      context.noticeEndedAt !== null && Date.parse(event.at) >= Date.parse(context.noticeEndedAt),
    probationServed: ({ context, event }) =>
      context.probationEndsAt !== null && Date.parse(event.at) >= Date.parse(context.probationEndsAt),
    probationAssessmentPassed: ({ context }) => {
      const last = context.assessments[context.assessments.length - 1];
      return last !== undefined && PASSING_GRADES.includes(last.rating);
    },
  },
  actions: {
    recordHandler: assign({ lastHandler: ({ event }) => event.actor.id }),
    recordForwarding: assign({
      forwarding: ({ event }) => ({ by: event.actor.id, at: event.at, note: event.type === 'FORWARD' ? (event.note ?? null) : null, escalated: false }),
    }),
    recordEscalatedForwarding: assign({
      forwarding: ({ context, event }) => ({
        by: event.actor.id,
        at: event.at,
        note: `Not passed on by the channel holder (${context.channelHolderId ?? context.channel}) in time: red card, taken over by the Organization Department`,
        escalated: true,
      }),
    }),
    recordMissedDeadline: assign({
      missedDeadlines: ({ context, event }) => [
        ...context.missedDeadlines,
        { kind: event.type === DEADLINE_MISSED ? event.deadlineKind : 'unknown', at: event.at },
      ],
    }),
    recordEligibility: assign({
      eligibility: ({ event }) =>
        event.type === 'RECORD_ELIGIBILITY'
          ? {
              eligible: event.eligible,
              checks: { ...event.checks },
              notes: event.notes ?? null,
              reason: reasonOf(event),
              by: event.actor.id,
              at: event.at,
            }
          : null,
    }),
    recordIneligibility: assign({
      outcome: ({ event }) => ({
        result: 'rejected' as const,
        stage: 'eligibilityCheck' as const,
        reason: reasonOf(event),
        by: event.actor.id,
        at: event.at,
      }),
    }),
    recordInspection: assign(({ context, event }) =>
      event.type === 'RECORD_INSPECTION'
        ? {
            inspections: [
              ...context.inspections,
              {
                annualReviews: event.annualReviews.map((r) => ({ year: r.year, grade: r.grade })),
                surveyResults: event.surveyResults,
                rating: event.rating,
                objectionFindings: event.objectionFindings ?? null,
                by: event.actor.id,
                at: event.at,
              },
            ],
            objections: context.objections.map((o) =>
              o.findings === null && event.objectionFindings !== undefined
                ? { ...o, findings: event.objectionFindings, answeredAt: event.at }
                : o,
            ),
          }
        : {},
    ),
    recordOrganizationDepartmentView: assign(({ context, event }) => appendView(context, 'organizationDepartment', view(event))),
    recordDisciplineCommissionView: assign(({ context, event }) => appendView(context, 'disciplineCommission', view(event))),
    recordDecision: assign({
      decision: ({ context, event }) =>
        event.type === 'DECIDE'
          ? { ...conferenceDecision(context.views, { outcome: event.outcome, dissent: event.dissent, by: event.actor.id, at: event.at }), reason: reasonOf(event) }
          : null,
    }),
    recordMisconduct: assign({
      misconduct: ({ context, event }) => (event.type === 'DECIDE' ? misconductRecords(context.views, event.misconduct ?? []) : null),
    }),
    recordConferenceOutcome: assign({
      outcome: ({ event }) => ({
        result: event.type === 'DECIDE' && event.outcome !== 'appointed' ? event.outcome : ('rejected' as const),
        stage: 'jointConference' as const,
        reason: reasonOf(event),
        by: event.actor.id,
        at: event.at,
      }),
    }),
    startNotice: assign({ noticeStartedAt: ({ event }) => event.at, noticeEndedAt: null }),
    recordNoticeEnd: assign({ noticeEndedAt: ({ context, event }) => context.noticeEndedAt ?? event.at }),
    recordObjection: assign({
      objections: ({ context, event }) => [
        ...context.objections,
        {
          objection: event.type === 'OBJECTION_RECEIVED' ? event.objection : '',
          by: event.actor.id,
          at: event.at,
          findings: null,
          answeredAt: null,
        },
      ],
      // The objection reopens verification: the conference sits again and a new notice follows.
      views: { organizationDepartment: null, disciplineCommission: null },
      decision: null,
      noticeStartedAt: null,
      noticeEndedAt: null,
    }),
    startProbation: assign({
      probationStartedAt: ({ event }) => event.at,
      probationEndsAt: ({ event }) => addMinutes(event.at, PROBATION_MINUTES),
    }),
    recordAssessment: assign({
      assessments: ({ context, event }) =>
        event.type === 'RECORD_ASSESSMENT'
          ? [
              ...context.assessments,
              { period: event.period, rating: event.rating, notes: event.notes ?? null, by: event.actor.id, at: event.at },
            ]
          : context.assessments,
    }),
    recordProbationOutcome: assign({
      outcome: ({ event }) => ({
        result: event.type === 'CONFIRM' ? ('confirmed' as const) : ('revoked' as const),
        stage: 'probation' as const,
        reason: reasonOf(event),
        by: event.actor.id,
        at: event.at,
      }),
    }),
  },
}).createMachine({
  id: 'selfRecommendation',
  context: ({ input }) => ({
    caseId: input.caseId,
    openedAt: input.openedAt,
    openedBy: input.openedBy,
    timeZone: input.timeZone,
    candidate: {
      officialId: input.candidate.officialId,
      name: input.candidate.name,
      currentPost: input.candidate.currentPost,
      unit: input.candidate.unit,
    },
    targetPost: input.targetPost,
    channel: input.channel,
    channelHolderId: input.channelHolderId ?? null,
    statement: input.statement,
    evidence: [...input.evidence],
    lastHandler: null,
    forwarding: null,
    missedDeadlines: [],
    eligibility: null,
    inspections: [],
    views: { organizationDepartment: null, disciplineCommission: null },
    viewLog: [],
    decision: null,
    objections: [],
    noticeStartedAt: null,
    noticeEndedAt: null,
    probationStartedAt: null,
    probationEndsAt: null,
    assessments: [],
    misconduct: null,
    outcome: null,
  }),
  initial: 'submitted',
  states: {
    submitted: {
      meta: {
        description: 'Self-recommendation submitted; the holder of the channel passes it on to the Organization Department',
        applicantStatus: 'Submitted: your recommendation is being passed on to the Organization Department',
        deadlines: [
          {
            kind: FORWARDING_DEADLINE,
            owner: 'unit',
            basis:
              'The channel that receives a self-recommendation must pass it on, not hold it back: within 5 working days ' +
              '(caseflow default, after the 5-working-day forwarding limit for clues)',
            limit: { kind: 'workingDays', days: 5 },
            ladder: standardLadder({
              missedEvent: DEADLINE_MISSED,
              escalatedEvent: DEADLINE_ESCALATED,
              escalateTo: ['organizationDepartment'],
              grace: { kind: 'afterDueWorkingDays', days: 1 },
            }),
          },
        ],
      } satisfies StateMeta,
      // A recommendation made to the Organization Department itself has nobody to pass it on.
      always: { target: 'eligibilityCheck', guard: 'cameThroughOrganizationDepartment' },
      on: {
        FORWARD: { target: 'eligibilityCheck', guard: and(['holdsChannel', 'notOwnCase']), actions: ['recordForwarding', 'recordHandler'] },
        [DEADLINE_MISSED]: { actions: 'recordMissedDeadline' },
        // The red card: the Organization Department takes the recommendation over from the channel that held it back.
        [DEADLINE_ESCALATED]: { target: 'eligibilityCheck', guard: 'escalatesForwarding', actions: 'recordEscalatedForwarding' },
      },
    },
    eligibilityCheck: {
      meta: {
        description: 'The Organization Department checks qualifications, record and integrity',
        applicantStatus: 'With the Organization Department: your eligibility is being checked',
        deadlines: workingDaysLimit(
          'eligibilityCheckDue',
          'The Organization Department checks a self-recommendation’s eligibility within 10 working days (caseflow default)',
          10,
          'office',
        ),
      } satisfies StateMeta,
      on: {
        RECORD_ELIGIBILITY: [
          {
            target: 'organizationalInspection',
            guard: and([eligibilityFindingIs(true), 'allChecksPassed', 'hasReason', 'notOwnCase']),
            actions: ['recordEligibility', 'recordHandler'],
          },
          {
            target: 'rejected',
            guard: and([eligibilityFindingIs(false), 'hasReason', 'notOwnCase']),
            actions: ['recordEligibility', 'recordIneligibility', 'recordHandler'],
          },
        ],
      },
    },
    organizationalInspection: {
      meta: {
        description:
          'Organizational inspection (考察): annual reviews, surveys and a rating; after an objection, the objection is checked',
        applicantStatus: 'With the Organization Department: the organizational inspection is under way',
        deadlines: workingDaysLimit(
          'organizationalInspectionDue',
          'The organizational inspection, or the check of an objection, is completed within 15 working days ' +
            '(caseflow default, after the 15-working-day verification practice)',
          15,
          'office',
        ),
      } satisfies StateMeta,
      on: {
        RECORD_INSPECTION: {
          target: 'jointConference',
          guard: and(['objectionsAnswered', 'notOwnCase']),
          actions: ['recordInspection', 'recordHandler'],
        },
      },
    },
    jointConference: {
      meta: {
        description:
          'Joint conference of the Organization Department and the Discipline Inspection Commission: both record their view, the chair decides',
        applicantStatus: 'Before the joint conference: a decision is awaited',
        deadlines: [
          ...workingDaysLimit('jointConferenceDue', 'The joint conference sits and decides within 10 working days of the inspection (caseflow default)', 10, 'office'),
          ...departmentViewLimits('selfRecommendation', 5, 'a self-recommendation'),
        ],
      } satisfies StateMeta,
      on: {
        RECORD_OD_VIEW: {
          guard: and(['independentViews', 'notOwnCase']),
          actions: ['recordOrganizationDepartmentView', 'recordHandler'],
        },
        RECORD_DIC_VIEW: {
          guard: and(['independentViews', 'notOwnCase']),
          actions: ['recordDisciplineCommissionView', 'recordHandler'],
        },
        // Candidates are exclusive (one outcome each). The rejection for misconduct comes first (a decision without
        // misconduct fails it twice), then those guarded by noIntegrityConcerns: when a decision is refused, the
        // engine names the rules of the closest candidate, the first on a tie.
        DECIDE: [
          {
            target: 'rejectedForMisconduct',
            guard: and([outcomeIs('rejectedForMisconduct'), 'hasReason', 'bothViewsRecorded', 'misconductOnRecord', 'notOwnCase']),
            actions: ['recordDecision', 'recordMisconduct', 'recordConferenceOutcome', 'recordHandler'],
          },
          {
            target: 'publicNotice',
            guard: and([
              outcomeIs('appointed'),
              'hasReason',
              'bothViewsRecorded',
              'noIntegrityConcerns',
              'notOwnCase',
            ]),
            actions: ['recordDecision', 'startNotice', 'recordHandler'],
          },
          {
            target: 'reserved',
            guard: and([
              outcomeIs('reserved'),
              'hasReason',
              'bothViewsRecorded',
              'noIntegrityConcerns',
              'notOwnCase',
            ]),
            actions: ['recordDecision', 'recordConferenceOutcome', 'recordHandler'],
          },
          {
            target: 'rejected',
            guard: and([outcomeIs('rejected'), 'hasReason', 'bothViewsRecorded', 'notOwnCase']),
            actions: ['recordDecision', 'recordConferenceOutcome', 'recordHandler'],
          },
        ],
      },
    },
    publicNotice: {
      meta: {
        description:
          'Public notice before appointment (任前公示): anyone may object; an objection is checked before the appointment goes ahead',
        applicantStatus: 'Appointment decided: under public notice before it takes effect',
        deadlines: [
          {
            kind: PUBLIC_NOTICE_DEADLINE,
            owner: 'office',
            basis: 'Before appointment the decision is publicly noticed for at least 5 working days; its end is reported to the case',
            from: { contextField: 'noticeStartedAt' },
            limit: { kind: 'workingDays', days: 5 },
            period: true,
            ladder: periodLadder({
              endEvent: DEADLINE_MISSED,
              notify: ['assignee', 'organizationDepartment'],
              followUp: { kind: 'afterDueWorkingDays', days: 1 },
            }),
          },
        ],
      } satisfies StateMeta,
      on: {
        [DEADLINE_MISSED]: { guard: 'endsNoticePeriod', actions: 'recordNoticeEnd' },
        OBJECTION_RECEIVED: { target: 'organizationalInspection', guard: 'notOwnCase', actions: ['recordObjection', 'recordHandler'] },
        NOTICE_PERIOD_ENDED: {
          target: 'probation',
          guard: and(['noticePeriodOver', 'notOwnCase']),
          actions: ['startProbation', 'recordHandler'],
        },
      },
    },
    probation: {
      meta: {
        description: 'Appointed on probation: performance is assessed and the public may still watch; then confirmed or revoked',
        applicantStatus: 'Appointed on probation: your performance is assessed before the appointment is confirmed',
        deadlines: [
          {
            kind: 'probationPeriod',
            owner: 'office',
            basis:
              'An official appointed on self-recommendation serves a one-year probation with performance assessment before confirmation',
            from: { contextField: 'probationStartedAt' },
            limit: { kind: 'duration', minutes: PROBATION_MINUTES },
            period: true,
            ladder: periodLadder({ notify: ['organizationDepartment'], followUp: { kind: 'afterDueWorkingDays', days: 10 } }),
          },
        ],
      } satisfies StateMeta,
      on: {
        RECORD_ASSESSMENT: { guard: 'notOwnCase', actions: ['recordAssessment', 'recordHandler'] },
        CONFIRM: {
          target: 'confirmed',
          guard: and(['probationServed', 'probationAssessmentPassed', 'hasReason', 'notOwnCase']),
          actions: ['recordProbationOutcome', 'recordHandler'],
        },
        REVOKE: { target: 'revoked', guard: and(['hasReason', 'notOwnCase']), actions: ['recordProbationOutcome', 'recordHandler'] },
      },
    },
    rejected: {
      type: 'final',
      meta: { description: 'Not appointed: found not eligible, or rejected by the joint conference', applicantStatus: NOT_APPOINTED } satisfies StateMeta,
    },
    rejectedForMisconduct: {
      type: 'final',
      meta: {
        description:
          'Rejected for misconduct the joint conference found (fraud, concealment of facts or favouritism): the findings are on record',
        applicantStatus: NOT_APPOINTED,
      } satisfies StateMeta,
    },
    reserved: {
      type: 'final',
      meta: { description: 'Not appointed now: kept in the talent pool by the joint conference', applicantStatus: 'Not appointed now: you are kept in the talent pool' } satisfies StateMeta,
    },
    confirmed: {
      type: 'final',
      meta: { description: 'Probation served and assessment passed: the appointment is confirmed', applicantStatus: 'Confirmed: your appointment is confirmed' } satisfies StateMeta,
    },
    revoked: {
      type: 'final',
      meta: { description: 'The appointment was revoked', applicantStatus: 'Revoked: the appointment was revoked' } satisfies StateMeta,
    },
  },
});

/** The self-recommendation case type, as the engine runs it. */
export const selfRecommendation: CaseDefinition<typeof machine, typeof selfRecommendationEvents, typeof selfRecommendationInput> = {
  type: 'selfRecommendation',
  machineVersion: 1,
  title: 'Self-recommendation for a post',
  machine,
  events: selfRecommendationEvents,
  input: selfRecommendationInput,
  createRoles: ['official', 'organizationDepartment'],
  /**
   * Confidential: read only by those who handle it (the channel holder it was given to, while it is
   * assigned to them), the Organization Department, the Discipline Inspection Commission and the
   * conference chair of the joint conference, and admins. Not by intake clerks, verifiers,
   * supervisors or unit liaisons.
   */
  readers: ['partyOrganizationHead', 'mainLeader', 'organizationDepartment', 'disciplineCommission', 'conferenceChair', 'admin'],
  openerRule: (input, opener) =>
    opener.role === 'official' && !sameOfficial(opener.id, input.candidate.officialId)
      ? 'An official may recommend only themself; a recommendation of someone else goes through the Organization Department'
      : null,
  guardRules: {
    hasReason: 'A decision needs a reason',
    notOwnCase: 'Nobody handles, verifies or decides their own self-recommendation',
    cameThroughOrganizationDepartment: 'A self-recommendation made to the Organization Department goes straight to its eligibility check',
    holdsChannel:
      'Only the holder of the channel the self-recommendation came through passes it on: the responsible person of the Party organization, or the main leader it was given to',
    escalatesForwarding: 'Only the red card of the forwarding limit hands the self-recommendation to the Organization Department',
    eligibilityFindingIs: 'The case follows the eligibility finding: eligible goes on to inspection, not eligible is rejected',
    allChecksPassed: 'A candidate is found eligible only when the qualifications, record and integrity checks all passed',
    objectionsAnswered: 'After an objection, the new inspection must record what checking the objection found',
    independentViews:
      'The Organization Department’s and the Discipline Inspection Commission’s views come from two different people',
    bothViewsRecorded:
      'The conference decides only after both the Organization Department and the Discipline Inspection Commission recorded their view',
    noIntegrityConcerns:
      'Nobody is appointed or kept in the talent pool when a view found fraud, concealment of facts or favouritism ("running for office")',
    outcomeIs: 'The case follows the outcome the conference decided',
    misconductOnRecord:
      'A rejection for misconduct names only misconduct (fraud, concealment, favouritism) that a department’s view found',
    endsNoticePeriod: 'Only the public-notice deadline ends the notice period',
    noticePeriodOver: 'The public notice is closed only after its 5 working days have run out',
    probationServed: 'An appointment is confirmed only after the one-year probation',
    probationAssessmentPassed: 'An appointment is confirmed only when the latest probation assessment is excellent or competent',
  },
  index: (context: unknown): CaseIndexFields => {
    const c = context as SelfRecommendationContext;
    return { unit: c.candidate.unit, assignee: c.lastHandler ?? c.channelHolderId ?? null, subjectId: c.candidate.officialId, timeZone: c.timeZone };
  },
};
