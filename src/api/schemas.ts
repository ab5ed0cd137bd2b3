/**
 * The API's own request envelopes and its response shapes, as zod schemas. Case inputs and event
 * payloads are not repeated here: they are the machines' schemas, which the engine validates with
 * and the OpenAPI document is generated from.
 */
import { z } from 'zod';
import { CASE_EVENT_KINDS } from '../../db/records';
import { clueInput } from '../../machines/clue';
import { text } from '../../machines/payloads';
import { CASE_TYPES } from '../../machines/types';
import type { ApplicantStatus } from '../engine/applicantStatus';
import type { CaseEventView, CaseView, DeadlineView } from '../engine/views';
import type { ExtensionAnswer, PendingExtension } from '../engine/deadlineCommands';
import type { CalendarImportResult } from '../engine/calendarImport';
import type { IdentityRequestView, IdentityReveal } from '../engine/identityCommands';
import type { CasePage, CaseSummary } from '../engine/queries';
import { CASE_LINK_RELATIONS } from '../engine/links';
import type { ErrorCode } from '../errors';
import { STATUS_OF } from './errors';
import type { AdjustmentReviewRow, CardConsequence, Escalation, OnTimeRate, OverdueCase, StateCount, WarningCardCount } from '../engine/supervision';

/** Every code an API error can carry: caseflow's codes (STATUS_OF lists them all) and INTERNAL_ERROR. */
export const API_ERROR_CODES: [string, ...string[]] = ['INTERNAL_ERROR', ...(Object.keys(STATUS_OF) as ErrorCode[])];

/** The one error shape. */
export const errorBody = z.object({
  code: z.enum(API_ERROR_CODES),
  message: z.string(),
  details: z.record(z.string(), z.unknown()),
});

// ---- request envelopes ----

/** A named reporter's identity: kept apart from the case, never shown through the API. */
export const reporterIdentity = z.strictObject({
  name: text('the reporter’s name'),
  contact: text('the reporter’s contact').optional(),
});

export const createCaseBody = z.strictObject({
  type: z.enum(CASE_TYPES, { error: `the case type must be one of: ${CASE_TYPES.join(', ')}` }),
  /** Validated by the engine against the case type's input schema. */
  input: z.record(z.string(), z.unknown(), { error: 'the input must be a JSON object' }),
  reporter: reporterIdentity.optional(),
});

export const sendEventBody = z.strictObject({
  type: z.string({ error: 'the event type must be text' }).min(1, 'the event type must not be empty').max(100),
  /** Validated by the engine against the event's payload schema. */
  payload: z.record(z.string(), z.unknown(), { error: 'the payload must be a JSON object' }).default({}),
  expectedVersion: z
    .number({ error: 'expectedVersion must be the case version you last read, a whole number' })
    .int('expectedVersion must be a whole number')
    .min(1, 'expectedVersion starts at 1'),
});

export const caseIdParams = z.strictObject({ id: z.string().min(1).max(100) });

const isoQuery = (what: string) =>
  z.iso.datetime({ offset: true, error: `${what} must be a date-time like 2026-11-25T20:00:00+08:00` }).transform((s) => Date.parse(s));
const flag = z.enum(['true', 'false'], { error: 'must be true or false' }).transform((s) => s === 'true');
// decimal digits only: Number() would also take 0x10, 1e2, " 5" or 0b11
const limitQuery = (max: number) =>
  z
    .string()
    .regex(/^[0-9]{1,9}$/, 'must be a whole number in decimal digits')
    .transform(Number)
    .pipe(z.number().min(1, 'must be at least 1').max(max, `must be at most ${max}`));
const name = z.string().trim().min(1).max(200);

export const listCasesQuery = z.strictObject({
  type: z.enum(CASE_TYPES, { error: `must be one of: ${CASE_TYPES.join(', ')}` }).optional(),
  /** A state or a parent state: `screening` matches `screening.acceptance`. */
  state: name.optional(),
  unit: name.optional(),
  assignee: name.optional(),
  status: z.enum(['open', 'closed'], { error: 'must be open or closed' }).optional(),
  overdue: flag.optional(),
  dueBefore: isoQuery('dueBefore').optional(),
  limit: limitQuery(500).optional(),
  cursor: z.string().min(1).max(500).optional(),
});

export const overdueQuery = z.strictObject({
  unit: name.optional(),
  type: z.enum(CASE_TYPES, { error: `must be one of: ${CASE_TYPES.join(', ')}` }).optional(),
  limit: limitQuery(1000).optional(),
});

/** A reporting period; `until` defaults to now and `since` to 30 days before `until`. */
export const periodQuery = z.strictObject({
  since: isoQuery('since').optional(),
  until: isoQuery('until').optional(),
  unit: name.optional(),
  limit: limitQuery(1000).optional(),
});

export const adjustmentReviewsQuery = z.strictObject({
  status: z.enum(['open', 'closed'], { error: 'must be open or closed' }).optional(),
  limit: limitQuery(1000).optional(),
});

export const stateCountsQuery = z.strictObject({
  type: z.enum(CASE_TYPES, { error: `must be one of: ${CASE_TYPES.join(', ')}` }).optional(),
});

/** A clue as the public files it: the machine's own fields, with the channel and anonymity set by the server. */
export const publicClueBody = clueInput.pick({ aspect: true, summary: true, subject: true }).extend({
  /** Leave out to file anonymously. */
  reporter: reporterIdentity.optional(),
});

/** The header a receipt code travels in: never the URL, so it stays out of access logs. */
export const RECEIPT_HEADER = 'x-receipt-code';
const receiptCode = z.string().trim().min(8, 'a receipt code is longer than that').max(100);
export const receiptHeaders = z.object({ [RECEIPT_HEADER]: receiptCode.optional() });

export const addInformationBody = z.strictObject({
  information: text('the information'),
  /** The receipt code, when it is not sent in the X-Receipt-Code header. */
  receiptCode: receiptCode.optional(),
});

export const addUserBody = z.strictObject({ name: z.string().min(1).max(64), role: z.string().min(1).max(64) });
export const tokenSignInBody = z.strictObject({
  name: z.string().min(1).max(64),
  password: z.string().min(1).max(800),
  /** What the token is for, e.g. "caseflow login on laptop". */
  label: z.string().trim().max(200).optional(),
});
export const createTokenBody = z.strictObject({
  /** Whose token; an admin may name anyone, everyone else only themselves. @defaultValue the caller */
  user: z.string().min(1).max(64).optional(),
  label: z.string().trim().max(200).optional(),
});
export const tokenIdParams = z.strictObject({ id: z.string().min(1).max(100) });

// ---- responses (documentation, and checked against the engine's types) ----

const deadlineView = z.object({
  id: z.string(),
  kind: z.string(),
  basis: z.string(),
  state: z.string(),
  dueAt: z.string(),
  originalDueAt: z.string(),
  status: z.enum(['pending', 'met', 'overdue', 'cancelled']),
  running: z.boolean(),
  suspended: z.boolean(),
  warning: z.enum(['none', 'blue', 'yellow', 'red']),
  escalationLevel: z.number(),
  nextStep: z.string().nullable(),
  nextFireAt: z.string().nullable(),
  latenessMs: z.number().nullable(),
  provisional: z.string().nullable(),
}) satisfies z.ZodType<DeadlineView>;

export const caseView = z.object({
  id: z.string(),
  type: z.string(),
  machineVersion: z.number(),
  state: z.string(),
  stateDescription: z.string(),
  status: z.enum(['open', 'closed']),
  version: z.number(),
  unit: z.string().nullable(),
  assignee: z.string().nullable(),
  subjectId: z.string().nullable(),
  timeZone: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
  closedAt: z.string().nullable(),
  context: z.unknown(),
  /** The events the caller may send now. */
  allowedEvents: z.array(z.string()),
  links: z.array(
    z.object({ caseId: z.string(), type: z.string(), state: z.string(), relation: z.enum(CASE_LINK_RELATIONS), basis: z.string() }),
  ),
  deadlines: z.array(deadlineView),
}) satisfies z.ZodType<CaseView>;

const roleName = z.string();
export const caseEventView = z.object({
  id: z.number(),
  version: z.number(),
  kind: z.enum(CASE_EVENT_KINDS),
  type: z.string(),
  actor: z.object({ id: z.string(), role: roleName }),
  at: z.string(),
  payload: z.unknown(),
  fromState: z.string().nullable(),
  toState: z.string().nullable(),
}) satisfies z.ZodType<Omit<CaseEventView, 'actor'>>;

export const appliedEvent = z.object({ case: caseView, event: caseEventView });

/** A year of holidays and make-up days to import; the engine checks every date (INVALID_PAYLOAD names each fault). */
export const calendarYearBody = z.strictObject({
  calendar: z.string().min(1).max(100).optional(),
  year: z.number({ error: 'year must be a number' }),
  holidays: z.array(z.string().max(20)).max(366),
  makeupWorkdays: z.array(z.string().max(20)).max(366),
  source: text('the source of the data'),
});
const movedDeadline = z.object({ caseId: z.string(), deadlineId: z.string(), kind: z.string(), from: z.string(), to: z.string() });
export const calendarImportAnswer = z.object({
  calendar: z.string(),
  year: z.number(),
  lastYear: z.number().nullable(),
  recomputed: z.array(movedDeadline),
  leftAsSet: z.array(z.object({ caseId: z.string(), deadlineId: z.string(), kind: z.string(), dueAt: z.string() })),
}) satisfies z.ZodType<CalendarImportResult>;

export const deadlineIdParams = z.strictObject({ id: z.string().min(1).max(200) });
export const extensionRequestParams = deadlineIdParams.extend({
  requestId: z.coerce.number({ error: 'must be a number' }).int('must be a whole number').positive('must be at least 1'),
});
export const extendDeadlineBody = z
  .strictObject({
    /** The new due time. */
    until: isoQuery('until').optional(),
    /** Or: how many minutes after the current due time (what `caseflow deadline extend --until 2h` sends). */
    byMinutes: z.number().int().min(1).max(10_000_000).optional(),
    reason: text('the reason for the extension'),
  })
  .refine((b) => (b.until === undefined) !== (b.byMinutes === undefined), {
    path: ['until'],
    message: 'give the new due time (until, a date-time) or how far to move it (byMinutes), one of the two',
  });
/** A deadline's stop-the-clock: whom the case waits on. */
export const suspendDeadlineBody = z.strictObject({ reason: text('whom the case waits on') });
/** An urging (催办) of the unit, with an optional note for it. */
export const urgeDeadlineBody = z.strictObject({ note: z.string().max(1000).optional() });
/** A deadline after a change to it. */
export const deadlineAnswer = deadlineView;
/** The deadline after an extension, and the request still waiting for a second approver (null once granted). */
export const extensionAnswer = deadlineView.extend({
  pendingExtension: z
    .object({ requestId: z.number(), until: z.string(), reason: z.string(), requestedBy: z.object({ id: z.string(), role: roleName }), requestedAt: z.string() })
    .nullable(),
}) satisfies z.ZodType<Omit<ExtensionAnswer, 'pendingExtension'> & { pendingExtension: (Omit<PendingExtension, 'requestedBy'> & { requestedBy: { id: string; role: string } }) | null }>;
export const caseHistory = z.object({ caseId: z.string(), events: z.array(caseEventView) });

const caseSummary = z.object({
  id: z.string(),
  type: z.string(),
  state: z.string(),
  status: z.enum(['open', 'closed']),
  version: z.number(),
  unit: z.string().nullable(),
  assignee: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
}) satisfies z.ZodType<CaseSummary>;
export const casePage = z.object({ cases: z.array(caseSummary), nextCursor: z.string().nullable() }) satisfies z.ZodType<CasePage>;

export const reporterMessageList = z.object({
  caseId: z.string(),
  messages: z.array(z.object({ id: z.number(), body: z.string(), receivedAt: z.string() })),
});

const period = z.object({ since: z.string(), until: z.string() });
const overdueCase = z.object({
  caseId: z.string(),
  type: z.string(),
  state: z.string(),
  unit: z.string().nullable(),
  assignee: z.string().nullable(),
  deadlineId: z.string(),
  deadlineKind: z.string(),
  dueAt: z.string(),
  originalDueAt: z.string(),
  latenessMs: z.number(),
  extendedAfterLapse: z.boolean(),
  warning: z.string(),
  escalationLevel: z.number(),
  /** The time zone the deadline counts in (the case's), e.g. Asia/Shanghai. */
  timeZone: z.string(),
  /** How the limit counts: lateness is in working days for `workingDays`, else in hours. */
  limitKind: z.enum(['workingDays', 'duration', 'localTime', 'until']),
  /** e.g. "provisional: the 2027 calendar is not loaded": the due moment and the lateness may move when it is. */
  provisional: z.string().nullable(),
}) satisfies z.ZodType<OverdueCase>;
export const overdueList = z.object({ asOf: z.string(), cases: z.array(overdueCase) });
const escalation = z.object({
  caseId: z.string(),
  deadlineId: z.string(),
  unit: z.string().nullable(),
  step: z.string(),
  issuedAt: z.string(),
}) satisfies z.ZodType<Escalation>;
export const escalationList = z.object({ period, escalations: z.array(escalation) });
const onTimeRate = z.object({
  owner: z.enum(['unit', 'office']).describe('`unit`: the limits the unit owns; `office`: the office’s own limits (one row, unit null)'),
  unit: z.string().nullable(),
  met: z.number(),
  late: z.number(),
  rate: z.number().nullable(),
}) satisfies z.ZodType<OnTimeRate>;
export const onTimeRateList = z.object({ period, units: z.array(onTimeRate) });
const warningCardCount = z.object({
  unit: z.string().nullable(),
  blue: z.number(),
  yellow: z.number(),
  red: z.number(),
}) satisfies z.ZodType<WarningCardCount>;
export const warningCardList = z.object({ period, units: z.array(warningCardCount) });
const cardConsequence = z.object({
  caseId: z.string(),
  unit: z.string(),
  kind: z.enum(['formalLetter', 'unitHeadTalk', 'topOfficialTalk']),
  period: z.string(),
  cards: z.array(z.object({ cardDeadlineId: z.string(), caseId: z.string(), warning: z.string(), step: z.string(), issuedAt: z.string() })),
  action: z.string(),
  pointsOff: z.number(),
  basis: z.string(),
  dueAt: z.string(),
  createdAt: z.string(),
  status: z.enum(['open', 'done']),
  doneAt: z.string().nullable(),
}) satisfies z.ZodType<CardConsequence>;
export const cardConsequenceList = z.object({ period, consequences: z.array(cardConsequence) });
const adjustmentReviewRow = z.object({
  caseId: z.string(),
  official: z.object({ officialId: z.string(), name: z.string(), unit: z.string().optional() }),
  pattern: z.string().nullable(),
  summary: z.string(),
  basis: z.string(),
  triggeredBy: z.array(z.object({ caseId: z.string(), type: z.string(), finding: z.string() })),
  state: z.string(),
  status: z.enum(['open', 'closed']),
  openedAt: z.string(),
  dueAt: z.string().nullable(),
  deadlineStatus: z.string().nullable(),
  outcome: z.object({ result: z.enum(['adjusted', 'retainedWithWarning', 'dismissed']), reason: z.string(), by: z.string(), at: z.string() }).nullable(),
}) satisfies z.ZodType<AdjustmentReviewRow>;
export const adjustmentReviewList = z.object({ reviews: z.array(adjustmentReviewRow) });
const stateCount = z.object({ type: z.string(), state: z.string(), count: z.number() }) satisfies z.ZodType<StateCount>;
export const stateCountList = z.object({ counts: z.array(stateCount) });

/** What a candidate may learn about their own self-recommendation: where it stands, never a view or the deliberation. */
export const applicantStatus = z.object({
  caseId: z.string(),
  type: z.string(),
  status: z.string(),
  stage: z.enum(['submitted', 'inProgress', 'concluded']),
  submittedAt: z.string(),
}) satisfies z.ZodType<ApplicantStatus>;

/** What a reporter may learn about their clue: a reporter-facing status, never the internal state. */
export const clueStatus = z.object({
  status: z.string(),
  stage: z.enum(['received', 'inProgress', 'concluded']),
});
export const filedClue = clueStatus.extend({
  receiptCode: z.string(),
  notice: z.string(),
});
export const acknowledgement = z.object({ acknowledged: z.literal(true), receivedAt: z.string() });

export const apiUser = z.object({ name: z.string(), role: z.string(), createdAt: z.string() });
export const userList = z.object({ users: z.array(apiUser) });
export const issuedToken = z.object({
  id: z.string(),
  token: z.string(),
  user: z.string(),
  label: z.string().nullable(),
  createdAt: z.string(),
  notice: z.string(),
});
export const tokenInfo = z.object({
  id: z.string(),
  user: z.string(),
  label: z.string().nullable(),
  createdAt: z.string(),
  revokedAt: z.string().nullable(),
});

export const identityRequestParams = caseIdParams.extend({
  requestId: z.coerce.number({ error: 'must be a number' }).int('must be a whole number').positive('must be at least 1'),
});
export const identityRequestBody = z.strictObject({ reason: text('the reason for seeing the reporter’s identity') });
export const identityDecisionBody = z.strictObject({
  decision: z.enum(['approve', 'refuse'], { error: 'must be "approve" or "refuse"' }),
  note: z.string().max(1000, 'at most 1,000 characters').optional(),
});
/** An identity-access request: never the identity itself. */
export const identityRequestView = z.object({
  requestId: z.number(),
  caseId: z.string(),
  reason: z.string(),
  requestedBy: z.object({ id: z.string(), role: roleName }),
  requestedAt: z.string(),
  status: z.enum(['pending', 'approved', 'refused', 'revealed', 'expired']),
  decidedBy: z.string().nullable(),
  decidedAt: z.string().nullable(),
  note: z.string().nullable(),
  expiresAt: z.string().nullable(),
}) satisfies z.ZodType<Omit<IdentityRequestView, 'requestedBy'> & { requestedBy: { id: string; role: string } }>;
export const identityRequestList = z.object({ caseId: z.string(), requests: z.array(identityRequestView) });
/** The custodians' queue across cases: which status to list. */
export const identityQueueQuery = z.strictObject({
  status: z.enum(['pending', 'approved', 'refused', 'revealed', 'expired'], { error: 'status is one of: pending, approved, refused, revealed, expired' }).optional(),
});
export const identityQueue = z.object({ status: identityRequestView.shape.status, requests: z.array(identityRequestView) });
/** The one answer that carries a reporter's identity: shown once, to the person whose request a custodian approved. */
export const identityRevealView = z.object({
  caseId: z.string(),
  requestId: z.number(),
  reporter: z.object({ name: z.string(), contact: z.string().nullable() }),
  revealedAt: z.string(),
}) satisfies z.ZodType<IdentityReveal>;
