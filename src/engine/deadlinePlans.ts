/**
 * Deadline rows follow the machine, and their ladders follow the clock — all pure planning:
 * entering a state opens the deadlines its meta declares, leaving it closes them as met or overdue;
 * a due ladder step becomes a guarded reschedule, a log entry, a card and notices; an extension,
 * suspension or resumption becomes a guarded reschedule and a log entry.
 */
import type { AnyMachineSnapshot } from 'xstate';
import type { CaseRecord, DeadlineClosing, DeadlineRecord, DeadlineScheduleChange } from '../../db/records';
import type { Actor, CaseDefinition, DeadlineSpec, EscalationStep, UrgingRung, WarningLevel } from '../../machines/types';
import { contextMoment, dueMoment, stepMoment, stepMoments } from '../deadlines/ladder';
import { withUrging } from '../deadlines/urging';
import { specUnderPolicy, type OfficePolicy } from '../officePolicy';
import type { WorkingDayCalendar } from '../time';
import { activeStateIds, deadlinesOfState } from './machineRuntime';
import { emptyPlan, type WritePlan } from './plan';

/** The actor every worker-made entry is recorded under. */
export const DEADLINE_WORKER: Actor = { id: 'deadline-worker', role: 'system' };

/** What opening deadlines needs to know about the case and the moment. */
export interface DeadlineOpening {
  calendar: WorkingDayCalendar;
  definition: CaseDefinition;
  caseId: string;
  unit: string | null;
  timeZone: string;
  /** The case version the transition produced: part of each new deadline's id. */
  version: number;
  now: number;
  /** The office's own limits by deadline kind (office policy), replacing the machine's. @defaultValue none */
  limits?: OfficePolicy['limits'];
  /** The office's urging ladder, folded into each deadline's ladder. @defaultValue none (off) */
  urging?: OfficePolicy['urging'];
}

/**
 * Pure caches of immutable machine and policy data (module-level WeakMaps, dropped with what they
 * key on): each declared spec under each policy's limits, and the JSON of each such spec. Opening a
 * deadline (on every transition, and for every event a `migrate plan` replays) would otherwise build
 * the same spec and serialize its ladder afresh. Neither a machine's specs nor a parsed policy is
 * ever changed, and the specs handed out are only read.
 */
const underPolicy = new WeakMap<DeadlineSpec, WeakMap<object, DeadlineSpec>>();
const specJson = new WeakMap<DeadlineSpec, string>();
const NO_LIMITS: OfficePolicy['limits'] = {};

/** `specUnderPolicy(declared, limits)`, kept per declared spec and limits object. */
function ownSpec(declared: DeadlineSpec, limits: OfficePolicy['limits'] | undefined): DeadlineSpec {
  const key = limits ?? NO_LIMITS;
  let byLimits = underPolicy.get(declared);
  if (!byLimits) underPolicy.set(declared, (byLimits = new WeakMap()));
  let own = byLimits.get(key);
  if (!own) byLimits.set(key, (own = specUnderPolicy(declared, key)));
  return own;
}

/** The JSON of a spec `ownSpec` gave, kept per spec. */
function jsonOfOwn(spec: DeadlineSpec): string {
  let json = specJson.get(spec);
  if (json === undefined) specJson.set(spec, (json = JSON.stringify(spec)));
  return json;
}

/** A deadline row for each deadline declared by a state active in `after` but not in `wasActive`. */
export function openedDeadlines(at: DeadlineOpening, wasActive: ReadonlySet<string>, after: AnyMachineSnapshot): DeadlineRecord[] {
  const opened: DeadlineRecord[] = [];
  for (const stateId of activeStateIds(after)) {
    if (wasActive.has(stateId)) continue;
    for (const declared of deadlinesOfState(at.definition, stateId)) {
      if (!runsFor(declared, after.context)) continue;
      const own = ownSpec(declared, at.limits);
      const baseAt = own.from ? contextMoment(after.context, own.from.contextField) : at.now;
      const dueAt = dueMoment(own, baseAt, at.timeZone, at.calendar, after.context);
      const spec = at.urging ? withUrging(own, at.urging, { baseAt, dueAt, timeZone: at.timeZone }, at.calendar) : own;
      opened.push({
        id: `${at.caseId}~${spec.kind}~${at.version}`,
        caseId: at.caseId,
        caseType: at.definition.type,
        unit: at.unit,
        kind: spec.kind,
        owner: spec.owner,
        stateId,
        basis: spec.basis,
        timeZone: at.timeZone,
        spec: spec === own ? jsonOfOwn(own) : JSON.stringify(spec),
        baseAt,
        originalDueAt: dueAt,
        dueAt,
        status: 'pending',
        running: true,
        period: spec.period === true,
        warning: 'none',
        escalationLevel: 0,
        nextStep: 0,
        nextFireAt: stepMoment({ spec, baseAt, dueAt, timeZone: at.timeZone }, 0, at.calendar),
        scheduleRev: 1,
        dispatchedRev: null,
        dispatchLeaseUntil: null,
        suspendedAt: null,
        closedAt: null,
        latenessMs: null,
        createdAt: at.now,
        updatedAt: at.now,
      });
    }
  }
  return opened;
}

/** True when a conditional limit's condition holds in `context` (an unconditional one always runs). */
const runsFor = (spec: DeadlineSpec, context: unknown): boolean =>
  !spec.onlyWhen || (context as Record<string, unknown>)[spec.onlyWhen.contextField] === spec.onlyWhen.is;

/** True when `eventType` meets the deadline of `row` while its state stays active (its spec's `metBy`). */
const metByEvent = (row: DeadlineRecord, eventType: string | undefined): boolean =>
  eventType !== undefined && ((JSON.parse(row.spec) as DeadlineSpec).metBy ?? []).includes(eventType);

/**
 * Closings for the running deadlines whose state is no longer active, or that the accepted event
 * `eventType` meets (`metBy`): met if on time, else overdue.
 */
export function closedDeadlines(running: readonly DeadlineRecord[], stillActive: ReadonlySet<string>, now: number, eventType?: string): DeadlineClosing[] {
  return running
    .filter((row) => !stillActive.has(row.stateId) || metByEvent(row, eventType))
    .map((row) => {
      const late = !row.period && (row.status === 'overdue' || now > row.dueAt);
      return { id: row.id, status: late ? 'overdue' : 'met', closedAt: now, latenessMs: now - row.dueAt };
    });
}

/**
 * Closings for deadlines still running on a case that has already finished (rows an older caseflow
 * left behind): cancelled, since the case ended around them, or overdue if they had lapsed, so
 * lateness is never laundered. No step of theirs fires.
 */
export function closedWithFinishedCase(running: readonly DeadlineRecord[], now: number): DeadlineClosing[] {
  return running.map((row) => ({ id: row.id, status: hasLapsed(row, now) ? 'overdue' : 'cancelled', closedAt: now, latenessMs: now - row.dueAt }));
}

/** Where a wake-up stands against its row: gone stale, early by `waitMs`, or due. */
export type WakeUpCheck = { kind: 'stale' } | { kind: 'early'; waitMs: number; fireAt: number } | { kind: 'due' };

/** Checks a wake-up for revision `rev` of a deadline row at `now`. */
export function checkWakeUp(row: DeadlineRecord | undefined, rev: number, now: number): WakeUpCheck {
  if (!row || !row.running || row.scheduleRev !== rev || row.nextFireAt === null || row.suspendedAt !== null) return { kind: 'stale' };
  return now < row.nextFireAt ? { kind: 'early', waitMs: row.nextFireAt - now, fireAt: row.nextFireAt } : { kind: 'due' };
}

const WARNING_ORDER: readonly (WarningLevel | 'none')[] = ['none', 'blue', 'yellow', 'red'];
const higher = (a: WarningLevel | 'none', b: WarningLevel | undefined): WarningLevel | 'none' =>
  b !== undefined && WARNING_ORDER.indexOf(b) > WARNING_ORDER.indexOf(a) ? b : a;

/** A due ladder step, planned: the row after it, the step, and the plan that records it. */
export interface PlannedStep {
  step: EscalationStep;
  after: DeadlineRecord;
  plan: WritePlan;
}

/**
 * Plans the due step of `row` (checked due with `checkWakeUp`): the guarded reschedule to the next
 * rung, the log entry, the card and the notices. Null when the ladder has no such step.
 */
export function planLadderStep(row: DeadlineRecord, caseRow: CaseRecord, now: number, calendar: WorkingDayCalendar): PlannedStep | null {
  const spec = JSON.parse(row.spec) as DeadlineSpec;
  const step = spec.ladder[row.nextStep];
  if (!step) return null;
  const change: DeadlineScheduleChange = {
    dueAt: row.dueAt,
    suspendedAt: row.suspendedAt,
    nextStep: row.nextStep + 1,
    nextFireAt: stepMoment({ spec, baseAt: row.baseAt, dueAt: row.dueAt, timeZone: row.timeZone }, row.nextStep + 1, calendar),
    scheduleRev: row.scheduleRev + 1,
    warning: higher(row.warning, step.warning),
    status: step.marksOverdue ? 'overdue' : row.status,
    escalationLevel: row.escalationLevel + (step.warning === 'red' ? 1 : 0),
    updatedAt: now,
  };
  const plan = emptyPlan();
  plan.reschedule.push({ id: row.id, expectedRev: row.scheduleRev, change });
  plan.log.push({
    caseId: row.caseId,
    version: caseRow.version,
    kind: 'deadlineStep',
    type: `DEADLINE_${step.name.toUpperCase()}`,
    actorId: DEADLINE_WORKER.id,
    actorRole: DEADLINE_WORKER.role,
    at: now,
    payload: JSON.stringify({
      deadlineId: row.id,
      deadlineKind: row.kind,
      step: step.name,
      warning: step.warning,
      dueAt: new Date(row.dueAt).toISOString(),
      scheduledFor: row.nextFireAt === null ? null : new Date(row.nextFireAt).toISOString(),
      notified: step.notify,
    }),
    fromState: null,
    toState: null,
  });
  if (step.urging) plan.log.push(urgingEntry(row, caseRow, step, now));
  if (step.warning) plan.cards.push({ deadlineId: row.id, caseId: row.caseId, unit: row.unit, warning: step.warning, step: step.name, issuedAt: now });
  const due = new Date(row.dueAt).toISOString();
  for (const recipient of step.notify) {
    plan.notifications.push({
      caseId: row.caseId,
      deadlineId: row.id,
      step: step.name,
      recipient,
      warning: step.warning ?? null,
      subject: `[${step.warning ?? (step.urging ? 'urge' : 'notice')}] ${row.kind} of case ${row.caseId}: ${step.urging && step.urging !== 'reminder' ? URGING_WORDS[step.urging] : step.name}`,
      body: `${row.basis}. Due ${due}${row.unit ? `, unit ${row.unit}` : ''}.`,
      createdAt: now,
    });
  }
  if (step.urging === 'reminder') {
    plan.notifications.push({
      caseId: row.caseId,
      deadlineId: row.id,
      step: 'urgingReminder',
      recipient: 'assignee',
      warning: null,
      subject: `[urge] ${row.kind} of case ${row.caseId}: ${URGING_WORDS.reminder}`,
      body: `${row.basis}. Due ${due}${row.unit ? `, unit ${row.unit}` : ''}.`,
      createdAt: now,
    });
  }
  return { step, after: { ...row, ...change }, plan };
}

/** What each rung of the urging ladder says, in notices. */
const URGING_WORDS: Record<UrgingRung, string> = {
  reminder: 'urging reminder: the limit is near',
  formalNotice: 'formal urging notice: the limit has passed',
  publicCriticism: 'flagged for public criticism: still late',
};

/** The log type of each rung of the urging ladder (kind `urged`, like a supervisor's URGED). */
const URGING_TYPES: Record<UrgingRung, string> = {
  reminder: 'URGING_REMINDER',
  formalNotice: 'FORMAL_URGING_NOTICE',
  publicCriticism: 'PUBLIC_CRITICISM_FLAGGED',
};

/** The case log entry of an urging rung, recorded as the deadline worker's urging. */
function urgingEntry(row: DeadlineRecord, caseRow: CaseRecord, step: EscalationStep, now: number): WritePlan['log'][number] {
  const urging = step.urging!;
  return {
    caseId: row.caseId,
    version: caseRow.version,
    kind: 'urged',
    type: URGING_TYPES[urging],
    actorId: DEADLINE_WORKER.id,
    actorRole: DEADLINE_WORKER.role,
    at: now,
    payload: JSON.stringify({ deadlineId: row.id, deadlineKind: row.kind, urging, dueAt: new Date(row.dueAt).toISOString(), lateByMs: Math.max(0, now - row.dueAt), notified: step.notify }),
    fromState: null,
    toState: null,
  };
}

/**
 * Plans an urging (催办) of a running deadline: a URGED entry in the case log, and an urging notice
 * to whoever the case waits on. The deadline itself does not move.
 */
export function planUrge(row: DeadlineRecord, caseRow: CaseRecord, actor: Actor, now: number, note: string | null): WritePlan {
  const plan = emptyPlan();
  const due = new Date(row.dueAt).toISOString();
  const lateByMs = Math.max(0, now - row.dueAt);
  plan.log.push({
    caseId: row.caseId,
    version: caseRow.version,
    kind: 'urged',
    type: 'URGED',
    actorId: actor.id,
    actorRole: actor.role,
    at: now,
    payload: JSON.stringify({ deadlineId: row.id, deadlineKind: row.kind, dueAt: due, lateByMs, note }),
    fromState: null,
    toState: null,
  });
  plan.notifications.push({
    caseId: row.caseId,
    deadlineId: row.id,
    // one notice per urging: the step name carries its moment
    step: `urged@${new Date(now).toISOString()}`,
    recipient: 'assignee',
    warning: row.warning === 'none' ? null : row.warning,
    subject: `[urge] ${row.kind} of case ${row.caseId}: the supervisor urges you to act`,
    body: `${row.basis}. Due ${due}${row.unit ? `, unit ${row.unit}` : ''}${lateByMs > 0 ? `; ${Math.round(lateByMs / 60_000)} minutes late` : ''}.${note ? ` ${note}` : ''}`,
    createdAt: now,
  });
  return plan;
}

/** A change to a running deadline's clock, as a command decides it. */
export interface ClockChange {
  kind: 'deadlineExtended' | 'deadlineSuspended' | 'deadlineResumed' | 'deadlineRecomputed';
  dueAt: number;
  suspendedAt: number | null;
  payload: Record<string, unknown>;
}

/** True when the deadline has already lapsed at `now`: counted late whatever extension follows. */
export const hasLapsed = (row: DeadlineRecord, now: number): boolean =>
  !row.period && (row.status === 'overdue' || (row.suspendedAt === null && now > row.dueAt));

/**
 * Plans an extension, suspension or resumption: the ladder re-derived from the new due time (rungs
 * whose moment moved into the future run again; rungs still behind catch up), the guarded
 * reschedule, and the audited log entry. A deadline that had lapsed stays overdue.
 */
export function planClockChange(row: DeadlineRecord, caseRow: CaseRecord, change: ClockChange, actor: Actor, now: number, calendar: WorkingDayCalendar): { plan: WritePlan; after: DeadlineRecord } {
  const spec = JSON.parse(row.spec) as DeadlineSpec;
  const moments = stepMoments({ spec, baseAt: row.baseAt, dueAt: change.dueAt, timeZone: row.timeZone }, calendar);
  const firstFuture = moments.findIndex((at) => at > now);
  const nextStep = Math.min(row.nextStep, firstFuture === -1 ? moments.length : firstFuture);
  const schedule: DeadlineScheduleChange = {
    dueAt: change.dueAt,
    suspendedAt: change.suspendedAt,
    nextStep,
    nextFireAt: change.suspendedAt !== null ? null : (moments[nextStep] ?? null),
    scheduleRev: row.scheduleRev + 1,
    // a deadline that lapsed stays counted late: a later extension or resumption re-arms the ladder, never the record
    status: hasLapsed(row, now) ? 'overdue' : row.status,
    warning: row.warning,
    escalationLevel: row.escalationLevel,
    updatedAt: now,
  };
  const plan = emptyPlan();
  plan.reschedule.push({ id: row.id, expectedRev: row.scheduleRev, change: schedule });
  plan.log.push({
    caseId: row.caseId,
    version: caseRow.version,
    kind: change.kind,
    type: change.kind.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase(),
    actorId: actor.id,
    actorRole: actor.role,
    at: now,
    payload: JSON.stringify({ deadlineId: row.id, deadlineKind: row.kind, ...change.payload }),
    fromState: null,
    toState: null,
  });
  return { plan, after: { ...row, ...schedule } };
}
