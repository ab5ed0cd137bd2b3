/**
 * Identity commands: a caseworker asks to see a named reporter's identity (with a reason), a
 * custodian approves or refuses, the requester has it shown once within the reveal's time; and, for
 * operators, sealing identities stored before sealing and re-wrapping data keys under a new key.
 * Each step is one transaction through the one writer and an entry in the case's hash-chained log.
 */
import type { Tx } from '../../db/port';
import type { CaseEventRecord, CaseRecord } from '../../db/records';
import { sameOfficial } from '../../machines/officials';
import type { Actor } from '../../machines/types';
import { ForbiddenRoleError, IdentityKeyMissingError, IdentityRevealUnavailableError, InvalidPayloadError } from '../errors';
import type { IdentityFields } from '../privacy/identitySeal';
import { canonicalActor, type EngineCore } from './core';
import {
  approvalPayload,
  checkDecision,
  checkReveal,
  findIdentityRequest,
  identityRequestsOf,
  newIdentityRequest,
  openIdentityRecord,
  planIdentityStep,
  requireIdentityOnFile,
  type IdentityAccessRequest,
  type IdentityRequestStatus,
} from './identityAccess';
import type { WritePlan } from './plan';
import { authorizeIdentityAccess, CUSTODIANS, IDENTITY_REQUESTERS } from './policy';

/** An identity-access request as the API shows it. */
export interface IdentityRequestView {
  requestId: number;
  caseId: string;
  reason: string;
  requestedBy: Actor;
  requestedAt: string;
  status: IdentityAccessRequest['status'];
  decidedBy: string | null;
  decidedAt: string | null;
  note: string | null;
  expiresAt: string | null;
}

/** A reveal: the identity, shown this once. */
export interface IdentityReveal {
  caseId: string;
  requestId: number;
  reporter: IdentityFields;
  revealedAt: string;
}

/** What a key rotation or a sealing pass did. */
export interface KeyRotationReport {
  keyId: string;
  /** Plain identities (stored before sealing) sealed now. */
  sealed: number;
  /** Data keys re-wrapped under `keyId`. */
  rewrapped: number;
}

const BATCH = 200;
/** Log entries, and cases, read per query when the custodians' queue is gathered. */
const QUEUE_PAGE = 500;

/** What one identity step decided: the plan to write, and its answer given the id of its log entry. */
interface Decided<T> {
  plan: WritePlan;
  answer: (entryId: number) => T;
}
const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

/** The view of a request. */
export const toIdentityRequestView = (r: IdentityAccessRequest): IdentityRequestView => ({
  requestId: r.requestId,
  caseId: r.caseId,
  reason: r.reason,
  requestedBy: r.requestedBy,
  requestedAt: iso(r.requestedAt)!,
  status: r.status,
  decidedBy: r.decidedBy,
  decidedAt: iso(r.decidedAt),
  note: r.note,
  expiresAt: iso(r.expiresAt),
});

function cleanText(text: string | undefined, what: string, path: string, required: boolean): string | null {
  const trimmed = text?.trim() ?? '';
  if (!trimmed && required) throw new InvalidPayloadError(what, [{ path, message: `${what} needs a reason` }]);
  if (trimmed.length > 1000) throw new InvalidPayloadError(what, [{ path, message: 'too long (1,000 characters at most)' }]);
  return trimmed || null;
}

/** Identity-access requests, their decisions and reveals; sealing and key rotation. */
export class IdentityCommands {
  constructor(private readonly core: EngineCore) {}

  /** Files a request to see the reporter's identity of `caseId`, with a reason; a custodian is notified. */
  async request(caseId: string, request: { reason: string }, actor: Actor): Promise<IdentityRequestView> {
    const requester = canonicalActor(actor);
    const reason = cleanText(request.reason, 'an identity-access request', 'reason', true)!;
    return this.step(caseId, requester, IDENTITY_REQUESTERS, 'ask for the reporter’s identity on', async (tx, row) => {
      requireIdentityOnFile(caseId, await tx.reporters.identityOf(caseId));
      const now = this.core.clock.now();
      const plan = planIdentityStep(row, 'requested', requester, now, { reason });
      return { plan, answer: (requestId) => toIdentityRequestView(newIdentityRequest(caseId, requestId, reason, requester, now)) };
    });
  }

  /** A custodian approves or refuses a pending request (not their own); an approval opens the reveal for the configured time. */
  async decide(caseId: string, requestId: number, decision: { approve: boolean; note?: string }, actor: Actor): Promise<IdentityRequestView> {
    const custodian = canonicalActor(actor);
    const note = cleanText(decision.note, 'a decision', 'note', false);
    return this.step(caseId, custodian, CUSTODIANS, 'decide identity-access requests on', (_tx, row, requests) => {
      const request = findIdentityRequest(requests, caseId, requestId);
      checkDecision(request, custodian);
      const now = this.core.clock.now();
      const payload = decision.approve ? approvalPayload(request, note, now, this.core.revealTtlMs) : { requestId, requestedBy: request.requestedBy.id, note };
      const plan = planIdentityStep(row, decision.approve ? 'approved' : 'refused', custodian, now, payload);
      const decided: IdentityAccessRequest = {
        ...request,
        status: decision.approve ? 'approved' : 'refused',
        decidedBy: custodian.id,
        decidedAt: now,
        note,
        expiresAt: decision.approve ? now + this.core.revealTtlMs : null,
      };
      return { plan, answer: () => toIdentityRequestView(decided) };
    });
  }

  /**
   * Shows the identity to the person who asked, once, while the approval is in time. A second
   * reveal, a refused or pending request, and an expired one answer IDENTITY_REVEAL_UNAVAILABLE;
   * the first attempt after the time ran out writes the expiry into the log.
   */
  async reveal(caseId: string, requestId: number, actor: Actor): Promise<IdentityReveal> {
    const reader = canonicalActor(actor);
    const seal = this.requireSeal();
    const outcome = await this.step(caseId, reader, IDENTITY_REQUESTERS, 'see the reporter’s identity on', async (tx, row, requests) => {
      const request = findIdentityRequest(requests, caseId, requestId);
      const now = this.core.clock.now();
      if (checkReveal(request, reader) === 'expiredNow') {
        const plan = planIdentityStep(row, 'expired', reader, now, { requestId, expiredAt: iso(request.expiresAt) });
        return { plan, answer: () => null };
      }
      const identity = openIdentityRecord(seal, requireIdentityOnFile(caseId, await tx.reporters.identityOf(caseId)));
      const plan = planIdentityStep(row, 'revealed', reader, now, { requestId });
      return { plan, answer: (): IdentityReveal => ({ caseId, requestId, reporter: identity, revealedAt: iso(now)! }) };
    });
    if (outcome === null) throw new IdentityRevealUnavailableError(caseId, requestId, 'expired');
    return outcome;
  }

  /** The identity-access requests of a case: all of them for a custodian, one's own for anyone else. */
  async list(caseId: string, actor: Actor): Promise<IdentityRequestView[]> {
    const reader = canonicalActor(actor);
    return this.core.store.read(async (tx) => {
      const row = await tx.cases.byId(caseId);
      authorizeIdentityAccess(reader, row, caseId, IDENTITY_REQUESTERS, 'see identity-access requests on');
      const requests = identityRequestsOf(caseId, await tx.events.ofCase(caseId), this.core.clock.now());
      return requests.filter((r) => CUSTODIANS.includes(reader.role) || r.requestedBy.id === reader.id).map(toIdentityRequestView);
    });
  }

  /**
   * The custodians' queue: identity-access requests across every case, oldest first, in one status
   * (pending unless asked otherwise). Cases about the custodian are left out: they may not decide them.
   */
  async queue(actor: Actor, filter: { status?: IdentityRequestStatus } = {}): Promise<IdentityRequestView[]> {
    const reader = canonicalActor(actor);
    if (!CUSTODIANS.includes(reader.role)) throw new ForbiddenRoleError('see the identity-access requests of every case', reader.role, CUSTODIANS);
    const status = filter.status ?? 'pending';
    return this.core.store.read(async (tx) => {
      const stepsByCase = new Map<string, CaseEventRecord[]>();
      for (let after = 0; ; ) {
        const page = await tx.events.identityStepsAfter(after, QUEUE_PAGE);
        for (const entry of page) {
          const steps = stepsByCase.get(entry.caseId);
          if (steps) steps.push(entry);
          else stepsByCase.set(entry.caseId, [entry]);
        }
        if (page.length < QUEUE_PAGE) break;
        after = page[page.length - 1]!.id;
      }
      const now = this.core.clock.now();
      const found: IdentityAccessRequest[] = [];
      const caseIds = [...stepsByCase.keys()];
      for (let i = 0; i < caseIds.length; i += QUEUE_PAGE) {
        for (const facts of await tx.cases.accessFacts(caseIds.slice(i, i + QUEUE_PAGE))) {
          if (sameOfficial(facts.subjectId, reader.id)) continue;
          found.push(...identityRequestsOf(facts.id, stepsByCase.get(facts.id)!, now).filter((r) => r.status === status));
        }
      }
      return found.sort((a, b) => a.requestedAt - b.requestedAt || a.requestId - b.requestId).map(toIdentityRequestView);
    });
  }

  /**
   * The operator's sealing pass and key rotation: seals every identity still in plain text, then
   * re-wraps every data key wrapped by another key under the current one, without opening the
   * identities' fields. Idempotent; each identity in its own guarded update.
   */
  async rotateKeys(): Promise<KeyRotationReport> {
    const seal = this.requireSeal();
    const report: KeyRotationReport = { keyId: seal.currentKeyId, sealed: await this.sealPlain(), rewrapped: 0 };
    for (let after = ''; ; ) {
      const batch = await this.core.store.read((tx) => tx.reporters.wrappedWithOtherKey(seal.currentKeyId, after, BATCH));
      if (!batch.length) return report;
      await this.core.store.withTransaction(async (tx) => {
        for (const wrapping of batch) {
          const moved = seal.rewrap(wrapping.caseId, { ...wrapping, sealedFields: {} });
          if (moved && (await tx.reporters.rewrapIdentity(wrapping, { keyId: moved.keyId, wrappedKey: moved.wrappedKey }))) report.rewrapped++;
        }
      });
      after = batch[batch.length - 1]!.caseId;
    }
  }

  /** Seals the identities an older caseflow stored in plain text; returns how many. Does nothing without a key. */
  async sealPlain(): Promise<number> {
    const seal = this.core.identitySeal;
    if (!seal) return 0;
    let sealed = 0;
    for (let after = ''; ; ) {
      const batch = await this.core.store.read((tx) => tx.reporters.plainIdentities(after, BATCH));
      if (!batch.length) return sealed;
      await this.core.store.withTransaction(async (tx) => {
        for (const row of batch) {
          const s = seal.seal(row.caseId, { name: row.name ?? '', contact: row.contact });
          if (await tx.reporters.sealPlainIdentity(row.caseId, { keyId: s.keyId, wrappedKey: s.wrappedKey, sealedFields: JSON.stringify(s.sealedFields) })) sealed++;
        }
      });
      after = batch[batch.length - 1]!.caseId;
    }
  }

  private requireSeal() {
    if (!this.core.identitySeal) throw new IdentityKeyMissingError();
    return this.core.identitySeal;
  }

  /** One identity step on a case: authorize inside the transaction, read its requests, write the plan, answer. */
  private async step<T>(
    caseId: string,
    actor: Actor,
    roles: readonly Actor['role'][],
    what: string,
    decide: (tx: Tx, row: CaseRecord, requests: IdentityAccessRequest[]) => Promise<Decided<T>> | Decided<T>,
  ): Promise<T> {
    const { answer, plan } = await this.core.store.withTransaction(async (tx) => {
      // read in the write transaction (held on PostgreSQL): two reveals of one approval never both pass
      const row = await tx.cases.byId(caseId);
      authorizeIdentityAccess(actor, row, caseId, roles, what);
      const requests = identityRequestsOf(caseId, await tx.events.ofCase(caseId), this.core.clock.now());
      const decided = await decide(tx, row!, requests);
      const [entryId] = await this.core.write(tx, decided.plan);
      return { answer: decided.answer(entryId!), plan: decided.plan };
    });
    this.core.announce(plan);
    return answer;
  }
}

