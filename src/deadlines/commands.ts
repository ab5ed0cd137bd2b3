/**
 * Moving a running deadline: an extension (with a reason and an approver), or stopping the clock
 * while the case waits on someone outside the unit and starting it again. Each is an audited case
 * event, and the new schedule revision moves the BullMQ wake-up with it (the old job goes stale).
 */
import { eq } from 'drizzle-orm';
import type { CaseflowDb } from '../../db';
import { cases, deadlines, type DeadlineRow } from '../../db/schema';
import { sameOfficial } from '../auth/officials';
import { appendCaseEvent } from '../engine/eventLog';
import type { Actor, DeadlineSpec, Role } from '../../machines/types';
import type { Clock } from '../clock';
import { DeadlineNotFoundError, ForbiddenRoleError, InvalidPayloadError, SubjectOfCaseError } from '../errors';
import { dueAfterSuspension, type WorkingDayCalendar } from '../time';
import { toDeadlineView, type DeadlineView } from '../engine/views';
import { stepMoments } from './ladder';

/** Roles that may extend, suspend or resume a deadline. */
export const DEADLINE_APPROVER_ROLES: readonly Role[] = ['supervisor', 'conferenceChair', 'admin'];

export interface DeadlineCommandDeps {
  db: CaseflowDb;
  clock: Clock;
  calendar: WorkingDayCalendar;
  /** Called after a commit that moved a schedule, so a dispatcher can move the job at once. */
  onScheduleChanged?: () => void;
}

type Kind = 'deadlineExtended' | 'deadlineSuspended' | 'deadlineResumed';

/** Extends, suspends and resumes running deadlines. */
export class DeadlineCommands {
  constructor(private readonly deps: DeadlineCommandDeps) {}

  /**
   * Moves a running deadline's due time later — to `until`, or `byMs` after the current due time —
   * with the reason and the approving actor on record.
   */
  extend(deadlineId: string, request: ({ until: number } | { byMs: number }) & { reason: string }, approver: Actor): DeadlineView {
    const reason = requireReason(request.reason, 'extension');
    return this.change(deadlineId, approver, 'extend', (row, now) => {
      const until = 'until' in request ? request.until : row.dueAt + request.byMs;
      if (!(until > row.dueAt)) {
        throw new InvalidPayloadError('extension', [
          { path: 'until', message: `must be later than the current due time ${new Date(row.dueAt).toISOString()}` },
        ]);
      }
      if (until <= now) throw new InvalidPayloadError('extension', [{ path: 'until', message: 'must be in the future' }]);
      return {
        kind: 'deadlineExtended',
        dueAt: until,
        suspendedAt: row.suspendedAt,
        payload: { from: iso(row.dueAt), to: iso(until), reason },
      };
    });
  }

  /** Stops a running deadline's clock while the case waits on someone outside the unit. */
  suspend(deadlineId: string, request: { reason: string }, approver: Actor): DeadlineView {
    const reason = requireReason(request.reason, 'suspension');
    return this.change(deadlineId, approver, 'suspend', (row, now) => {
      if (row.suspendedAt !== null) throw new InvalidPayloadError('suspension', [{ path: 'deadlineId', message: 'the clock is already stopped' }]);
      return { kind: 'deadlineSuspended', dueAt: row.dueAt, suspendedAt: now, payload: { reason, dueAt: iso(row.dueAt) } };
    });
  }

  /** Starts a stopped clock again; the due time moves by the time (or working days) it stood still. */
  resume(deadlineId: string, approver: Actor): DeadlineView {
    return this.change(deadlineId, approver, 'resume', (row, now) => {
      if (row.suspendedAt === null) throw new InvalidPayloadError('resumption', [{ path: 'deadlineId', message: 'the clock is not stopped' }]);
      const spec = JSON.parse(row.spec) as DeadlineSpec;
      const limit = spec.limit.kind === 'until' ? ({ kind: 'duration', minutes: 0 } as const) : spec.limit;
      const dueAt = dueAfterSuspension(limit, row.dueAt, { suspendedAt: row.suspendedAt, resumedAt: now }, row.timeZone, this.deps.calendar);
      return {
        kind: 'deadlineResumed',
        dueAt,
        suspendedAt: null,
        payload: { stoppedFor: now - row.suspendedAt, from: iso(row.dueAt), to: iso(dueAt) },
      };
    });
  }

  private change(
    deadlineId: string,
    actor: Actor,
    verb: string,
    plan: (row: DeadlineRow, now: number) => { kind: Kind; dueAt: number; suspendedAt: number | null; payload: Record<string, unknown> },
  ): DeadlineView {
    if (!DEADLINE_APPROVER_ROLES.includes(actor.role)) throw new ForbiddenRoleError(`${verb} a deadline`, actor.role, DEADLINE_APPROVER_ROLES);
    const { db, clock, calendar } = this.deps;
    const view = db.transaction(
      (tx) => {
        const row = tx.select().from(deadlines).where(eq(deadlines.id, deadlineId)).get();
        if (!row || !row.running) throw new DeadlineNotFoundError(deadlineId);
        const subjectId = tx.select({ subjectId: cases.subjectId }).from(cases).where(eq(cases.id, row.caseId)).get()?.subjectId;
        if (sameOfficial(subjectId, actor.id)) throw new SubjectOfCaseError(row.caseId, actor.id, `${verb} a deadline of`);
        const now = clock.now();
        const change = plan(row, now);
        const spec = JSON.parse(row.spec) as DeadlineSpec;
        const moments = stepMoments({ spec, baseAt: row.baseAt, dueAt: change.dueAt, timeZone: row.timeZone }, calendar);
        // rungs whose moment moved into the future run again (overdue, escalate); rungs still behind catch up
        const firstFuture = moments.findIndex((at) => at > now);
        const nextStep = Math.min(row.nextStep, firstFuture === -1 ? moments.length : firstFuture);
        const nextFireAt = change.suspendedAt !== null ? null : (moments[nextStep] ?? null);
        tx.update(deadlines)
          .set({
            dueAt: change.dueAt,
            suspendedAt: change.suspendedAt,
            nextStep,
            nextFireAt,
            scheduleRev: row.scheduleRev + 1,
            status: row.status === 'overdue' && change.dueAt > now ? 'pending' : row.status,
            updatedAt: now,
          })
          .where(eq(deadlines.id, row.id))
          .run();
        appendCaseEvent(tx as unknown as CaseflowDb, {
          caseId: row.caseId,
          kind: change.kind,
          type: change.kind.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase(),
          actor,
          at: now,
          payload: { deadlineId: row.id, deadlineKind: row.kind, ...change.payload },
        });
        return toDeadlineView(tx.select().from(deadlines).where(eq(deadlines.id, row.id)).get()!);
      },
      { behavior: 'immediate' },
    );
    this.deps.onScheduleChanged?.();
    return view;
  }
}

const iso = (ms: number): string => new Date(ms).toISOString();

function requireReason(reason: string | undefined, what: string): string {
  const trimmed = reason?.trim() ?? '';
  if (!trimmed) throw new InvalidPayloadError(what, [{ path: 'reason', message: `a ${what} needs a reason` }]);
  return trimmed;
}
