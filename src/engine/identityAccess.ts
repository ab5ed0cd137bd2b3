/**
 * Identity access, decided purely: a reporter's identity sealed for storage, the identity-access
 * requests of a case read back from its log (requested, approved or refused, revealed, expired),
 * and the log entries each step appends. The identity itself never enters a log entry.
 */
import type { CaseEventRecord, CaseRecord, NewCaseEvent, ReporterIdentityRecord } from '../../db/records';
import { sameOfficial } from '../../machines/officials';
import type { Actor } from '../../machines/types';
import { IdentityRequestNotFoundError, IdentityRequestNotPendingError, IdentityRevealUnavailableError, NoReporterIdentityError, SelfApprovalRefusedError } from '../errors';
import type { IdentityFields, IdentitySeal } from '../privacy/identitySeal';
import { emptyPlan, type WritePlan } from './plan';

/** The log entry kinds of the identity-access steps. */
export const IDENTITY_STEPS = {
  requested: { kind: 'identityAccessRequested', type: 'IDENTITY_ACCESS_REQUESTED' },
  approved: { kind: 'identityAccessApproved', type: 'IDENTITY_ACCESS_APPROVED' },
  refused: { kind: 'identityAccessRefused', type: 'IDENTITY_ACCESS_REFUSED' },
  revealed: { kind: 'identityRevealed', type: 'IDENTITY_REVEALED' },
  expired: { kind: 'identityRevealExpired', type: 'IDENTITY_REVEAL_EXPIRED' },
} as const;
type Step = keyof typeof IDENTITY_STEPS;

/** Where an identity-access request stands. `approved` means: approved, not yet shown, still in time. */
export type IdentityRequestStatus = 'pending' | 'approved' | 'refused' | 'revealed' | 'expired';

/** An identity-access request as the case log records it. */
export interface IdentityAccessRequest {
  /** The id of the log entry that recorded the request. */
  requestId: number;
  caseId: string;
  reason: string;
  requestedBy: Actor;
  requestedAt: number;
  status: IdentityRequestStatus;
  decidedBy: string | null;
  decidedAt: number | null;
  /** The custodian's note on the decision. */
  note: string | null;
  /** Until when an approved reveal may be shown (epoch ms). */
  expiresAt: number | null;
  /** True once the log holds the expiry (an expired request may not have been written as such yet). */
  expiryLogged: boolean;
}

interface StepPayload {
  requestId?: number;
  reason?: string;
  note?: string | null;
  expiresAt?: string;
}

const iso = (ms: number): string => new Date(ms).toISOString();
const kindOf: ReadonlyMap<string, Step> = new Map(Object.entries(IDENTITY_STEPS).map(([step, { kind }]) => [kind, step as Step]));

/** The sealed record of a named reporter of case `caseId`. */
export function sealedIdentityRecord(seal: IdentitySeal, caseId: string, fields: IdentityFields, now: number): ReporterIdentityRecord {
  const sealed = seal.seal(caseId, fields);
  return { caseId, name: null, contact: null, keyId: sealed.keyId, wrappedKey: sealed.wrappedKey, sealedFields: JSON.stringify(sealed.sealedFields), createdAt: now };
}

/** Opens a stored identity: sealed, or (on a row not sealed yet) as it was stored. */
export function openIdentityRecord(seal: IdentitySeal, row: ReporterIdentityRecord): IdentityFields {
  if (row.sealedFields === null || row.keyId === null || row.wrappedKey === null) return { name: row.name ?? '', contact: row.contact };
  return seal.open(row.caseId, { keyId: row.keyId, wrappedKey: row.wrappedKey, sealedFields: JSON.parse(row.sealedFields) as Record<string, string> });
}

/** A request as it stands when filed: pending. */
export const newIdentityRequest = (caseId: string, requestId: number, reason: string, requestedBy: Actor, requestedAt: number): IdentityAccessRequest => ({
  requestId,
  caseId,
  reason,
  requestedBy,
  requestedAt,
  status: 'pending',
  decidedBy: null,
  decidedAt: null,
  note: null,
  expiresAt: null,
  expiryLogged: false,
});

/** Every identity-access request of a case, oldest first, as it stands at `now`. */
export function identityRequestsOf(caseId: string, log: readonly CaseEventRecord[], now: number): IdentityAccessRequest[] {
  const requests = new Map<number, IdentityAccessRequest>();
  for (const entry of log) {
    const step = kindOf.get(entry.kind);
    if (!step) continue;
    const payload = JSON.parse(entry.payload) as StepPayload;
    if (step === 'requested') {
      requests.set(entry.id, newIdentityRequest(caseId, entry.id, payload.reason ?? '', { id: entry.actorId, role: entry.actorRole as Actor['role'] }, entry.at));
      continue;
    }
    const request = requests.get(payload.requestId ?? -1);
    if (!request) continue;
    if (step === 'approved' || step === 'refused') {
      Object.assign(request, { status: step, decidedBy: entry.actorId, decidedAt: entry.at, note: payload.note ?? null, expiresAt: payload.expiresAt ? Date.parse(payload.expiresAt) : null });
    } else if (step === 'revealed') request.status = 'revealed';
    else {
      request.status = 'expired';
      request.expiryLogged = true;
    }
  }
  const all = [...requests.values()];
  for (const r of all) if (r.status === 'approved' && r.expiresAt !== null && now >= r.expiresAt) r.status = 'expired';
  return all;
}

/** The request `requestId` of the case, or IDENTITY_REQUEST_NOT_FOUND. */
export function findIdentityRequest(requests: readonly IdentityAccessRequest[], caseId: string, requestId: number): IdentityAccessRequest {
  const found = requests.find((r) => r.requestId === requestId);
  if (!found) throw new IdentityRequestNotFoundError(caseId, requestId);
  return found;
}

/** Throws unless the case has a named reporter on file. */
export function requireIdentityOnFile(caseId: string, identity: ReporterIdentityRecord | undefined): ReporterIdentityRecord {
  if (!identity) throw new NoReporterIdentityError(caseId);
  return identity;
}

/**
 * Throws unless `custodian` may decide `request`: it still waits (IDENTITY_REQUEST_NOT_PENDING)
 * and someone else made it (SELF_APPROVAL_REFUSED).
 */
export function checkDecision(request: IdentityAccessRequest, custodian: Actor): void {
  if (request.status !== 'pending') throw new IdentityRequestNotPendingError(request.caseId, request.requestId, request.status);
  if (sameOfficial(request.requestedBy.id, custodian.id)) throw new SelfApprovalRefusedError(request.caseId, request.requestId, request.requestedBy.id);
}

/**
 * What a reveal of `request` for `reader` may do: show it, or (refused, pending, shown, expired)
 * IDENTITY_REVEAL_UNAVAILABLE. Another person's request answers as an unknown one.
 */
export function checkReveal(request: IdentityAccessRequest, reader: Actor): 'show' | 'expiredNow' {
  if (!sameOfficial(request.requestedBy.id, reader.id)) throw new IdentityRequestNotFoundError(request.caseId, request.requestId);
  if (request.status === 'approved') return 'show';
  if (request.status === 'expired' && !request.expiryLogged) return 'expiredNow';
  throw new IdentityRevealUnavailableError(request.caseId, request.requestId, request.status);
}

/** The plan that appends one identity-access step to the case log (the case itself does not move). */
export function planIdentityStep(caseRow: CaseRecord, step: Step, actor: Actor, now: number, payload: Record<string, unknown>): WritePlan {
  const plan = emptyPlan();
  const entry: NewCaseEvent = {
    caseId: caseRow.id,
    version: caseRow.version,
    kind: IDENTITY_STEPS[step].kind,
    type: IDENTITY_STEPS[step].type,
    actorId: actor.id,
    actorRole: actor.role,
    at: now,
    payload: JSON.stringify(payload),
    fromState: null,
    toState: null,
  };
  plan.log.push(entry);
  if (step === 'requested') {
    plan.notifications.push({
      caseId: caseRow.id,
      deadlineId: null,
      step: null,
      recipient: 'custodian',
      warning: null,
      subject: `[identity] ${actor.id} asks to see the reporter's identity on case ${caseRow.id}`,
      body: 'An identity-access request waits for a custodian’s decision. The reason is in the case log.',
      createdAt: now,
    });
  }
  return plan;
}

/** The decision payload of an approval at `now` open for `ttlMs`. */
export const approvalPayload = (request: IdentityAccessRequest, note: string | null, now: number, ttlMs: number): Record<string, unknown> => ({
  requestId: request.requestId,
  requestedBy: request.requestedBy.id,
  note,
  expiresAt: iso(now + ttlMs),
});
