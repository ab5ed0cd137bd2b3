/**
 * Firing one ladder step of a deadline, exactly once: in one transaction the step is checked
 * against the row (still running, same schedule revision, due now), recorded as a case event,
 * its notifications written, the machine event it carries sent, and the next step scheduled.
 */
import { and, eq } from 'drizzle-orm';
import type { CaseflowDb } from '../../db';
import { deadlines, notifications, warningCards, type DeadlineRow } from '../../db/schema';
import { appendCaseEvent } from '../engine/eventLog';
import type { Actor, DeadlineSpec, EscalationStep, WarningLevel } from '../../machines/types';
import type { Clock } from '../clock';
import type { CaseEngine } from '../engine/engine';
import { CaseflowError } from '../errors';
import type { WorkingDayCalendar } from '../time';
import { stepMoment } from './ladder';

/** The actor every worker-made entry is recorded under. */
export const DEADLINE_WORKER: Actor = { id: 'deadline-worker', role: 'system' };

const WARNING_ORDER: readonly (WarningLevel | 'none')[] = ['none', 'blue', 'yellow', 'red'];
const higher = (a: WarningLevel | 'none', b: WarningLevel | undefined): WarningLevel | 'none' =>
  b !== undefined && WARNING_ORDER.indexOf(b) > WARNING_ORDER.indexOf(a) ? b : a;

export type FireOutcome =
  | { kind: 'fired'; caseId: string; deadlineId: string; step: string; warning: WarningLevel | null; firedAt: number; latenessMs: number; nextFireAt: number | null }
  /** The deadline moved on (met, cancelled, suspended, extended or this step already fired): nothing to do. */
  | { kind: 'stale' }
  /** Woken before the step's moment: wait `waitMs` (case time) and try again. */
  | { kind: 'early'; waitMs: number; fireAt: number };

export interface FiringDeps {
  db: CaseflowDb;
  engine: CaseEngine;
  clock: Clock;
  calendar: WorkingDayCalendar;
}

/** The job id of a deadline's schedule revision: one BullMQ job per scheduled step. */
export const deadlineJobId = (deadlineId: string, rev: number): string => `dl|${deadlineId}|${rev}`;

/**
 * Looks at a wake-up without taking the write lock: stale, early (and by how much), or due.
 * Waiting workers poll this, so they never hold SQLite's write lock just to learn they are early.
 */
export function peekDeadlineStep(deps: Pick<FiringDeps, 'db' | 'clock'>, deadlineId: string, rev: number): FireOutcome | { kind: 'due' } {
  const row = deps.db
    .select({ running: deadlines.running, scheduleRev: deadlines.scheduleRev, nextFireAt: deadlines.nextFireAt, suspendedAt: deadlines.suspendedAt })
    .from(deadlines)
    .where(eq(deadlines.id, deadlineId))
    .get();
  if (!row || !row.running || row.scheduleRev !== rev || row.nextFireAt === null || row.suspendedAt !== null) return { kind: 'stale' };
  const now = deps.clock.now();
  return now < row.nextFireAt ? { kind: 'early', waitMs: row.nextFireAt - now, fireAt: row.nextFireAt } : { kind: 'due' };
}

/** Fires the step of `deadlineId` scheduled under revision `rev`, if it is still due; exactly once. */
export function fireDeadlineStep(deps: FiringDeps, deadlineId: string, rev: number): FireOutcome {
  return deps.db.transaction(
    (tx) => {
      const row = tx.select().from(deadlines).where(eq(deadlines.id, deadlineId)).get();
      if (!row || !row.running || row.scheduleRev !== rev || row.nextFireAt === null || row.suspendedAt !== null) return { kind: 'stale' };
      const now = deps.clock.now();
      if (now < row.nextFireAt) return { kind: 'early', waitMs: row.nextFireAt - now, fireAt: row.nextFireAt };
      const spec = JSON.parse(row.spec) as DeadlineSpec;
      const step = spec.ladder[row.nextStep];
      if (!step) return { kind: 'stale' };
      const nextFireAt = stepMoment({ spec, baseAt: row.baseAt, dueAt: row.dueAt, timeZone: row.timeZone }, row.nextStep + 1, deps.calendar);
      tx.update(deadlines)
        .set({
          nextStep: row.nextStep + 1,
          nextFireAt,
          scheduleRev: row.scheduleRev + 1,
          warning: higher(row.warning, step.warning),
          status: step.marksOverdue ? 'overdue' : row.status,
          escalationLevel: row.escalationLevel + (step.warning === 'red' ? 1 : 0),
          updatedAt: now,
        })
        .where(and(eq(deadlines.id, row.id), eq(deadlines.scheduleRev, rev)))
        .run();
      recordStep(tx as unknown as CaseflowDb, row, step, now);
      if (step.sendsEvent) sendMachineEvent(tx as unknown as CaseflowDb, deps.engine, row, step.sendsEvent);
      return {
        kind: 'fired',
        caseId: row.caseId,
        deadlineId: row.id,
        step: step.name,
        warning: step.warning ?? null,
        firedAt: now,
        latenessMs: now - row.nextFireAt,
        nextFireAt,
      };
    },
    { behavior: 'immediate' },
  );
}

/** Writes the step into the case's event log and its notifications into the outbox of notices. */
function recordStep(db: CaseflowDb, row: DeadlineRow, step: EscalationStep, now: number): void {
  appendCaseEvent(db, {
    caseId: row.caseId,
    kind: 'deadlineStep',
    type: `DEADLINE_${step.name.toUpperCase()}`,
    actor: DEADLINE_WORKER,
    at: now,
    payload: {
      deadlineId: row.id,
      deadlineKind: row.kind,
      step: step.name,
      warning: step.warning,
      dueAt: new Date(row.dueAt).toISOString(),
      scheduledFor: row.nextFireAt === null ? null : new Date(row.nextFireAt).toISOString(),
      notified: step.notify,
    },
  });
  if (step.warning) {
    db.insert(warningCards)
      .values({ deadlineId: row.id, caseId: row.caseId, unit: row.unit, warning: step.warning, step: step.name, issuedAt: now })
      .onConflictDoNothing()
      .run();
  }
  const due = new Date(row.dueAt).toISOString();
  for (const recipient of step.notify) {
    db.insert(notifications)
      .values({
        caseId: row.caseId,
        deadlineId: row.id,
        step: step.name,
        recipient,
        warning: step.warning ?? null,
        subject: `[${step.warning ?? 'notice'}] ${row.kind} of case ${row.caseId}: ${step.name}`,
        body: `${row.basis}. Due ${due}${row.unit ? `, unit ${row.unit}` : ''}.`,
        status: 'pending',
        attempts: 0,
        createdAt: now,
      })
      .onConflictDoNothing()
      .run();
  }
}

/**
 * Sends the step's machine event in a savepoint; a machine that refuses it (the state no longer
 * takes it) leaves the case as it was and does not undo the step.
 */
function sendMachineEvent(tx: CaseflowDb, engine: CaseEngine, row: DeadlineRow, type: string): void {
  try {
    tx.transaction(() => engine.applyEventWithin(row.caseId, { type, deadlineKind: row.kind }, DEADLINE_WORKER));
  } catch (error) {
    if (!(error instanceof CaseflowError)) throw error;
  }
}
