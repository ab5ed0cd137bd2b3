/**
 * The contract every case machine fulfils: roles, the event envelope, event catalogues
 * with their payload schemas and permitted roles, and deadline declarations in state meta.
 * Pure data and types only: nothing here touches a database, Redis or the wall clock.
 */
import type { AnyStateMachine } from 'xstate';
import type { z } from 'zod';

/**
 * Every role caseflow knows. `custodian` keeps reporters' identities. `system` is the deadline worker
 * and the linked-case rules; `reporter` is the public; `operator` is a person at the data file itself
 * (init, calendar import, …): these three are caseflow's own, and no account, token or sign-in can
 * hold them (src/auth/roles.ts).
 */
export const ROLES = [
  'intakeClerk',
  'verifier',
  'organizationDepartment',
  'disciplineCommission',
  'conferenceChair',
  'supervisor',
  'unitLiaison',
  'partyOrganizationHead',
  'mainLeader',
  'official',
  'admin',
  'custodian',
  'system',
  'reporter',
  'operator',
] as const;
export type Role = (typeof ROLES)[number];

/** Who is acting: a person (or the deadline worker) in one role. */
export interface Actor {
  id: string;
  role: Role;
}

export const CASE_TYPES = ['clue', 'selfRecommendation', 'rectification', 'supervisionAction', 'adjustmentReview'] as const;
export type CaseType = (typeof CASE_TYPES)[number];

/** What the engine adds to every event before the machine sees it: who sent it and when (ISO 8601). */
export interface EventEnvelope {
  actor: Actor;
  at: string;
}

/** One event a caseworker may send: what it means, who may send it, and its payload schema. */
export interface EventSpec<S extends z.ZodType = z.ZodType> {
  summary: string;
  roles: readonly Role[];
  payload: S;
}

export type EventCatalog = Record<string, EventSpec>;

/** The machine event union derived from a catalogue: `{ type, actor, at, ...payload }`. */
export type EventsOf<C extends EventCatalog> = {
  [K in keyof C & string]: { type: K } & EventEnvelope & PayloadFields<z.infer<C[K]['payload']>>;
}[keyof C & string];

/** A payload's fields; an empty payload adds none (zod infers `Record<string, never>` for it). */
type PayloadFields<P> = keyof P extends never ? unknown : P;

/** How long a deadline runs from its base moment. */
export type DeadlineLimit =
  /** A fixed span of calendar time, e.g. 60 minutes ("plan due one hour after airing"). */
  | { kind: 'duration'; minutes: number }
  /** Working days in the case's calendar: due at the end of the last counted working day. */
  | { kind: 'workingDays'; days: number }
  /** A wall-clock time in the case's time zone, `dayOffset` days after the base day (0 = same day). */
  | { kind: 'localTime'; time: string; dayOffset?: number };

/** Supervisors' coloured warning cards: blue (limit near), yellow (late), red (overdue and escalated). */
export type WarningLevel = 'blue' | 'yellow' | 'red';

/** Whom a ladder step notifies. */
export const RECIPIENTS = ['assignee', 'unitSupervisor', 'disciplineCommission', 'organizationDepartment'] as const;
export type Recipient = (typeof RECIPIENTS)[number];

/** When a ladder step fires, relative to the deadline. */
export type StepTiming =
  | { kind: 'fractionOfLimit'; fraction: number }
  | { kind: 'afterDue'; minutes: number }
  | { kind: 'afterDueWorkingDays'; days: number };

/** One rung of an escalation ladder: remind, mark overdue, escalate. */
export interface EscalationStep {
  name: string;
  timing: StepTiming;
  /** The card this step issues to the unit; a step without one (a period's end) issues none. */
  warning?: WarningLevel;
  notify: readonly Recipient[];
  /** The step marks the deadline overdue (the due-time step). */
  marksOverdue?: boolean;
  /** An event the worker sends into the machine, so the machine decides what overdue means there. */
  sendsEvent?: string;
  /** The step is also a rung of the urging (催办) ladder: recorded as an urging in the case log, with an urging notice. */
  urging?: UrgingRung;
}

/**
 * Who answers for keeping a limit, and so whose on-time rate it counts in: the unit the case is
 * about (it submits, revises and carries out its rectification plan; its channel forwards a
 * self-recommendation), or the supervising office itself (registering, notifying the unit,
 * reviewing, conferring, deciding).
 */
export const LIMIT_OWNERS = ['unit', 'office'] as const;
export type LimitOwner = (typeof LIMIT_OWNERS)[number];
/** The rungs of the urging ladder: a reminder before the limit, a formal urging notice after it, a public-criticism flag. */
export type UrgingRung = 'reminder' | 'formalNotice' | 'publicCriticism';

/** A time limit a state declares in its `meta`. */
export interface DeadlineSpec {
  /** Domain name, e.g. `rectificationPlanDue`. */
  kind: string;
  /** The rule this limit comes from, for caseworkers. */
  basis: string;
  /** Whose on-time rate the limit counts in: the case's unit, or the office. */
  owner: LimitOwner;
  /** The base moment: a context field holding an ISO time, or the moment the state was entered. */
  from?: { contextField: string };
  /** How long it runs, or `until` a due moment the case itself holds (e.g. the plan's completion date). */
  limit: DeadlineLimit | { kind: 'until'; contextField: string };
  /**
   * A minimum period (public notice, probation) rather than a limit: its end is expected, not
   * missed, so leaving the state after it counts as met and its end step issues no card.
   */
  period?: boolean;
  /**
   * Events that meet this limit while its state stays active (a department's view at the joint
   * conference): the deadline closes, met or late, when one of them is accepted. @defaultValue none
   */
  metBy?: readonly string[];
  ladder: readonly EscalationStep[];
  /**
   * A conditional limit: it runs only when the case's context field holds this value when its state
   * is entered (a named reporter's answer: `{ contextField: 'anonymous', is: false }`). @defaultValue always runs
   */
  onlyWhen?: { contextField: string; is: string | number | boolean | null };
}

/** What a state's `meta` says: a description and the time limits that run while in it. */
export interface StateMeta {
  description: string;
  /** What a reporter may see of this state (clues only): never the internal state. */
  reporterStatus?: string;
  /**
   * What the candidate may see of this state of their own self-recommendation (self-recommendations
   * only): where it stands, never a department's view, the deliberation or a clue that holds it up.
   */
  applicantStatus?: string;
  deadlines?: readonly DeadlineSpec[];
}

/** A request from a machine (as an action) to open a linked case, carried out by the engine. */
export interface LinkedCaseRequest {
  caseType: CaseType;
  input: Record<string, unknown>;
}

/** Whom a machine's notice (`sendNotice`) is for: a clue's named reporter, reached through the notification channel. */
export type NoticeRecipient = 'reporter';

/**
 * A request from a machine (as an action) to send a notice, carried out by the engine through the
 * notification outbox in the same transaction. It names the recipient by role only: the engine never
 * puts a reporter's sealed identity into a notice.
 */
export interface NoticeRequest {
  recipient: NoticeRecipient;
  /** What the notice is (e.g. `reporterAnswer`), as the outbox row records it. */
  step: string;
  subject: string;
  body: string;
}

/** Facts the engine indexes on every case row, read from the machine context. */
export interface CaseIndexFields {
  unit: string | null;
  assignee: string | null;
  subjectId: string | null;
  timeZone: string;
}

/** Everything the engine needs to run one case type. */
export interface CaseDefinition<
  M extends AnyStateMachine = AnyStateMachine,
  C extends EventCatalog = EventCatalog,
  I extends z.ZodType = z.ZodType,
> {
  type: CaseType;
  /** Bumped on any change that alters persisted snapshots; stored with every case. */
  machineVersion: number;
  title: string;
  machine: M;
  events: C;
  /** Schema of the payload that opens a case. */
  input: I;
  /** Roles that may open a case of this type. */
  createRoles: readonly Role[];
  /**
   * The roles that read cases of this type: their existence, state, history and place in lists
   * (src/engine/policy.ts applies it, with its rules on cases about the reader and assigned-only
   * readers). A role left out gets CASE_NOT_FOUND, as for an unknown id. @defaultValue every case
   * reader (policy `CASE_READERS`)
   */
  readers?: readonly Role[];
  /** A further rule on who may open this case (e.g. an official recommends only themself): the refusal, or null. */
  openerRule?: (input: z.output<I>, opener: Actor) => string | null;
  /** A caseworker-readable statement of the rule behind each named guard. */
  guardRules: Readonly<Record<string, string>>;
  /** Reads the indexed fields from a snapshot's context. */
  index(context: unknown): CaseIndexFields;
  /**
   * Earlier machine versions still running open cases: a case keeps the machine it was opened
   * on, so a machine change never strands cases persisted under an older one.
   */
  previousVersions?: readonly CaseDefinition[];
}

/** The default time zone of a case. */
export const DEFAULT_TIME_ZONE = 'Asia/Shanghai';

/** What the engine passes to a machine when a case opens: the validated payload plus its identity. */
export type CaseInput<T> = T & { caseId: string; openedAt: string; openedBy: Actor };

/**
 * The action type a machine uses to ask the engine to open a linked case, with a
 * `LinkedCaseRequest` as params. The machine declares it with an empty implementation;
 * the engine carries it out in the same transaction as the transition.
 */
export const OPEN_LINKED_CASE = 'openLinkedCase';

/** The action type a machine uses to send a notice, with a `NoticeRequest` as params (declared with an empty implementation). */
export const SEND_NOTICE = 'sendNotice';
