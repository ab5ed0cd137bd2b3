/**
 * Extensions that cannot launder lateness, decided purely: how far the office lets a deadline move
 * past its original due moment, when a second approver must sign (four eyes), the request that waits
 * for them in the case log, and the clock change an approved extension makes.
 */
import type { CaseEventRecord, CaseRecord, DeadlineRecord } from '../../db/records';
import { sameOfficial } from '../../machines/officials';
import type { Actor } from '../../machines/types';
import { ExtensionBeyondLimitError, ExtensionRequestNotPendingError, InvalidPayloadError } from '../errors';
import { extensionRuleFor, type ExtensionRule, type ExtensionSpan, type OfficePolicy } from '../officePolicy';
import { computeDueAt, type WorkingDayCalendar } from '../time';
import { hasLapsed, type ClockChange } from './deadlinePlans';
import { emptyPlan, type WritePlan } from './plan';

/** The log entry kind of a request waiting for a second approver. */
export const EXTENSION_REQUESTED = 'deadlineExtensionRequested';

/** How far one deadline may be extended in this office. */
export interface ExtensionBound {
  rule: ExtensionRule;
  /** The latest due moment any extension may reach (epoch ms). */
  latestAllowed: number;
  /** The latest due moment one approver may grant alone; null when one always suffices. */
  singleApproverUntil: number | null;
}

/** An extension request waiting for a second approver, as read back from the case log. */
export interface ExtensionRequest {
  /** The id of the log entry that recorded the request. */
  requestId: number;
  deadlineId: string;
  /** The due moment the request was made against (epoch ms): a later change overtakes the request. */
  from: number;
  until: number;
  reason: string;
  requestedBy: Actor;
  requestedAt: number;
}

const iso = (ms: number): string => new Date(ms).toISOString();

/** A span in words: "10 working days", "90 minutes". */
export const describeSpan = (span: ExtensionSpan): string =>
  span.kind === 'workingDays' ? `${span.days} working day${span.days === 1 ? '' : 's'}` : `${span.minutes} minute${span.minutes === 1 ? '' : 's'}`;

/** The office's bound on extending `row`, counted from its original due moment in its time zone and calendar. */
export function extensionBound(row: DeadlineRecord, policy: OfficePolicy, calendar: WorkingDayCalendar): ExtensionBound {
  const rule = extensionRuleFor(policy, row.kind);
  const from = (span: ExtensionSpan) => computeDueAt(span, row.originalDueAt, row.timeZone, calendar);
  return { rule, latestAllowed: from(rule.atMost), singleApproverUntil: rule.secondApproverBeyond ? from(rule.secondApproverBeyond) : null };
}

/**
 * Whether moving `row` to `until` at `now` is a valid extension, and whether one approver may grant
 * it or it needs a second. Throws INVALID_PAYLOAD for a time not later than the current due time or
 * not in the future, EXTENSION_BEYOND_LIMIT past the office's bound.
 */
export function judgeExtension(row: DeadlineRecord, until: number, now: number, bound: ExtensionBound): 'oneApprover' | 'secondApprover' {
  if (!(until > row.dueAt)) throw new InvalidPayloadError('extension', [{ path: 'until', message: `must be later than the current due time ${iso(row.dueAt)}` }]);
  if (until <= now) throw new InvalidPayloadError('extension', [{ path: 'until', message: 'must be in the future' }]);
  if (until > bound.latestAllowed) {
    throw new ExtensionBeyondLimitError(row.id, {
      originalDueAt: iso(row.originalDueAt),
      until: iso(until),
      latestAllowed: iso(bound.latestAllowed),
      atMost: describeSpan(bound.rule.atMost),
      basis: bound.rule.basis,
    });
  }
  return bound.singleApproverUntil !== null && until > bound.singleApproverUntil ? 'secondApprover' : 'oneApprover';
}

/** The clock change of an extension granted at `now`: the audit payload names the original due moment and whether it came too late. */
export function extensionChange(row: DeadlineRecord, until: number, now: number, audit: Record<string, unknown>): ClockChange {
  return {
    kind: 'deadlineExtended',
    dueAt: until,
    suspendedAt: row.suspendedAt,
    payload: { from: iso(row.dueAt), to: iso(until), originalDueAt: iso(row.originalDueAt), countedLate: hasLapsed(row, now), ...audit },
  };
}

/** The plan that records a request for a second approver (the deadline itself does not move). */
export function planExtensionRequest(row: DeadlineRecord, caseRow: CaseRecord, request: { until: number; reason: string }, actor: Actor, now: number, bound: ExtensionBound): WritePlan {
  const plan = emptyPlan();
  plan.log.push({
    caseId: row.caseId,
    version: caseRow.version,
    kind: EXTENSION_REQUESTED,
    type: 'DEADLINE_EXTENSION_REQUESTED',
    actorId: actor.id,
    actorRole: actor.role,
    at: now,
    payload: JSON.stringify({
      deadlineId: row.id,
      deadlineKind: row.kind,
      from: iso(row.dueAt),
      to: iso(request.until),
      originalDueAt: iso(row.originalDueAt),
      reason: request.reason,
      needs: 'a second approver',
      secondApproverBeyond: bound.rule.secondApproverBeyond ? describeSpan(bound.rule.secondApproverBeyond) : null,
      basis: bound.rule.basis,
    }),
    fromState: null,
    toState: null,
  });
  return plan;
}

interface RequestPayload {
  deadlineId?: string;
  requestId?: number;
  from?: string;
  to?: string;
  reason?: string;
}

/**
 * The request `requestId` on `row`, if it still waits: recorded for this deadline, not yet approved,
 * and not overtaken (the due moment it was made against is still the current one). Else
 * EXTENSION_REQUEST_NOT_PENDING, saying why.
 */
export function pendingExtensionRequest(log: readonly CaseEventRecord[], row: DeadlineRecord, requestId: number): ExtensionRequest {
  const entry = log.find((e) => e.id === requestId && e.kind === EXTENSION_REQUESTED);
  const payload = entry ? (JSON.parse(entry.payload) as RequestPayload) : null;
  if (!entry || !payload || payload.deadlineId !== row.id) throw new ExtensionRequestNotPendingError(row.id, requestId, 'no such request was made on this deadline');
  const approved = log.some((e) => e.kind === 'deadlineExtended' && (JSON.parse(e.payload) as RequestPayload).requestId === requestId);
  if (approved) throw new ExtensionRequestNotPendingError(row.id, requestId, 'it was already approved');
  const from = Date.parse(payload.from ?? '');
  if (from !== row.dueAt) throw new ExtensionRequestNotPendingError(row.id, requestId, `the deadline has moved since (now due ${iso(row.dueAt)}); ask again`);
  return {
    requestId,
    deadlineId: row.id,
    from,
    until: Date.parse(payload.to ?? ''),
    reason: payload.reason ?? '',
    requestedBy: { id: entry.actorId, role: entry.actorRole as Actor['role'] },
    requestedAt: entry.at,
  };
}

/** True when `approver` is the person who made `request`: four eyes need someone else. */
export const sameRequester = (request: ExtensionRequest, approver: Actor): boolean => sameOfficial(request.requestedBy.id, approver.id);
