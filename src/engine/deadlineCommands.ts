/**
 * Deadline commands: extend, suspend and resume a running deadline (audited case events that move
 * the wake-up with them), and, for the deadline workers, check and fire a ladder step exactly once.
 * Each is one transaction through the one writer; the guarded reschedule decides every race.
 */
import type { Tx } from '../../db/port';
import type { CaseRecord, DeadlineRecord } from '../../db/records';
import { DEADLINE_ESCALATED } from '../../machines/deadlines';
import type { Actor, DeadlineSpec, WarningLevel } from '../../machines/types';
import { DeadlineNotFoundError, InvalidPayloadError, SecondApproverRequiredError, StaleDeadlineError, VersionConflictError } from '../errors';
import { dueAfterSuspension } from '../time';
import { planAdjustmentReviews } from './adjustmentReviews';
import { canonicalActor, type EngineCore } from './core';
import { CaseWork, recordDueStep } from './catchUp';
import { restoreCase } from './decide';
import { checkWakeUp, closedWithFinishedCase, planClockChange, planUrge, type ClockChange, type WakeUpCheck } from './deadlinePlans';
import { onTimeTallies } from './onTime';
import { emptyPlan, mergePlans, type WritePlan } from './plan';
import { extensionBound, extensionChange, judgeExtension, pendingExtensionRequest, planExtensionRequest, sameRequester } from './extensions';
import { authorizeDeadlineChange, authorizeDeadlineRole, DEADLINE_APPROVER_ROLES, authorizeUrge } from './policy';
import { toDeadlineView, type DeadlineView } from './views';

export { DEADLINE_WORKER } from './deadlinePlans';

export type FireOutcome =
  | { kind: 'fired'; caseId: string; deadlineId: string; step: string; warning: WarningLevel | null; firedAt: number; latenessMs: number; nextFireAt: number | null }
  /** The deadline moved on (met, cancelled, suspended, extended or this step already fired): nothing to do. */
  | { kind: 'stale' }
  /** Woken before the step's moment: wait `waitMs` (case time) and try again. */
  | { kind: 'early'; waitMs: number; fireAt: number };

/** An extension waiting for a second approver, as the answer to `extend` names it. */
export interface PendingExtension {
  /** Pass it to `approveExtension`: the id of the log entry that recorded the request. */
  requestId: number;
  until: string;
  reason: string;
  requestedBy: Actor;
  requestedAt: string;
}

/** The deadline after an extension command, and the request still waiting for a second approver, if one does. */
export type ExtensionAnswer = DeadlineView & { pendingExtension: PendingExtension | null };

/** What an extension command decides inside the transaction: a clock change to plan, or a request already written. */
type ExtensionDecision = (
  tx: Tx,
  row: DeadlineRecord,
  caseRow: CaseRecord,
  approver: Actor,
  now: number,
) => Promise<{ change: ClockChange; pending: null } | { plan: WritePlan; pending: PendingExtension }>;

/** How often a step is tried again when a caseworker's transition on the same case won the race. */
const FIRE_ATTEMPTS = 3;

const iso = (ms: number): string => new Date(ms).toISOString();

function requireReason(reason: string | undefined, what: string): string {
  const trimmed = reason?.trim() ?? '';
  if (!trimmed) throw new InvalidPayloadError(what, [{ path: 'reason', message: `${/^[aeiou]/.test(what) ? 'an' : 'a'} ${what} needs a reason` }]);
  return trimmed;
}

/** Extends, suspends, resumes and fires deadlines. */
export class DeadlineCommands {
  constructor(private readonly core: EngineCore) {}

  /**
   * Moves a running deadline's due time later — to `until`, or `byMs` after the current due time —
   * with the reason and the approving actor on record. Within the office's bound (EXTENSION_BEYOND_LIMIT
   * past it); past its four-eyes threshold the extension is only requested, to be approved by someone
   * else (`approveExtension`). Granted after the due moment, the deadline stays counted late.
   */
  async extend(deadlineId: string, request: ({ until: number } | { byMs: number }) & { reason: string }, actor: Actor): Promise<ExtensionAnswer> {
    const reason = requireReason(request.reason, 'extension');
    return await this.extension(deadlineId, actor, 'extend', async (tx, row, caseRow, approver, now) => {
      const until = 'until' in request ? request.until : row.dueAt + request.byMs;
      const bound = extensionBound(row, this.core.policy, this.core.calendar);
      if (judgeExtension(row, until, now, bound) === 'oneApprover') {
        return { change: extensionChange(row, until, now, { reason }), pending: null };
      }
      const plan = planExtensionRequest(row, caseRow, { until, reason }, approver, now, bound);
      const [requestId] = await this.core.write(tx, plan);
      return { plan, pending: { requestId: requestId!, until: iso(until), reason, requestedBy: approver, requestedAt: iso(now) } };
    });
  }

  /**
   * Grants an extension that waits for a second approver: `approver` must hold an approver role and
   * be someone other than the person who asked (SECOND_APPROVER_REQUIRED); the request must still
   * wait (EXTENSION_REQUEST_NOT_PENDING) and still fit the office's bound.
   */
  async approveExtension(deadlineId: string, requestId: number, actor: Actor): Promise<ExtensionAnswer> {
    return await this.extension(deadlineId, actor, 'approve an extension of', async (tx, row, _caseRow, approver, now) => {
      const request = pendingExtensionRequest(await tx.events.ofCase(row.caseId), row, requestId);
      if (sameRequester(request, approver)) throw new SecondApproverRequiredError(deadlineId, requestId, request.requestedBy.id, DEADLINE_APPROVER_ROLES);
      judgeExtension(row, request.until, now, extensionBound(row, this.core.policy, this.core.calendar));
      const audit = { reason: request.reason, requestId, requestedBy: request.requestedBy.id, approvedBy: approver.id };
      return { change: extensionChange(row, request.until, now, audit), pending: null };
    });
  }

  /** Stops a running deadline's clock while the case waits on someone outside the unit. */
  async suspend(deadlineId: string, request: { reason: string }, approver: Actor): Promise<DeadlineView> {
    const reason = requireReason(request.reason, 'suspension');
    return await this.change(deadlineId, approver, 'suspend', (row, now) => {
      if (row.suspendedAt !== null) throw new InvalidPayloadError('suspension', [{ path: 'deadlineId', message: 'the clock is already stopped' }]);
      return { kind: 'deadlineSuspended', dueAt: row.dueAt, suspendedAt: now, payload: { reason, dueAt: iso(row.dueAt) } };
    });
  }

  /** Starts a stopped clock again; the due time moves by the time (or working days) it stood still. */
  resume(deadlineId: string, approver: Actor): Promise<DeadlineView> {
    return this.change(deadlineId, approver, 'resume', (row, now) => {
      if (row.suspendedAt === null) throw new InvalidPayloadError('resumption', [{ path: 'deadlineId', message: 'the clock is not stopped' }]);
      const spec = JSON.parse(row.spec) as DeadlineSpec;
      const limit = spec.limit.kind === 'until' ? ({ kind: 'duration', minutes: 0 } as const) : spec.limit;
      const dueAt = dueAfterSuspension(limit, row.dueAt, { suspendedAt: row.suspendedAt, resumedAt: now }, row.timeZone, this.core.calendar);
      return { kind: 'deadlineResumed', dueAt, suspendedAt: null, payload: { stoppedFor: now - row.suspendedAt, from: iso(row.dueAt), to: iso(dueAt) } };
    });
  }

  /**
   * Urges the unit on a running deadline (催办): a URGED entry in the case log and an urging notice
   * through the notifications outbox, in one transaction. The deadline's schedule stays as it is.
   */
  async urge(deadlineId: string, request: { note?: string }, actor: Actor): Promise<DeadlineView> {
    const urger = canonicalActor(actor);
    const note = request.note?.trim() || null;
    if (note !== null && note.length > 1000) throw new InvalidPayloadError('urging', [{ path: 'note', message: 'the note is too long (1,000 characters at most)' }]);
    const { view, plan } = await this.core.store.withTransaction(async (tx: Tx) => {
      const row = await tx.deadlines.byId(deadlineId);
      const caseRow = row ? await tx.cases.byId(row.caseId) : undefined;
      authorizeUrge(urger, caseRow, deadlineId);
      if (!row || !row.running) throw new DeadlineNotFoundError(deadlineId);
      const plan = planUrge(row, caseRow!, urger, this.core.clock.now(), note);
      await this.core.write(tx, plan);
      return { view: toDeadlineView(row, this.core.calendar), plan };
    });
    this.core.announce(plan);
    return view;
  }

  /** Where a wake-up stands, read without taking the write lock: stale, early (and by how much), or due. */
  check(deadlineId: string, rev: number): Promise<WakeUpCheck> {
    return this.core.store.read(async (tx) => checkWakeUp(await tx.deadlines.byId(deadlineId), rev, this.core.clock.now()));
  }

  /**
   * Fires the step of `deadlineId` scheduled under revision `rev`, if it is still due: the guarded
   * reschedule, the log entry, the card, the notices and the machine event the step carries, in one
   * transaction. However many workers wake for it, the step fires once; the others see `stale`.
   */
  async fire(deadlineId: string, rev: number): Promise<FireOutcome> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.fireOnce(deadlineId, rev);
      } catch (error) {
        if (error instanceof StaleDeadlineError) return { kind: 'stale' };
        // a caseworker's transition on the same case committed first: look again
        if (error instanceof VersionConflictError && attempt < FIRE_ATTEMPTS) continue;
        throw error;
      }
    }
  }

  private async fireOnce(deadlineId: string, rev: number): Promise<FireOutcome> {
    const { outcome, plan } = await this.core.store.withTransaction(async (tx): Promise<{ outcome: FireOutcome; plan: WritePlan | null }> => {
      const row = await tx.deadlines.byId(deadlineId);
      const now = this.core.clock.now();
      const checked = checkWakeUp(row, rev, now);
      if (checked.kind !== 'due') return { outcome: checked, plan: null };
      const caseRow = (await tx.cases.byId(row!.caseId))!;
      if (caseRow.status === 'closed') {
        // a finished case fires no reminder: a limit left running on it is closed instead
        const stray = await tx.deadlines.runningOfCase(caseRow.id);
        const plan = emptyPlan();
        plan.closeDeadlines.push(...closedWithFinishedCase(stray, now));
        plan.onTime.push(...onTimeTallies(stray, plan.closeDeadlines));
        await this.core.write(tx, plan);
        return { outcome: { kind: 'stale' }, plan };
      }
      const definition = this.core.definitionOf(caseRow);
      const work = new CaseWork({ definition, row: caseRow, snapshot: restoreCase(definition, caseRow), running: await tx.deadlines.runningOfCase(caseRow.id) });
      const step = recordDueStep(this.core.decideContext(now), this.core.calendar, work, row!);
      if (step === null) return { outcome: { kind: 'stale' }, plan: null };
      // a red card that escalates a rectification may complete an adjustment-review pattern, in this transaction
      if (work.state.row.state !== caseRow.state) {
        mergePlans(work.plan, await planAdjustmentReviews(tx, this.core.decideContext(now), this.core.policy.adjustmentReview, caseRow, work.state.row, DEADLINE_ESCALATED, []));
      }
      await this.core.write(tx, work.plan);
      const after = work.state.running.find((d) => d.id === row!.id);
      const fired = work.plan.cards[0];
      const outcome: FireOutcome = {
        kind: 'fired',
        caseId: row!.caseId,
        deadlineId: row!.id,
        step,
        warning: fired?.warning ?? null,
        firedAt: now,
        latenessMs: now - row!.nextFireAt!,
        nextFireAt: after ? after.nextFireAt : null,
      };
      return { outcome, plan: work.plan };
    });
    if (plan) this.core.announce(plan);
    return outcome;
  }

  private async extension(deadlineId: string, actor: Actor, verb: string, decide: ExtensionDecision): Promise<ExtensionAnswer> {
    const approver = canonicalActor(actor);
    authorizeDeadlineRole(approver, verb);
    const { answer, plan } = await this.core.store.withTransaction(async (tx: Tx) => {
      const { row, caseRow } = await this.movable(tx, deadlineId, approver, verb);
      const now = this.core.clock.now();
      const decided = await decide(tx, row, caseRow, approver, now);
      if ('plan' in decided) return { answer: { ...toDeadlineView(row, this.core.calendar), pendingExtension: decided.pending }, plan: decided.plan };
      const { plan, after } = planClockChange(row, caseRow, decided.change, approver, now, this.core.calendar);
      await this.core.write(tx, plan);
      return { answer: { ...toDeadlineView(after, this.core.calendar), pendingExtension: null }, plan };
    });
    this.core.announce(plan);
    return answer;
  }

  /** The running deadline and its case, once `approver` may move it. */
  private async movable(tx: Tx, deadlineId: string, approver: Actor, verb: string): Promise<{ row: DeadlineRecord; caseRow: CaseRecord }> {
    const row = await tx.deadlines.byId(deadlineId);
    if (!row || !row.running) throw new DeadlineNotFoundError(deadlineId);
    const caseRow = (await tx.cases.byId(row.caseId))!;
    authorizeDeadlineChange(approver, caseRow, deadlineId, verb);
    return { row, caseRow };
  }

  private async change(deadlineId: string, actor: Actor, verb: string, decide: (row: DeadlineRecord, now: number) => ClockChange): Promise<DeadlineView> {
    const approver = canonicalActor(actor);
    authorizeDeadlineRole(approver, verb);
    const { view, plan } = await this.core.store.withTransaction(async (tx: Tx) => {
      const { row, caseRow } = await this.movable(tx, deadlineId, approver, verb);
      const now = this.core.clock.now();
      const { plan, after } = planClockChange(row, caseRow, decide(row, now), approver, now, this.core.calendar);
      await this.core.write(tx, plan);
      return { view: toDeadlineView(after, this.core.calendar), plan };
    });
    this.core.announce(plan);
    return view;
  }
}
