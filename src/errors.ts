/**
 * Typed errors with stable codes. Each message names the thing, the bad value and what to do,
 * in words a caseworker understands; `details` carries the same facts for programs.
 */
import { StoreUnavailableError } from '../db/errors';

export type ErrorCode =
  | 'CASE_NOT_FOUND'
  | 'EVENT_NOT_ALLOWED'
  | 'GUARD_REJECTED'
  | 'INVALID_PAYLOAD'
  | 'VERSION_CONFLICT'
  | 'FORBIDDEN_ROLE'
  | 'UNKNOWN_CASE_TYPE'
  | 'MACHINE_VERSION_UNKNOWN'
  | 'NO_CHANGE'
  | 'DEADLINE_NOT_FOUND'
  | 'DEADLINE_CHANGED'
  | 'STORE_UNAVAILABLE'
  | 'NOT_READY'
  | 'UNAUTHENTICATED'
  | 'NOT_FOUND'
  | 'RATE_LIMITED'
  | 'PAYLOAD_TOO_LARGE'
  | 'CASE_ON_HOLD'
  | 'INVALID_POLICY'
  | 'CASE_LOG_BROKEN'
  | 'AUDIT_KEY_INVALID'
  | 'CSRF_REJECTED'
  | 'EXTENSION_BEYOND_LIMIT'
  | 'EXTENSION_REQUEST_NOT_PENDING'
  | 'SECOND_APPROVER_REQUIRED'
  | 'ROLE_NOT_CLAIMABLE'
  | 'ROLE_NOT_HELD'
  | 'ACTOR_NOT_CLAIMABLE'
  | 'NOT_SIGNED_IN'
  | 'SERVER_UNREACHABLE'
  | 'IDENTITY_KEY_MISSING'
  | 'IDENTITY_KEY_INVALID'
  | 'IDENTITY_SEAL_BROKEN'
  | 'NO_REPORTER_IDENTITY'
  | 'IDENTITY_REQUEST_NOT_FOUND'
  | 'IDENTITY_REQUEST_NOT_PENDING'
  | 'SELF_APPROVAL_REFUSED'
  | 'IDENTITY_REVEAL_UNAVAILABLE'
  | 'MIGRATION_TARGET_UNKNOWN'
  | 'MIGRATION_PLAN_STALE';

/** The base of every error caseflow reports to a user. */
export class CaseflowError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = new.target.name;
  }
  /** The one JSON shape every interface reports errors in. */
  toJSON(): { code: ErrorCode; message: string; details: Record<string, unknown> } {
    return { code: this.code, message: this.message, details: this.details };
  }
}

export class CaseNotFoundError extends CaseflowError {
  constructor(caseId: string) {
    super('CASE_NOT_FOUND', `No case with id "${caseId}" exists. Check the case number.`, { caseId });
  }
}

export class UnknownCaseTypeError extends CaseflowError {
  constructor(type: string, known: readonly string[]) {
    super('UNKNOWN_CASE_TYPE', `"${type}" is not a case type. Use one of: ${known.join(', ')}.`, { type, known });
  }
}

export class MachineVersionUnknownError extends CaseflowError {
  constructor(caseId: string, type: string, version: number, known: readonly number[]) {
    super(
      'MACHINE_VERSION_UNKNOWN',
      `Case ${caseId} runs version ${version} of the ${type} machine, which this server no longer has (it has ${known.join(', ')}). Keep that version in previousVersions or migrate the case.`,
      { caseId, type, version, known },
    );
  }
}

export class EventNotAllowedError extends CaseflowError {
  constructor(caseId: string, event: string, state: string, allowed: readonly string[]) {
    const hint = allowed.length ? `Events allowed there: ${allowed.join(', ')}.` : 'No event is allowed there: the case is closed.';
    super('EVENT_NOT_ALLOWED', `Case ${caseId} is in state "${state}", where ${event} is not allowed. ${hint}`, {
      caseId,
      event,
      state,
      allowed,
    });
  }
}

export class GuardRejectedError extends CaseflowError {
  constructor(caseId: string, event: string, state: string, rules: readonly { guard: string; rule: string }[]) {
    const text = rules.map((r) => r.rule).join('; ') || 'a rule of this step was not met';
    super('GUARD_REJECTED', `${event} was refused on case ${caseId} (state "${state}"): ${text}.`, {
      caseId,
      event,
      state,
      rules,
    });
  }
}

export interface PayloadIssue {
  path: string;
  message: string;
}

export class InvalidPayloadError extends CaseflowError {
  constructor(what: string, issues: readonly PayloadIssue[]) {
    const text = issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join('; ');
    super('INVALID_PAYLOAD', `The ${what} is not valid: ${text}.`, { issues });
  }
}

export class VersionConflictError extends CaseflowError {
  constructor(caseId: string, expected: number, actual: number) {
    super(
      'VERSION_CONFLICT',
      `Case ${caseId} was changed by someone else (you had version ${expected}, it is now ${actual}). Reload the case and try again.`,
      { caseId, expected, actual },
    );
  }
}

export class ForbiddenRoleError extends CaseflowError {
  constructor(what: string, role: string, allowed: readonly string[]) {
    super('FORBIDDEN_ROLE', `The role "${role}" may not ${what}. Roles that may: ${allowed.join(', ') || 'none'}.`, {
      role,
      allowed,
    });
  }
}

/** FORBIDDEN_ROLE by the rule "nobody acts on a case about themselves", whatever their role. */
export class SubjectOfCaseError extends CaseflowError {
  constructor(caseId: string, actorId: string, what: string) {
    super(
      'FORBIDDEN_ROLE',
      `"${actorId}" is the official case ${caseId} is about and may not ${what} it: nobody handles a case about themselves. Ask another caseworker.`,
      { caseId, actorId, rule: 'subjectOfCase' },
    );
  }
}

export class OpenerRefusedError extends CaseflowError {
  constructor(type: string, actor: { id: string; role: string }, rule: string) {
    super('FORBIDDEN_ROLE', `${actor.id} (${actor.role}) may not open this ${type} case: ${rule}.`, { role: actor.role, rule });
  }
}

export class NoChangeError extends CaseflowError {
  constructor(caseId: string, event: string, state: string) {
    super('NO_CHANGE', `${event} would change nothing on case ${caseId} (state "${state}"); nothing was recorded.`, {
      caseId,
      event,
      state,
    });
  }
}

export class DeadlineNotFoundError extends CaseflowError {
  constructor(deadlineId: string) {
    super('DEADLINE_NOT_FOUND', `No running deadline with id "${deadlineId}". It may already be met, overdue or cancelled.`, {
      deadlineId,
    });
  }
}

/** A deadline moved on (a step fired, another change landed) while a change to it was being made. */
export class StaleDeadlineError extends CaseflowError {
  constructor(deadlineId: string, expectedRev: number | null) {
    super(
      'DEADLINE_CHANGED',
      `Deadline "${deadlineId}" was changed by someone else while this change was being made; nothing was recorded. Reload the case and try again.`,
      { deadlineId, expectedRev },
    );
  }
}

/**
 * An error in caseflow's one shape when it is one a caller can act on: caseflow's own, or the store
 * being busy or unreachable (retry later); null for anything else (a bug, reported as internal).
 */
export function asCaseflowError(error: unknown): CaseflowError | null {
  if (error instanceof CaseflowError) return error;
  if (error instanceof StoreUnavailableError) {
    return new CaseflowError('STORE_UNAVAILABLE', error.message, { reason: error.reason, retryAfterMs: error.retryAfterMs });
  }
  return null;
}

/** A linked case holds this one up: an open clue about the same official, an open rectification a clue ordered. */
export class CaseOnHoldError extends CaseflowError {
  constructor(caseId: string, event: string, heldBy: readonly { caseId: string; type: string; state: string }[], rule: string) {
    const names = heldBy.map((c) => `${c.caseId} (${c.type}, ${c.state})`).join(', ');
    super('CASE_ON_HOLD', `${event} was refused on case ${caseId}: it is on hold while ${names} ${heldBy.length === 1 ? 'is' : 'are'} open. ${rule}.`, {
      caseId,
      event,
      heldBy,
      rule,
    });
  }
}

/** `audit verify` found a broken link in the case log (or a checkpoint the log no longer matches). */
export class CaseLogBrokenError extends CaseflowError {
  constructor(message: string, details: Record<string, unknown>) {
    super('CASE_LOG_BROKEN', message, details);
  }
}

/** The audit signing key is missing or is not an Ed25519 key. */
export class AuditKeyError extends CaseflowError {
  constructor(message: string, details: Record<string, unknown> = {}) {
    super('AUDIT_KEY_INVALID', message, details);
  }
}

/** An extension would move a deadline further past its original due moment than the office allows. */
export class ExtensionBeyondLimitError extends CaseflowError {
  constructor(deadlineId: string, details: { originalDueAt: string; until: string; latestAllowed: string; atMost: string; basis: string }) {
    super(
      'EXTENSION_BEYOND_LIMIT',
      `Deadline "${deadlineId}" cannot be extended to ${details.until}: an extension reaches at most ${details.atMost} past the original due moment ${details.originalDueAt}, that is ${details.latestAllowed}. ${details.basis}.`,
      { deadlineId, ...details },
    );
  }
}

/** The extension request named is not one waiting on this deadline: unknown, already approved, or overtaken by a later change. */
export class ExtensionRequestNotPendingError extends CaseflowError {
  constructor(deadlineId: string, requestId: number, why: string) {
    super('EXTENSION_REQUEST_NOT_PENDING', `There is no pending extension request ${requestId} on deadline "${deadlineId}": ${why}. Nothing was recorded.`, {
      deadlineId,
      requestId,
      why,
    });
  }
}

/** Four eyes: the person who asked for an extension cannot also approve it. */
export class SecondApproverRequiredError extends CaseflowError {
  constructor(deadlineId: string, requestId: number, requestedBy: string, roles: readonly string[]) {
    super(
      'SECOND_APPROVER_REQUIRED',
      `Extension request ${requestId} on deadline "${deadlineId}" was made by ${requestedBy}; it must be approved by a different person with one of the roles ${roles.join(', ')}.`,
      { deadlineId, requestId, requestedBy, roles },
    );
  }
}

/** Named intake without an identity key: caseflow refuses to store a reporter's identity in plain text. */
export class IdentityKeyMissingError extends CaseflowError {
  constructor() {
    super(
      'IDENTITY_KEY_MISSING',
      'This server has no identity key, so it cannot seal a named reporter’s identity and stores nothing. File the clue anonymously, or ask the operator to set CASEFLOW_IDENTITY_KEY (kid:base64 of 32 bytes) or CASEFLOW_IDENTITY_KEY_FILE and restart.',
      { env: ['CASEFLOW_IDENTITY_KEY', 'CASEFLOW_IDENTITY_KEY_FILE'] },
    );
  }
}

/** An identity-access request on a case that has no named reporter. */
export class NoReporterIdentityError extends CaseflowError {
  constructor(caseId: string) {
    super('NO_REPORTER_IDENTITY', `Case ${caseId} has no named reporter on file (the clue is anonymous, or it is not a clue): there is no identity to ask for.`, { caseId });
  }
}

/** The identity-access request named is not one this caller may see on this case. */
export class IdentityRequestNotFoundError extends CaseflowError {
  constructor(caseId: string, requestId: number) {
    super('IDENTITY_REQUEST_NOT_FOUND', `There is no identity-access request ${requestId} of yours on case ${caseId}. Check the request number.`, { caseId, requestId });
  }
}

/** The identity-access request was already approved or refused. */
export class IdentityRequestNotPendingError extends CaseflowError {
  constructor(caseId: string, requestId: number, status: string) {
    super('IDENTITY_REQUEST_NOT_PENDING', `Identity-access request ${requestId} on case ${caseId} is already ${status}; a request is decided once. Nothing was recorded.`, { caseId, requestId, status });
  }
}

/** Four eyes: a custodian cannot approve their own identity-access request. */
export class SelfApprovalRefusedError extends CaseflowError {
  constructor(caseId: string, requestId: number, requestedBy: string) {
    super('SELF_APPROVAL_REFUSED', `Identity-access request ${requestId} on case ${caseId} was made by ${requestedBy}; another custodian must decide it.`, { caseId, requestId, requestedBy });
  }
}

/** An identity reveal that can no longer be shown: refused, still pending, already shown once, or expired. */
export class IdentityRevealUnavailableError extends CaseflowError {
  constructor(caseId: string, requestId: number, why: 'pending' | 'refused' | 'revealed' | 'expired') {
    const words = {
      pending: 'it waits for a custodian’s decision',
      refused: 'a custodian refused it',
      revealed: 'it was already shown once',
      expired: 'its time ran out before it was shown',
    }[why];
    super('IDENTITY_REVEAL_UNAVAILABLE', `The identity of case ${caseId} cannot be shown for request ${requestId}: ${words}. File a new request if you still need it.`, { caseId, requestId, why });
  }
}
