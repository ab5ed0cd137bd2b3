/**
 * A clue about a "lying flat" official, handled as discipline-inspection practice handles problem clues:
 * registration, acceptance, a disposal decided collectively, verification, a joint conference of the
 * Organization Department and the Discipline Inspection Commission, then a decision — or the clue is
 * set aside, closed with no case to answer, or declared out of scope.
 * A named reporter's identity is never part of the case: the engine keeps it apart.
 */
import { and, assign, setup } from 'xstate';
import { z } from 'zod';
import { appendView, conferenceDecision, departmentViewLimits, independentOfOtherView, type ConferenceDecisionRecord, type Department } from './conference';
import { DEADLINE_ESCALATED, standardLadder, workingDaysLimit } from './deadlines';
import { officialId, sameOfficial } from './officials';
import { deadlineEscalatedEvent, hasReason, reason, reasonOf, text, timeZone } from './payloads';
import type { RectificationInput } from './rectification';
import type { Actor, CaseDefinition, CaseIndexFields, CaseInput, EventsOf, LinkedCaseRequest, NoticeRequest, Recipient, StateMeta } from './types';

/** The ten published aspects of "lying flat" a clue can report. */
export const CLUE_ASPECTS = [
  'goingThroughMotions',
  'ignorantOfOwnWork',
  'shirkingAndPassingTheBuck',
  'performingForShow',
  'slowResponseToPublic',
  'afraidToTakeResponsibility',
  'waitingForInstructions',
  'draggingFeet',
  'absentInSpirit',
  'concealingProblems',
] as const;
export type ClueAspect = (typeof CLUE_ASPECTS)[number];

/** What each aspect means, in the words of the published list. */
export const clueAspectTitles: Readonly<Record<ClueAspect, string>> = {
  goingThroughMotions: 'Content with going through the motions ("I worked, I passed; I attended, I am satisfied")',
  ignorantOfOwnWork: 'Cannot answer any question about their own work',
  shirkingAndPassingTheBuck: 'Shirking and passing the buck',
  performingForShow: '"Performing" work for show instead of doing it',
  slowResponseToPublic: 'Slow or no response to the public’s needs',
  afraidToTakeResponsibility: 'Afraid to take responsibility: avoids decisions for fear of mistakes',
  waitingForInstructions: 'Waits, relies and asks: acts only when instructed',
  draggingFeet: 'Drags their feet: tasks left late or unfinished',
  absentInSpirit: 'At the post but absent in spirit',
  concealingProblems: 'Conceals problems and reports only good news',
};

/** How a clue reached the office. */
export const CLUE_CHANNELS = ['hotline', 'form', 'letter', 'visit', 'unitReferral'] as const;

/** The disposal routes a collective review can choose (谈话函询, 初步核实, 暂存待查, 予以了结). */
export const DISPOSAL_ROUTES = ['talkOrWrittenInquiry', 'preliminaryVerification', 'setAsidePendingChecks', 'closedNoCase'] as const;
export type DisposalRoute = (typeof DISPOSAL_ROUTES)[number];

/** What a joint conference can decide. */
export const DECISION_OUTCOMES = ['dismissed', 'admonished', 'rectificationOrdered', 'adjusted', 'referredToDiscipline'] as const;
export type DecisionOutcome = (typeof DECISION_OUTCOMES)[number];

/** How a clue ended: a conference decision, or an earlier end. */
export type ClueResult = DecisionOutcome | 'outOfScope' | 'closedNoCase' | 'forwardedToCommission';

/** Calendar days a formal investigation (立案) runs before its findings go to the joint conference. */
export const FORMAL_INVESTIGATION_DAYS = 90;

/** Minutes the unit of an official ordered to rectify gets to submit its plan: one week. */
export const RECTIFICATION_PLAN_DUE_MINUTES = 7 * 24 * 60;

/**
 * The answer to a named reporter, carried by an event that ends the clue before any decision (out of
 * scope, forwarded, closed with no case): it tells them both whether the clue was accepted and the result.
 * Optional in the schema: the machine's guards require it of a named reporter and refuse it for an anonymous one.
 */
const reporterAnswer = text('the answer to the named reporter').optional();

const aspect = z.enum(CLUE_ASPECTS, { error: `the aspect must be one of: ${CLUE_ASPECTS.join(', ')}` });
const outcome = z.enum(DECISION_OUTCOMES, { error: `the outcome must be one of: ${DECISION_OUTCOMES.join(', ')}` });

export const clueInput = z.strictObject({
  aspect,
  summary: text('the summary of the clue'),
  channel: z.enum(CLUE_CHANNELS, { error: `the channel must be one of: ${CLUE_CHANNELS.join(', ')}` }),
  anonymous: z.boolean({ error: 'anonymous must be true or false' }),
  subject: z.strictObject({
    /** Left out when the reporter does not know it (the public form): the intake clerk identifies the official at registration. */
    officialId: officialId('the id of the official reported').optional(),
    name: text('the name of the official reported'),
    post: text('the post of the official reported'),
    unit: text('the unit of the official reported'),
  }),
  /** The handling unit. Defaults to the unit of the official reported. */
  unit: text('the handling unit').optional(),
  /** The same rule as a rectification's zone, so that a linked rectification accepts it. */
  timeZone,
});
export type ClueInput = z.infer<typeof clueInput>;

export const clueEvents = {
  REGISTER: {
    summary: 'Register the clue: give it a number in the ledger and name its handler',
    roles: ['intakeClerk'],
    payload: z.strictObject({
      clueNumber: z
        .string({ error: 'the clue number must be text' })
        .trim()
        .regex(/^[A-Z]{1,8}-\d{4}-\d{1,8}$/, 'the clue number must look like XS-2026-0001'),
      handlerId: officialId('the handler'),
      /** The official identified (or the report's subject corrected) at registration; needed when the report gave no official id. */
      subject: z
        .strictObject({
          officialId: officialId('the id of the official reported'),
          name: text('the name of the official reported').optional(),
          post: text('the post of the official reported').optional(),
          unit: text('the unit of the official reported').optional(),
        })
        .optional(),
    }),
  },
  ACCEPT: {
    summary: 'Accept the clue for handling, correcting its aspect if it was misclassified',
    roles: ['intakeClerk', 'conferenceChair'],
    payload: z.strictObject({ aspect: aspect.optional() }),
  },
  DECLARE_OUT_OF_SCOPE: {
    summary: 'Declare the clue out of scope, forwarding it to the body it belongs to if any; a named reporter is answered in the same event',
    roles: ['intakeClerk', 'conferenceChair'],
    payload: z.strictObject({ reason, forwardedTo: text('the body the clue is forwarded to').optional(), reporterAnswer }),
  },
  FORWARD_TO_COMMISSION: {
    summary: 'Forward a clue outside the office’s remit to the commission it belongs to, naming it, and close it here; a named reporter is answered in the same event',
    roles: ['intakeClerk', 'conferenceChair'],
    payload: z.strictObject({ reason, commission: text('the commission the clue is forwarded to'), reporterAnswer }),
  },
  CHOOSE_DISPOSAL: {
    summary: 'Record the disposal route the collective review chose; closing with no case answers a named reporter in the same event',
    roles: ['conferenceChair'],
    payload: z
      .strictObject({
        route: z.enum(DISPOSAL_ROUTES, { error: `the route must be one of: ${DISPOSAL_ROUTES.join(', ')}` }),
        reason,
        reporterAnswer,
      })
      .refine((p) => p.reporterAnswer === undefined || p.route === 'closedNoCase', {
        path: ['reporterAnswer'],
        message: 'the reporter is answered with the route closedNoCase only, which ends the clue: leave reporterAnswer out for the other routes',
      }),
  },
  ASSIGN_VERIFIER: {
    summary: 'Name the verifier who checks the facts',
    roles: ['intakeClerk', 'conferenceChair'],
    payload: z.strictObject({ verifierId: officialId('the verifier') }),
  },
  RECORD_FINDINGS: {
    summary: 'Record the findings of the talk, written inquiry or verification',
    roles: ['verifier'],
    payload: z.strictObject({ findings: text('the findings') }),
  },
  OPEN_FORMAL_INVESTIGATION: {
    summary: 'Turn the verification into a formal investigation (立案), on a standing-committee decision',
    roles: ['conferenceChair'],
    payload: z.strictObject({ reason, standingCommitteeDecision: text('the standing committee’s decision') }),
  },
  SET_ASIDE: {
    summary: 'Set the clue aside pending later checks: the problem cannot be fully ruled out',
    roles: ['conferenceChair'],
    payload: z.strictObject({ reason }),
  },
  NEW_EVIDENCE: {
    summary: 'New evidence arrived: verify the set-aside clue again',
    roles: ['intakeClerk', 'verifier', 'system'],
    payload: z.strictObject({ evidence: text('the new evidence') }),
  },
  SUBMIT_TO_CONFERENCE: {
    summary: 'Submit the findings to the joint conference',
    roles: ['verifier', 'conferenceChair'],
    // Not `{}`: an empty strict object infers `Record<string, never>`, which erases the event envelope in EventsOf.
    payload: z.strictObject({ note: text('the covering note').optional() }),
  },
  RECORD_OD_VIEW: {
    summary: 'Record the Organization Department’s view and recommended outcome',
    roles: ['organizationDepartment'],
    payload: z.strictObject({ view: text('the view'), recommendedOutcome: outcome }),
  },
  RECORD_DIC_VIEW: {
    summary: 'Record the Discipline Inspection Commission’s view and recommended outcome',
    roles: ['disciplineCommission'],
    payload: z.strictObject({ view: text('the view'), recommendedOutcome: outcome }),
  },
  DECIDE: {
    summary: 'Record the joint conference’s decision, and any dissent',
    roles: ['conferenceChair'],
    payload: z.strictObject({ outcome, reason, dissent: text('the dissent').optional() }),
  },
  CLOSE: {
    summary: 'Close the clue once its decision is carried out',
    roles: ['intakeClerk', 'conferenceChair'],
    payload: z.strictObject({ note: text('the closing note').optional() }),
  },
  ANSWER_REPORTER: {
    summary: 'Answer the named reporter with the result: sent through the notification channel, their identity staying sealed',
    roles: ['intakeClerk', 'conferenceChair'],
    payload: z.strictObject({ answer: text('the answer to the reporter') }),
  },
  ANSWER_REPORTER_ACCEPTANCE: {
    summary: 'Tell the named reporter that their clue was accepted for handling: sent through the notification channel, their identity staying sealed',
    roles: ['intakeClerk', 'conferenceChair'],
    payload: z.strictObject({ answer: text('the answer to the reporter') }),
  },
  [DEADLINE_ESCALATED]: deadlineEscalatedEvent,
} as const;

export type ClueEvent = EventsOf<typeof clueEvents>;

/** A red card on one of the clue's limits, as the ladder escalated it. */
export interface ClueEscalation {
  kind: string;
  at: string;
  /** The how-manieth red card of the case. */
  level: number;
  /** The bodies the ladder's red rung escalated it to. */
  to: Recipient[];
}

/** A department's view at the joint conference. */
export interface ConferenceView {
  text: string;
  recommendedOutcome: DecisionOutcome;
  by: string;
  at: string;
}

export interface ClueContext {
  caseId: string;
  openedAt: string;
  openedBy: Actor;
  timeZone: string;
  aspect: ClueAspect;
  summary: string;
  channel: (typeof CLUE_CHANNELS)[number];
  anonymous: boolean;
  /** `officialId` is null until the intake clerk identifies the official a public report named. */
  subject: { officialId: string | null; name: string; post: string; unit: string };
  unit: string;
  clueNumber: string | null;
  handlerId: string | null;
  registeredAt: string | null;
  acceptance: { by: string; at: string } | null;
  disposal: { route: DisposalRoute; reason: string; by: string; at: string } | null;
  verifierId: string | null;
  findings: { text: string; by: string; at: string } | null;
  /** Findings of earlier verification rounds, before the clue was set aside. */
  earlierFindings: { text: string; by: string; at: string }[];
  setAsides: { reason: string; by: string; at: string }[];
  evidence: { text: string; by: string; at: string }[];
  /** The latest view of each department: the one the decision is taken on. */
  views: { organizationDepartment: ConferenceView | null; disciplineCommission: ConferenceView | null };
  /** Every view recorded, oldest first: a view recorded again never erases the earlier one. */
  viewLog: (ConferenceView & { department: Department })[];
  /** The conference decision: the recommendations it followed or departed from, and any dissent. */
  conferenceDecision: ConferenceDecisionRecord<DecisionOutcome> | null;
  outcome: { result: ClueResult; reason: string; by: string; at: string; forwardedTo: string | null } | null;
  closure: { note: string | null; by: string; at: string } | null;
  /** The red cards of the clue's limits, oldest first (absent on cases opened before they were recorded). */
  escalations?: ClueEscalation[];
  /** The answer sent to a named reporter (absent on older cases); an anonymous reporter reads the status with their receipt. */
  reporterAnswer?: { text: string; by: string; at: string } | null;
  /** The answer telling a named reporter that their clue was accepted (absent on older cases). */
  acceptanceAnswer?: { text: string; by: string; at: string } | null;
  /** The formal investigation a verification was turned into, if any (absent on older cases). */
  formalInvestigation?: { reason: string; standingCommitteeDecision: string; by: string; at: string } | null;
  /** Whose supervision the latest red card put the case under, or null before any (absent on older cases). */
  supervision?: { by: Recipient[]; deadlineKind: string; since: string; level: number } | null;
}

/** Working days within which a named reporter is told the result (discipline-inspection practice: 15). */
export const REPORTER_ANSWER_WORKING_DAYS = 15;

/** Working days from receipt within which a named reporter is told whether their clue was accepted (discipline-inspection practice: 15). */
export const ACCEPTANCE_ANSWER_WORKING_DAYS = 15;

/** Every clue limit's red card is sent into the case (DEADLINE_ESCALATED): no silent red card. */
const redCardIntoCase = { escalatedEvent: DEADLINE_ESCALATED } as const;

/** Whom a red card escalates the clue to: the ladder's red rung says, else the Discipline Inspection Commission. */
const escalatedTo = (event: ClueEvent): Recipient[] =>
  event.type === DEADLINE_ESCALATED && event.escalatedTo?.length ? [...event.escalatedTo] : ['disciplineCommission'];

/** The guard that selects a disposal branch by the route chosen. */
const routeIs = (...routes: DisposalRoute[]) => ({ type: 'routeIs' as const, params: { routes } });

const view = (event: ClueEvent): ConferenceView | null =>
  event.type === 'RECORD_OD_VIEW' || event.type === 'RECORD_DIC_VIEW'
    ? { text: event.view, recommendedOutcome: event.recommendedOutcome, by: event.actor.id, at: event.at }
    : null;

/** The answer an event that ends the clue carries for a named reporter, if any. */
const endingAnswerOf = (event: ClueEvent): string | undefined =>
  event.type === 'DECLARE_OUT_OF_SCOPE' || event.type === 'FORWARD_TO_COMMISSION' || event.type === 'CHOOSE_DISPOSAL' ? event.reporterAnswer : undefined;

/** The notice answering a named reporter when the clue ends before any decision: it names where the clue went. */
const endingNotice = ({ context, event }: { context: ClueContext; event: ClueEvent }): NoticeRequest => {
  const clue = context.clueNumber ?? context.caseId;
  const subject =
    event.type === 'FORWARD_TO_COMMISSION'
      ? `Your clue ${clue} was forwarded to ${event.commission}, which handles it`
      : event.type === 'DECLARE_OUT_OF_SCOPE'
        ? `Your clue ${clue} is outside this office’s remit${event.forwardedTo ? ` and was passed to ${event.forwardedTo}` : ''}`
        : `The result of your clue ${clue}`;
  return { recipient: 'reporter', step: 'reporterAnswer', subject, body: endingAnswerOf(event) ?? '' };
};

/** The notice telling a named reporter that their clue was accepted. */
const acceptanceNotice = ({ context, event }: { context: ClueContext; event: ClueEvent }): NoticeRequest => ({
  recipient: 'reporter',
  step: 'reporterAcceptanceAnswer',
  subject: `Your clue ${context.clueNumber ?? context.caseId} was accepted for handling`,
  body: event.type === 'ANSWER_REPORTER_ACCEPTANCE' ? event.answer : '',
});

/** The linked rectification's report title, cut to fit its 4,000-character field however long the names are. */
export const rectificationReportTitle = (context: ClueContext): string => {
  const clip = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);
  return clip(
    `Clue ${context.clueNumber ?? context.caseId}: ${clip(context.subject.name, 200)} (${clip(context.subject.post, 200)}) — ${clueAspectTitles[context.aspect]}`,
    4000,
  );
};

/** The official a clue is about once `event` is taken: a REGISTER may identify or correct them. */
const subjectIdAfter = (context: ClueContext, event: ClueEvent): string | null =>
  event.type === 'REGISTER' && event.subject ? event.subject.officialId : context.subject.officialId;

/**
 * Telling a named reporter that their clue was accepted: offered in every state after acceptance until
 * they are told, or answered with the result (which tells them too). It meets `clueAcceptanceAnswerDue`.
 */
const answerAcceptance = {
  guard: and(['namedReporter', 'reporterNotYetToldOfAcceptance', 'notSubjectOfCase']),
  actions: ['recordAcceptanceAnswer', { type: 'sendNotice', params: acceptanceNotice }],
} as const;

/**
 * An event that ends the clue before any decision (out of scope, forwarded, closed with no case) takes one
 * of two transitions to its end. For a named reporter the event carries the answer (`reporterAnswer`),
 * sent as a notice like the result answer and telling them both whether the clue was accepted and how it
 * ended: nothing is left owed when the clue finishes. An anonymous reporter is not answered (they read the
 * status with their receipt). The named branch comes first, so a refusal names the rule the caseworker missed.
 */
const NAMED_AND_ANSWERED = ['namedReporter', 'givesReporterAnswer'] as const;
const ANONYMOUS_AND_UNANSWERED = ['anonymousReporter', 'givesNoReporterAnswer'] as const;
const ANSWER_ON_ENDING = ['recordReporterAnswer', { type: 'sendNotice', params: endingNotice }] as const;

const machine = setup({
  types: {
    context: {} as ClueContext,
    events: {} as ClueEvent,
    input: {} as CaseInput<ClueInput>,
  },
  guards: {
    hasReason,
    notSubjectOfCase: ({ context, event }) => !sameOfficial(event.actor.id, subjectIdAfter(context, event)),
    appointeeIsNotSubject: ({ context, event }) =>
      !sameOfficial(
        event.type === 'REGISTER' ? event.handlerId : event.type === 'ASSIGN_VERIFIER' ? event.verifierId : null,
        subjectIdAfter(context, event),
      ),
    subjectIdentified: ({ context, event }) => subjectIdAfter(context, event) !== null,
    actorIsAssignedVerifier: ({ context, event }) => sameOfficial(event.actor.id, context.verifierId),
    findingsRecorded: ({ context }) => context.findings !== null,
    bothViewsRecorded: ({ context }) => context.views.organizationDepartment !== null && context.views.disciplineCommission !== null,
    independentViews: ({ context, event }) => independentOfOtherView(context.views, event.type, event.actor.id),
    routeIs: ({ event }, params: { routes: readonly DisposalRoute[] }) =>
      event.type === 'CHOOSE_DISPOSAL' && params.routes.includes(event.route),
    outcomeIs: ({ event }, params: { outcome: DecisionOutcome }) => event.type === 'DECIDE' && event.outcome === params.outcome,
    namedReporter: ({ context }) => !context.anonymous,
    reporterNotYetAnswered: ({ context }) => (context.reporterAnswer ?? null) === null,
    reporterAnsweredIfNamed: ({ context }) => context.anonymous || (context.reporterAnswer ?? null) !== null,
    anonymousReporter: ({ context }) => context.anonymous,
    givesReporterAnswer: ({ event }) => endingAnswerOf(event) !== undefined,
    givesNoReporterAnswer: ({ event }) => endingAnswerOf(event) === undefined,
    reporterNotYetToldOfAcceptance: ({ context }) => (context.acceptanceAnswer ?? null) === null && (context.reporterAnswer ?? null) === null,
  },
  actions: {
    recordRegistration: assign(({ context, event }) =>
      event.type === 'REGISTER'
        ? {
            clueNumber: event.clueNumber,
            handlerId: event.handlerId,
            registeredAt: event.at,
            subject: event.subject ? { ...context.subject, ...event.subject } : context.subject,
          }
        : {},
    ),
    recordAcceptance: assign(({ context, event }) => ({
      acceptance: { by: event.actor.id, at: event.at },
      aspect: event.type === 'ACCEPT' && event.aspect ? event.aspect : context.aspect,
    })),
    recordDisposal: assign({
      disposal: ({ event }) =>
        event.type === 'CHOOSE_DISPOSAL' ? { route: event.route, reason: reasonOf(event), by: event.actor.id, at: event.at } : null,
    }),
    recordVerifier: assign({ verifierId: ({ context, event }) => (event.type === 'ASSIGN_VERIFIER' ? event.verifierId : context.verifierId) }),
    recordFindings: assign({
      findings: ({ context, event }) =>
        event.type === 'RECORD_FINDINGS' ? { text: event.findings, by: event.actor.id, at: event.at } : context.findings,
    }),
    recordSetAside: assign({
      setAsides: ({ context, event }) => [...context.setAsides, { reason: reasonOf(event), by: event.actor.id, at: event.at }],
    }),
    /** New evidence opens a new verification round: the last round's findings become history. */
    recordNewEvidence: assign(({ context, event }) => ({
      evidence: [...context.evidence, { text: event.type === 'NEW_EVIDENCE' ? event.evidence : '', by: event.actor.id, at: event.at }],
      earlierFindings: context.findings ? [...context.earlierFindings, context.findings] : context.earlierFindings,
      findings: null,
    })),
    recordOrganizationDepartmentView: assign(({ context, event }) => appendView(context, 'organizationDepartment', view(event))),
    recordDisciplineCommissionView: assign(({ context, event }) => appendView(context, 'disciplineCommission', view(event))),
    recordConferenceDecision: assign({
      conferenceDecision: ({ context, event }) =>
        event.type === 'DECIDE' ? conferenceDecision(context.views, { outcome: event.outcome, dissent: event.dissent, by: event.actor.id, at: event.at }) : null,
    }),
    recordOutcome: assign({
      outcome: ({ event }) => ({
        result:
          event.type === 'DECIDE'
            ? event.outcome
            : event.type === 'DECLARE_OUT_OF_SCOPE'
              ? ('outOfScope' as const)
              : event.type === 'FORWARD_TO_COMMISSION'
                ? ('forwardedToCommission' as const)
                : ('closedNoCase' as const),
        reason: reasonOf(event),
        by: event.actor.id,
        at: event.at,
        forwardedTo:
          event.type === 'DECLARE_OUT_OF_SCOPE' ? (event.forwardedTo ?? null) : event.type === 'FORWARD_TO_COMMISSION' ? event.commission : null,
      }),
    }),
    /** The result answer: ANSWER_REPORTER, or the answer an event that ends the clue carries. */
    recordReporterAnswer: assign({
      reporterAnswer: ({ context, event }) => {
        const answer = event.type === 'ANSWER_REPORTER' ? event.answer : endingAnswerOf(event);
        return answer !== undefined ? { text: answer, by: event.actor.id, at: event.at } : (context.reporterAnswer ?? null);
      },
    }),
    recordAcceptanceAnswer: assign({
      acceptanceAnswer: ({ context, event }) =>
        event.type === 'ANSWER_REPORTER_ACCEPTANCE' ? { text: event.answer, by: event.actor.id, at: event.at } : (context.acceptanceAnswer ?? null),
    }),
    sendNotice: (_, _params: NoticeRequest) => {},
    /** The verification becomes a formal investigation: its findings so far become history, the investigation records its own. */
    recordFormalInvestigation: assign(({ context, event }) => ({
      formalInvestigation:
        event.type === 'OPEN_FORMAL_INVESTIGATION'
          ? { reason: reasonOf(event), standingCommitteeDecision: event.standingCommitteeDecision, by: event.actor.id, at: event.at }
          : (context.formalInvestigation ?? null),
      earlierFindings: context.findings ? [...context.earlierFindings, context.findings] : context.earlierFindings,
      findings: null,
    })),
    recordClosure: assign({
      closure: ({ event }) => ({ note: event.type === 'CLOSE' ? (event.note ?? null) : null, by: event.actor.id, at: event.at }),
    }),
    /** A red card on a limit: recorded in `escalations`, and the case comes under the supervision of whom the ladder escalates to. */
    recordEscalation: assign(({ context, event }) => {
      const kind = event.type === DEADLINE_ESCALATED ? event.deadlineKind : 'unknown';
      const level = (context.escalations?.length ?? 0) + 1;
      const to = escalatedTo(event);
      return {
        escalations: [...(context.escalations ?? []), { kind, at: event.at, level, to }],
        supervision: { by: to, deadlineKind: kind, since: event.at, level },
      };
    }),
    openLinkedCase: (_, _params: LinkedCaseRequest) => {},
  },
}).createMachine({
  id: 'clue',
  context: ({ input }) => ({
    caseId: input.caseId,
    openedAt: input.openedAt,
    openedBy: input.openedBy,
    timeZone: input.timeZone,
    aspect: input.aspect,
    summary: input.summary,
    channel: input.channel,
    anonymous: input.anonymous,
    subject: { ...input.subject, officialId: input.subject.officialId ?? null },
    unit: input.unit ?? input.subject.unit,
    clueNumber: null,
    handlerId: null,
    registeredAt: null,
    acceptance: null,
    disposal: null,
    verifierId: null,
    findings: null,
    earlierFindings: [],
    setAsides: [],
    evidence: [],
    views: { organizationDepartment: null, disciplineCommission: null },
    viewLog: [],
    conferenceDecision: null,
    outcome: null,
    closure: null,
    escalations: [],
    supervision: null,
    reporterAnswer: null,
    acceptanceAnswer: null,
    formalInvestigation: null,
  }),
  meta: {
    description: 'A clue, from its receipt until it is concluded',
    // Runs on the root, from the receipt, across every state until met: only for a named reporter (an anonymous
    // one reads the status with their receipt code). Met by the acceptance answer, or by the result answer;
    // an event that ends the clue carries its answer, and the finished case closes the limit.
    deadlines: workingDaysLimit(
      'clueAcceptanceAnswerDue',
      `A real-name reporter is told whether their clue is accepted within ${ACCEPTANCE_ANSWER_WORKING_DAYS} working days of its receipt (discipline-inspection practice)`,
      ACCEPTANCE_ANSWER_WORKING_DAYS,
      'office',
      redCardIntoCase,
    ).map((spec) => ({
      ...spec,
      from: { contextField: 'openedAt' },
      metBy: ['ANSWER_REPORTER_ACCEPTANCE', 'ANSWER_REPORTER'],
      onlyWhen: { contextField: 'anonymous', is: false },
    })),
  } satisfies StateMeta,
  initial: 'received',
  // a red card may come in any state with a limit; the case stays where it is, now under supervision
  on: { [DEADLINE_ESCALATED]: { guard: 'notSubjectOfCase', actions: 'recordEscalation' } },
  states: {
    received: {
      meta: {
        description: 'The clue arrived; it is registered in the ledger and given a handler',
        reporterStatus: 'Received: your clue is waiting to be registered',
        deadlines: workingDaysLimit(
          'clueRegistrationDue',
          'Every clue gets a number and a ledger entry within 5 working days of its receipt',
          5,
          'office',
          redCardIntoCase,
        ),
      } satisfies StateMeta,
      on: {
        REGISTER: {
          target: 'screening',
          guard: and(['subjectIdentified', 'notSubjectOfCase', 'appointeeIsNotSubject']),
          actions: 'recordRegistration',
        },
      },
    },
    screening: {
      meta: {
        description: 'The clue is screened: accepted or not, then its disposal is decided collectively',
        reporterStatus: 'Registered: your clue is being reviewed',
      } satisfies StateMeta,
      initial: 'acceptance',
      states: {
        acceptance: {
          meta: {
            description: 'The office decides whether the clue is within its remit',
            // counted from the receipt, not the registration: a clue for a higher commission is forwarded, and a clue passed
            // down is accepted or re-routed, within 5 working days of reaching the office, however long registering took
            deadlines: workingDaysLimit(
              'clueAcceptanceDue',
              'A clue is accepted, or re-routed (forwarded to the commission it belongs to, or declared out of scope and passed on), within 5 working days of its receipt; a clue passed down from a higher body as any other',
              5,
              'office',
              redCardIntoCase,
            ).map((spec) => ({ ...spec, from: { contextField: 'openedAt' } })),
          } satisfies StateMeta,
          on: {
            ACCEPT: { target: 'collectiveReview', guard: 'notSubjectOfCase', actions: 'recordAcceptance' },
            DECLARE_OUT_OF_SCOPE: [
              { target: '#clue.outOfScope', guard: and(['hasReason', 'notSubjectOfCase', ...NAMED_AND_ANSWERED]), actions: ['recordOutcome', ...ANSWER_ON_ENDING] },
              { target: '#clue.outOfScope', guard: and(['hasReason', 'notSubjectOfCase', ...ANONYMOUS_AND_UNANSWERED]), actions: 'recordOutcome' },
            ],
            FORWARD_TO_COMMISSION: [
              {
                target: '#clue.forwardedToCommission',
                guard: and(['hasReason', 'notSubjectOfCase', ...NAMED_AND_ANSWERED]),
                actions: ['recordOutcome', ...ANSWER_ON_ENDING],
              },
              { target: '#clue.forwardedToCommission', guard: and(['hasReason', 'notSubjectOfCase', ...ANONYMOUS_AND_UNANSWERED]), actions: 'recordOutcome' },
            ],
          },
        },
        collectiveReview: {
          meta: {
            description: 'The disposal route is decided collectively and signed off',
            deadlines: workingDaysLimit(
              'clueDisposalDue',
              'The collective review and sign-off of a disposal route take 1–3 working days per approval level; 3 in all',
              3,
              'office',
              redCardIntoCase,
            ),
          } satisfies StateMeta,
          on: {
            CHOOSE_DISPOSAL: [
              // the ending route first: a refusal of it names the reporter's answer, not the route
              {
                target: '#clue.closedNoCase',
                guard: and([routeIs('closedNoCase'), 'hasReason', 'notSubjectOfCase', ...NAMED_AND_ANSWERED]),
                actions: ['recordDisposal', 'recordOutcome', ...ANSWER_ON_ENDING],
              },
              {
                target: '#clue.closedNoCase',
                guard: and([routeIs('closedNoCase'), 'hasReason', 'notSubjectOfCase', ...ANONYMOUS_AND_UNANSWERED]),
                actions: ['recordDisposal', 'recordOutcome'],
              },
              {
                target: '#clue.verification',
                guard: and([routeIs('talkOrWrittenInquiry', 'preliminaryVerification'), 'hasReason', 'notSubjectOfCase']),
                actions: 'recordDisposal',
              },
              {
                target: '#clue.setAside',
                guard: and([routeIs('setAsidePendingChecks'), 'hasReason', 'notSubjectOfCase']),
                actions: ['recordDisposal', 'recordSetAside'],
              },
            ],
            ANSWER_REPORTER_ACCEPTANCE: answerAcceptance,
          },
        },
      },
    },
    verification: {
      meta: {
        description: 'A verifier holds the talk or written inquiry, or checks the facts',
        reporterStatus: 'In progress: your clue is being handled',
        deadlines: workingDaysLimit(
          'clueVerificationDue',
          'A talk or written inquiry, or a preliminary verification, is completed in about 15 working days',
          15,
          'office',
          redCardIntoCase,
        ),
      } satisfies StateMeta,
      on: {
        ASSIGN_VERIFIER: { guard: and(['notSubjectOfCase', 'appointeeIsNotSubject']), actions: 'recordVerifier' },
        RECORD_FINDINGS: { guard: and(['actorIsAssignedVerifier', 'notSubjectOfCase']), actions: 'recordFindings' },
        SET_ASIDE: { target: 'setAside', guard: and(['hasReason', 'notSubjectOfCase']), actions: 'recordSetAside' },
        SUBMIT_TO_CONFERENCE: { target: 'jointConference', guard: and(['findingsRecorded', 'notSubjectOfCase']) },
        OPEN_FORMAL_INVESTIGATION: { target: 'formalInvestigation', guard: and(['hasReason', 'notSubjectOfCase']), actions: 'recordFormalInvestigation' },
        ANSWER_REPORTER_ACCEPTANCE: answerAcceptance,
      },
    },
    formalInvestigation: {
      meta: {
        description: 'A formal investigation (立案) on a standing-committee decision: the facts are investigated in full',
        // the same words as verification: a reporter does not learn that a formal investigation was opened
        reporterStatus: 'In progress: your clue is being handled',
        deadlines: [
          {
            kind: 'clueInvestigationDue',
            owner: 'office',
            basis: `A formal investigation is concluded within ${FORMAL_INVESTIGATION_DAYS} days of the standing committee’s decision (discipline-inspection practice)`,
            limit: { kind: 'duration', minutes: FORMAL_INVESTIGATION_DAYS * 24 * 60 },
            ladder: standardLadder({ grace: { kind: 'afterDueWorkingDays', days: 1 }, ...redCardIntoCase }),
          },
        ],
      } satisfies StateMeta,
      on: {
        ASSIGN_VERIFIER: { guard: and(['notSubjectOfCase', 'appointeeIsNotSubject']), actions: 'recordVerifier' },
        RECORD_FINDINGS: { guard: and(['actorIsAssignedVerifier', 'notSubjectOfCase']), actions: 'recordFindings' },
        SUBMIT_TO_CONFERENCE: { target: 'jointConference', guard: and(['findingsRecorded', 'notSubjectOfCase']) },
        ANSWER_REPORTER_ACCEPTANCE: answerAcceptance,
      },
    },
    setAside: {
      meta: {
        description: 'Set aside pending later checks: the problem cannot be fully ruled out; new evidence wakes it',
        // Deliberately the same words as verification: a reporter does not learn that a clue was set aside.
        reporterStatus: 'In progress: your clue is being handled',
      } satisfies StateMeta,
      on: {
        NEW_EVIDENCE: { target: 'verification', guard: 'notSubjectOfCase', actions: 'recordNewEvidence' },
        ANSWER_REPORTER_ACCEPTANCE: answerAcceptance,
      },
    },
    jointConference: {
      meta: {
        description: 'The Organization Department and the Discipline Inspection Commission give their views; the chair decides',
        reporterStatus: 'In progress: your clue is being handled',
        deadlines: [
          {
            kind: 'clueConferenceDue',
            owner: 'office',
            basis: 'The joint work conference decides on verified findings within 10 working days',
            limit: { kind: 'workingDays', days: 10 },
            ladder: standardLadder({
              grace: { kind: 'afterDueWorkingDays', days: 1 },
              escalateTo: ['disciplineCommission', 'organizationDepartment'],
              ...redCardIntoCase,
            }),
          },
          ...departmentViewLimits('clue', 5, 'verified findings', redCardIntoCase),
        ],
      } satisfies StateMeta,
      on: {
        RECORD_OD_VIEW: { guard: and(['independentViews', 'notSubjectOfCase']), actions: 'recordOrganizationDepartmentView' },
        RECORD_DIC_VIEW: { guard: and(['independentViews', 'notSubjectOfCase']), actions: 'recordDisciplineCommissionView' },
        DECIDE: DECISION_OUTCOMES.map((decided) => ({
          target: `decision.${decided}`,
          guard: and([{ type: 'outcomeIs', params: { outcome: decided } }, 'hasReason', 'bothViewsRecorded', 'notSubjectOfCase']),
          actions: ['recordOutcome', 'recordConferenceDecision'] as const,
        })),
        ANSWER_REPORTER_ACCEPTANCE: answerAcceptance,
      },
    },
    decision: {
      meta: {
        description: 'The conference decided; the decision is carried out and the clue closed',
        reporterStatus: 'Decided: the decision is being carried out',
        deadlines: [
          ...workingDaysLimit(
            'clueClosureDue',
            'A decided clue is carried out, filed and closed within 5 working days of the decision (local practice)',
            5,
            'office',
            redCardIntoCase,
          ),
          // only for a named reporter: an anonymous one reads the status with their receipt code
          ...workingDaysLimit(
            'clueReporterAnswerDue',
            `A real-name reporter is told the result within ${REPORTER_ANSWER_WORKING_DAYS} working days (discipline-inspection practice)`,
            REPORTER_ANSWER_WORKING_DAYS,
            'office',
            redCardIntoCase,
          ).map((spec) => ({ ...spec, metBy: ['ANSWER_REPORTER'], onlyWhen: { contextField: 'anonymous', is: false } })),
        ],
      } satisfies StateMeta,
      on: {
        CLOSE: { target: 'closed', guard: and(['notSubjectOfCase', 'reporterAnsweredIfNamed']), actions: 'recordClosure' },
        ANSWER_REPORTER_ACCEPTANCE: answerAcceptance,
        ANSWER_REPORTER: {
          guard: and(['namedReporter', 'reporterNotYetAnswered', 'notSubjectOfCase']),
          actions: [
            'recordReporterAnswer',
            {
              type: 'sendNotice',
              params: ({ context, event }): NoticeRequest => ({
                recipient: 'reporter',
                step: 'reporterAnswer',
                subject: `The result of your clue ${context.clueNumber ?? context.caseId}`,
                body: event.type === 'ANSWER_REPORTER' ? event.answer : '',
              }),
            },
          ],
        },
      },
      // XState requires an initial child; it is never used: DECIDE always targets the outcome decided.
      initial: 'dismissed',
      states: {
        dismissed: { meta: { description: 'Decided: the clue is dismissed' } satisfies StateMeta },
        admonished: { meta: { description: 'Decided: the official is admonished' } satisfies StateMeta },
        rectificationOrdered: {
          meta: { description: 'Decided: rectification ordered; a linked rectification case is opened' } satisfies StateMeta,
          entry: {
            type: 'openLinkedCase',
            params: ({ context, event }): LinkedCaseRequest => ({
              caseType: 'rectification',
              input: {
                unit: context.subject.unit,
                report: rectificationReportTitle(context),
                programme: 'Lying-flat clue',
                airedAt: event.at,
                planDueMinutes: RECTIFICATION_PLAN_DUE_MINUTES,
                timeZone: context.timeZone,
                sourceCaseId: context.caseId,
              } satisfies Partial<RectificationInput>,
            }),
          },
        },
        adjusted: { meta: { description: 'Decided: the official is adjusted out of the post' } satisfies StateMeta },
        referredToDiscipline: { meta: { description: 'Decided: referred to the Discipline Inspection Commission' } satisfies StateMeta },
      },
    },
    outOfScope: {
      type: 'final',
      meta: {
        description: 'Out of scope: not accepted, or forwarded to the body it belongs to',
        reporterStatus: 'Concluded: the matter is outside this office’s remit and was passed on where it belongs',
      } satisfies StateMeta,
    },
    forwardedToCommission: {
      type: 'final',
      meta: {
        description: 'Forwarded to the Discipline Inspection Commission: outside the office’s remit, closed here',
        reporterStatus: 'Concluded: your clue was passed to the Discipline Inspection Commission, which handles it',
      } satisfies StateMeta,
    },
    closedNoCase: {
      type: 'final',
      meta: { description: 'Closed at disposal: no case to answer', reporterStatus: 'Concluded: handling of your clue is complete' } satisfies StateMeta,
    },
    closed: {
      type: 'final',
      meta: {
        description: 'Closed after the conference’s decision was carried out',
        reporterStatus: 'Concluded: handling of your clue is complete',
      } satisfies StateMeta,
    },
  },
});

/** The clue case type, as the engine runs it. */
export const clue: CaseDefinition<typeof machine, typeof clueEvents, typeof clueInput> = {
  type: 'clue',
  machineVersion: 1,
  title: 'Clue about a "lying flat" official',
  machine,
  events: clueEvents,
  input: clueInput,
  createRoles: ['intakeClerk', 'reporter', 'system'],
  guardRules: {
    hasReason: 'A decision needs a reason',
    subjectIdentified: 'A clue is registered only once the official it is about is identified: give subject.officialId when the report did not',
    notSubjectOfCase: 'The official reported takes no part in handling the clue about them',
    appointeeIsNotSubject: 'The official reported cannot be named handler or verifier of the clue about them',
    actorIsAssignedVerifier: 'Only the verifier assigned to the clue records its findings',
    findingsRecorded: 'A clue goes to the joint conference only once the findings are recorded',
    bothViewsRecorded: 'No decision before both the Organization Department and the Discipline Inspection Commission have given their views',
    independentViews: 'The two departments’ views at the joint conference come from two different people',
    routeIs: 'The clue follows the disposal route the collective review chose',
    outcomeIs: 'The clue follows the outcome the conference decided',
    namedReporter: 'Only a named reporter is answered: an anonymous reporter follows the clue with their receipt code',
    reporterNotYetAnswered: 'The reporter has already been answered',
    reporterAnsweredIfNamed: 'A clue from a named reporter is closed only once the reporter has been answered with the result (ANSWER_REPORTER)',
    anonymousReporter: 'Only a clue from an anonymous reporter ends without an answer to its reporter',
    givesReporterAnswer:
      'A clue from a named reporter that ends here answers them in the same event: give reporterAnswer, the answer sent to them through the notification channel (their identity stays sealed)',
    givesNoReporterAnswer: 'An anonymous reporter is not answered: they follow the clue with their receipt code; leave reporterAnswer out',
    reporterNotYetToldOfAcceptance: 'The reporter has already been told that their clue was accepted, or answered with the result',
  },
  index: (context: unknown): CaseIndexFields => {
    const c = context as ClueContext;
    return { unit: c.unit, assignee: c.verifierId ?? c.handlerId, subjectId: c.subject.officialId, timeZone: c.timeZone };
  },
};
