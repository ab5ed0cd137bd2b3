/**
 * Deadline commands: extend, suspend and resume a running deadline (audited case events that move
 * the wake-up with them), and, for the deadline workers, check and fire a ladder step exactly once.
 * Each is one transaction through the one writer; the guarded reschedule decides every race.
 */
import type { Tx } from '../../db/port';
import type { DeadlineRecord } from '../../db/records';
import type { Actor, DeadlineSpec, WarningLevel } from '../../machines/types';
import { DeadlineNotFoundError, InvalidPayloadError, StaleDeadlineError, VersionConflictError } from '../errors';
import { dueAfterSuspension } from '../time';
import { canonicalActor, type EngineCore } from './core';
import { CaseWork, recordDueStep } from './catchUp';
import { restoreCase } from './decide';
import { checkWakeUp, planClockChange, planUrge, type ClockChange, type WakeUpCheck } from './deadlinePlans';
import type { WritePlan } from './plan';
import { authorizeDeadlineChange, authorizeDeadlineRole, authorizeUrge } from './policy';
import { toDeadlineView, type DeadlineView } from './views';

export { DEADLINE_WORKER } from './deadlinePlans';

export type FireOutcome =
  | { kind: 'fired'; caseId: string; deadlineId: string; step: string; warning: WarningLevel | null; firedAt: number; latenessMs: number; nextFireAt: number | null }
  /** The deadline moved on (met, cancelled, suspended, extended or this step already fired): nothing to do. */
  | { kind: 'stale' }
  /** Woken before the step's moment: wait `waitMs` (case time) and try again. */
  | { kind: 'early'; waitMs: number; fireAt: number };

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
   * with the reason and the approving actor on record.
   */
  async extend(deadlineId: string, request: ({ until: number } | { byMs: number }) & { reason: string }, approver: Actor): Promise<DeadlineView> {
    const reason = requireReason(request.reason, 'extension');
    return await this.change(deadlineId, approver, 'extend', (row, now) => {
      const until = 'until' in request ? request.until : row.dueAt + request.byMs;
      if (!(until > row.dueAt)) {
        throw new InvalidPayloadError('extension', [{ path: 'until', message: `must be later than the current due time ${iso(row.dueAt)}` }]);
      }
      if (until <= now) throw new InvalidPayloadError('extension', [{ path: 'until', message: 'must be in the future' }]);
      return { kind: 'deadlineExtended', dueAt: until, suspendedAt: row.suspendedAt, payload: { from: iso(row.dueAt), to: iso(until), reason } };
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
      const definition = this.core.definitionOf(caseRow);
      const work = new CaseWork({ definition, row: caseRow, snapshot: restoreCase(definition, caseRow), running: await tx.deadlines.runningOfCase(caseRow.id) });
      const step = recordDueStep(this.core.decideContext(now), this.core.calendar, work, row!);
      if (step === null) return { outcome: { kind: 'stale' }, plan: null };
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

  private async change(deadlineId: string, actor: Actor, verb: string, decide: (row: DeadlineRecord, now: number) => ClockChange): Promise<DeadlineView> {
    const approver = canonicalActor(actor);
    authorizeDeadlineRole(approver, verb);
    const { view, plan } = await this.core.store.withTransaction(async (tx: Tx) => {
      const row = await tx.deadlines.byId(deadlineId);
      if (!row || !row.running) throw new DeadlineNotFoundError(deadlineId);
      const caseRow = (await tx.cases.byId(row.caseId))!;
      authorizeDeadlineChange(approver, caseRow, deadlineId, verb);
      const now = this.core.clock.now();
      const { plan, after } = planClockChange(row, caseRow, decide(row, now), approver, now, this.core.calendar);
      await this.core.write(tx, plan);
      return { view: toDeadlineView(after, this.core.calendar), plan };
    });
    this.core.announce(plan);
    return view;
  }
}
