/**
 * The rows caseflow stores, as plain types every backend reads and writes: times are epoch
 * milliseconds (they fit a 64-bit column), JSON columns are strings, flags are booleans.
 * This file imports nothing: each dialect's schema is checked against these types at compile time.
 */

/** One row per case: the current machine snapshot, guarded by `version` (optimistic concurrency). */
export interface CaseRecord {
  id: string;
  type: string;
  machineVersion: number;
  state: string;
  status: 'open' | 'closed';
  /** The persisted XState snapshot, as JSON. */
  snapshot: string;
  version: number;
  unit: string | null;
  assignee: string | null;
  subjectId: string | null;
  timeZone: string;
  createdBy: string;
  createdAt: number;
  updatedAt: number;
  closedAt: number | null;
}

/** What the access policy looks at on a case: enough to decide, nothing more. */
export type CaseAccessFacts = Pick<CaseRecord, 'id' | 'type' | 'assignee' | 'subjectId'>;

export const CASE_EVENT_KINDS = [
  'created',
  'transition',
  'deadlineStep',
  'deadlineExtended',
  'deadlineSuspended',
  'deadlineResumed',
  /** A provisional due moment computed again once its year's calendar was imported. */
  'deadlineRecomputed',
  /** An extension beyond the office's four-eyes threshold, waiting for a second approver. */
  'deadlineExtensionRequested',
  'linkedCaseOpened',
  /** A note a linked case left: a clue's outcome on a self-recommendation it held, a set-aside clue woken. */
  'linkedCaseNote',
  'urged',
  /** Identity access (src/engine/identityAccess.ts): a request, a custodian's decision, a reveal shown once, a reveal expired. */
  'identityAccessRequested',
  'identityAccessApproved',
  'identityAccessRefused',
  'identityRevealed',
  'identityRevealExpired',
  /** The case moved to another version of its machine (`caseflow migrate apply`), its deadlines re-planned. */
  'machineMigrated',
  /** The office's limits changed for the case's running deadlines (a policy-only `migrate apply`). */
  'policyChanged',
] as const;
export type CaseEventKind = (typeof CASE_EVENT_KINDS)[number];

/** The identity-access entry kinds: the custodians' queue reads these across every case (a partial index holds just them). */
export const IDENTITY_STEP_KINDS = ['identityAccessRequested', 'identityAccessApproved', 'identityAccessRefused', 'identityRevealed', 'identityRevealExpired'] as const satisfies readonly CaseEventKind[];

/** The SQL condition that picks the identity-access entries: the same text in the partial index and in its query, so both databases use the index. */
export const IDENTITY_STEPS_CONDITION = `kind IN (${IDENTITY_STEP_KINDS.map((kind) => `'${kind}'`).join(', ')})`;

/** What one entry of the append-only case log says: the values its hash covers, with its place in the chain. */
export interface NewCaseEvent {
  caseId: string;
  /** The case version after this entry (entries that do not move the machine keep it). */
  version: number;
  kind: CaseEventKind;
  type: string;
  actorId: string;
  actorRole: string;
  at: number;
  /** The entry's payload, as JSON. */
  payload: string;
  fromState: string | null;
  toState: string | null;
}

/** An entry's link in its case's hash chain (db/chain.ts): its place (1, 2, …), the hash before it, its own hash. */
export interface ChainLink {
  seq: number;
  prevHash: string;
  hash: string;
}

/** A case's chain head, kept on the case row: how many entries its log has and the last one's hash. */
export interface ChainHead {
  seq: number;
  hash: string;
}

/** A case's chain head moving along as new entries are appended: from the head they were sealed after, to the last one's. */
export interface ChainMove {
  from: ChainHead;
  to: ChainHead;
}

/** A log entry as the writer appends it: sealed with its chain link. */
export type SealedCaseEvent = NewCaseEvent & ChainLink;

/** One entry of the append-only case log; the link is null only on a row written outside caseflow's writer. */
export interface CaseEventRecord extends NewCaseEvent {
  id: number;
  seq: number | null;
  prevHash: string | null;
  hash: string | null;
}

export type DeadlineStatus = 'pending' | 'met' | 'overdue' | 'cancelled';
export type WarningColour = 'blue' | 'yellow' | 'red';

/**
 * A running or closed time limit. The row is the truth; a BullMQ delayed job only wakes a worker
 * at `nextFireAt`. `scheduleRev` changes whenever the schedule moves; `dispatchedRev` is the revision
 * already handed to the queue, so rows with `dispatchedRev != scheduleRev` form the outbox.
 */
export interface DeadlineRecord {
  id: string;
  caseId: string;
  caseType: string;
  unit: string | null;
  kind: string;
  /** Whose on-time rate the deadline counts in: the case's unit, or the office. */
  owner: LimitOwnerRecord;
  stateId: string;
  basis: string;
  timeZone: string;
  /** The DeadlineSpec (limit + ladder) this row was made from, as JSON. */
  spec: string;
  baseAt: number;
  originalDueAt: number;
  dueAt: number;
  status: DeadlineStatus;
  /** True while the state the deadline belongs to is still active. */
  running: boolean;
  /** A minimum period (public notice, probation): its end is expected, never counted as missed. */
  period: boolean;
  warning: 'none' | WarningColour;
  escalationLevel: number;
  nextStep: number;
  nextFireAt: number | null;
  scheduleRev: number;
  dispatchedRev: number | null;
  /** Until when (epoch ms) a dispatcher holds this row's pending wake-up (WakeUpOutbox.claim); null when unclaimed. */
  dispatchLeaseUntil: number | null;
  suspendedAt: number | null;
  closedAt: number | null;
  latenessMs: number | null;
  createdAt: number;
  updatedAt: number;
}

/** The fields a deadline's schedule change sets (a step fired, an extension, a suspension). */
export type DeadlineScheduleChange = Pick<
  DeadlineRecord,
  'dueAt' | 'suspendedAt' | 'nextStep' | 'nextFireAt' | 'status' | 'warning' | 'escalationLevel' | 'scheduleRev' | 'updatedAt'
>;

/**
 * A running deadline re-planned under a new machine version or office policy (`migrate apply`): its
 * schedule, and the definition it runs by: spec, basis, base and original due moments, and its state.
 */
export type DeadlineRespec = DeadlineScheduleChange & Pick<DeadlineRecord, 'spec' | 'basis' | 'baseAt' | 'originalDueAt' | 'stateId'>;

/** A deadline's closing: met or overdue, with its lateness. */
export interface DeadlineClosing {
  id: string;
  status: 'met' | 'overdue' | 'cancelled';
  closedAt: number;
  latenessMs: number;
}

/** Whose on-time rate a limit counts in (machines/types.ts LimitOwner). */
export type LimitOwnerRecord = 'unit' | 'office';

/**
 * One row of the on-time rollup: the deadlines of one owner (and unit) that closed on one local day
 * of the office, met and late. The writer adds to a row (met and late summed) as it closes deadlines.
 */
export interface OnTimeDayRecord {
  /** The start of the office's local day (epoch ms). */
  dayStart: number;
  owner: LimitOwnerRecord;
  /** The unit of a unit-owned limit; '' for the office's own limits and for cases without a unit. */
  unit: string;
  met: number;
  late: number;
}

/** A wake-up waiting in the outbox, or one already handed to the queue. */
export interface WakeUp {
  deadlineId: string;
  scheduleRev: number;
  nextFireAt: number | null;
}

/** One year of official holidays and make-up working days, imported after the calendar shipped. */
export interface CalendarYearRecord {
  /** The calendar it belongs to, e.g. `cn-mainland`. */
  calendar: string;
  year: number;
  /** The year's public holidays, as a JSON list of 'YYYY-MM-DD'. */
  holidays: string;
  /** The year's make-up working days (调休), as a JSON list of 'YYYY-MM-DD'. */
  makeupWorkdays: string;
  /** Where the data comes from, e.g. the State Council notice. */
  source: string;
  importedBy: string;
  importedAt: number;
}

/** A coloured warning card issued to a unit when a ladder step fires. */
export interface WarningCardRecord {
  id: number;
  deadlineId: string;
  caseId: string;
  unit: string | null;
  warning: WarningColour;
  step: string;
  issuedAt: number;
}
export type NewWarningCard = Omit<WarningCardRecord, 'id'>;

export type NotificationStatus = 'pending' | 'sending' | 'sent' | 'failed';

/** A notice written by a ladder step, then sent through a pluggable sender. */
export interface NotificationRecord {
  id: number;
  caseId: string;
  deadlineId: string | null;
  /** The ladder step that wrote it (e.g. `overdue`), or null for other notices. */
  step: string | null;
  recipient: string;
  warning: string | null;
  subject: string;
  body: string;
  /** `sending` while one notifier holds it (since `claimedAt`), so several workers never send it twice. */
  status: NotificationStatus;
  claimedAt: number | null;
  attempts: number;
  lastError: string | null;
  createdAt: number;
  sentAt: number | null;
}
export type NewNotification = Pick<NotificationRecord, 'caseId' | 'deadlineId' | 'step' | 'recipient' | 'warning' | 'subject' | 'body' | 'createdAt'>;

/**
 * A named reporter's identity as stored, kept apart from the case body: sealed (the wrapping key's
 * id, the wrapped data key, the sealed fields as JSON), or, on a row an older caseflow wrote and not
 * yet sealed, `name` and `contact` in plain text with the sealed columns null.
 */
export interface ReporterIdentityRecord {
  caseId: string;
  name: string | null;
  contact: string | null;
  keyId: string | null;
  wrappedKey: string | null;
  /** JSON: field name → sealed value (base64). */
  sealedFields: string | null;
  createdAt: number;
}

/** A sealed identity's key columns, as a rotation reads and re-writes them. */
export interface IdentityWrapping {
  caseId: string;
  keyId: string;
  wrappedKey: string;
}

/** Information a reporter added later with their receipt. */
export interface ReporterMessageRecord {
  id: number;
  caseId: string;
  body: string;
  receivedAt: number;
}

/** A person who uses the API; `name` is their official id. */
export interface UserRecord {
  id: number;
  name: string;
  role: string;
  createdAt: number;
  disabledAt: number | null;
}

/** A user's web sign-in password, as an Argon2id hash. */
export interface UserPasswordRecord {
  userId: number;
  hash: string;
  updatedAt: number;
}

/** A web session: the hash of its cookie id, its CSRF token, and when it was last used. */
export interface WebSessionRecord {
  idHash: string;
  userId: number;
  csrfToken: string;
  createdAt: number;
  lastSeenAt: number;
}

/** An API token: only its hash is kept. */
export interface ApiTokenRecord {
  id: string;
  userId: number;
  tokenHash: string;
  label: string | null;
  createdAt: number;
  revokedAt: number | null;
}

/** What a unit's cards lead to (office policy `cardConsequences`). */
export type ConsequenceKind = 'formalLetter' | 'unitHeadTalk' | 'topOfficialTalk';

/**
 * A card consequence: a supervision action the cards of a unit triggered (a formal letter, a talk
 * with the unit head or with the top official), decided in the transaction that issued the card.
 * It is carried out as a `supervisionAction` case (`caseId`), whose deadline is reminded and
 * escalated like any other; marked done there (`MARK_DONE`).
 */
export interface CardConsequenceRecord {
  /** The supervision action case that carries it out. */
  caseId: string;
  unit: string;
  kind: ConsequenceKind;
  /** The reporting period the cards were counted in, e.g. `2026-11` (a month) or `2026-Q4`. */
  period: string;
  /** The cards that triggered it (JSON array of `{ cardDeadlineId, caseId, warning, step, issuedAt }`). */
  triggeredBy: string;
  /** What is to be done, as the supervisors read it. */
  action: string;
  /** Points taken off the unit's assessment (a formal letter), else 0. */
  pointsOff: number;
  basis: string;
  dueAt: number;
  createdAt: number;
}

/** A card consequence with how its supervision action stands. */
export interface CardConsequenceRow extends CardConsequenceRecord {
  /** The supervision action case's status: closed once marked done. */
  status: 'open' | 'closed';
  closedAt: number | null;
}
