/**
 * Deciding, purely: what opening a case or applying one event would write. Nothing here reads or
 * writes the database; the engine loads what a decision needs, and the writer applies the plan.
 */
import type { AnyMachineSnapshot, EventObject, StateValue } from 'xstate';
import type { CaseRecord, DeadlineClosing, DeadlineRecord } from '../../db/records';
import type { Actor, CaseDefinition, CaseIndexFields, CaseType, LinkedCaseRequest, NoticeRequest } from '../../machines/types';
import { EventNotAllowedError, GuardRejectedError, NoChangeError } from '../errors';
import type { OfficePolicy } from '../officePolicy';
import type { WorkingDayCalendar } from '../time';
import { closedDeadlines, openedDeadlines } from './deadlinePlans';
import { acceptedEvents, acceptsEvent, activeStateIds, persist, refusingGuards, restore, startCase, stateString, step, type Step } from './machineRuntime';
import { emptyPlan, mergePlans, type WritePlan } from './plan';
import { onTimeTallies } from './onTime';
import { parsePayload } from './validate';

/** What a decision may consult besides the case: the moment, the calendar, new ids and other case types. */
export interface DecideContext {
  now: number;
  calendar: WorkingDayCalendar;
  newCaseId: (type: CaseType, now: number) => string;
  /** The current definition of a case type (linked cases open on it). */
  definitionOf: (type: string) => CaseDefinition;
  /** The office's rules and limits. @defaultValue DEFAULT_POLICY */
  policy?: OfficePolicy;
}

/** An event as a caseworker sends it: its type and its payload fields. */
export type CaseworkerEvent = { type: string } & Record<string, unknown>;

/** A decided opening: the new case's row and snapshot, and the plan that writes it. */
export interface Opening {
  row: CaseRecord;
  snapshot: AnyMachineSnapshot;
  deadlines: DeadlineRecord[];
  plan: WritePlan;
}

/** The pure core of an opening: the new case's id, its first snapshot and state, and its index fields (no row, no write plan). */
export interface DecidedOpening {
  id: string;
  started: Step;
  state: string;
  fields: CaseIndexFields;
}

/** Decides the core of an opening of a case of `definition`: the machine started from its input. */
export function decideOpening(ctx: DecideContext, definition: CaseDefinition, input: unknown, actor: Actor): DecidedOpening {
  const id = ctx.newCaseId(definition.type, ctx.now);
  const started = startCase(definition, { ...(input as object), caseId: id, openedAt: new Date(ctx.now).toISOString(), openedBy: actor });
  return { id, started, state: stateString(started.snapshot.value as StateValue), fields: definition.index(started.snapshot.context) };
}

/** The new case's row (version 1) of a decided opening, its snapshot persisted as `snapshotJson`. */
export function openingRow(definition: CaseDefinition, opening: DecidedOpening, actor: Actor, now: number, snapshotJson: string): CaseRecord {
  const { id, state, fields } = opening;
  const closed = opening.started.snapshot.status !== 'active';
  return {
    id,
    type: definition.type,
    machineVersion: definition.machineVersion,
    state,
    status: closed ? 'closed' : 'open',
    snapshot: snapshotJson,
    version: 1,
    unit: fields.unit,
    assignee: fields.assignee,
    subjectId: fields.subjectId,
    timeZone: fields.timeZone,
    createdBy: actor.id,
    createdAt: now,
    updatedAt: now,
    closedAt: closed ? now : null,
  };
}

/** The deadlines a decided opening starts. */
export function openingDeadlines(ctx: DecideContext, definition: CaseDefinition, opening: DecidedOpening): DeadlineRecord[] {
  const { id, fields, started } = opening;
  return openedDeadlines(
    { calendar: ctx.calendar, definition, caseId: id, unit: fields.unit, timeZone: fields.timeZone, version: 1, now: ctx.now, limits: ctx.policy?.limits, urging: ctx.policy?.urging },
    new Set(),
    started.snapshot,
  );
}

/** Decides the opening of a case of `definition` from its validated input. */
export function decideOpen(ctx: DecideContext, definition: CaseDefinition, input: unknown, actor: Actor, sourceCaseId?: string): Opening {
  const { now } = ctx;
  const opening = decideOpening(ctx, definition, input, actor);
  const { id, state, started } = opening;
  const row = openingRow(definition, opening, actor, now, persist(definition, started.snapshot));
  const plan = emptyPlan();
  plan.openCases.push(row);
  plan.log.push({
    caseId: id,
    version: 1,
    kind: 'created',
    type: 'CASE_OPENED',
    actorId: actor.id,
    actorRole: actor.role,
    at: now,
    // the opening input is logged, so the case can be replayed under another machine version (migrate plan)
    payload: JSON.stringify(sourceCaseId ? { sourceCaseId, input } : { input }),
    fromState: null,
    toState: state,
  });
  const deadlines = openingDeadlines(ctx, definition, opening);
  plan.openDeadlines.push(...deadlines);
  plan.notifications.push(...noticeRows(id, started.notices, now));
  mergePlans(plan, decideLinkedCases(ctx, id, 1, started.linkedCases, actor));
  return { row, snapshot: started.snapshot, deadlines, plan };
}

/** The case as it stands before an event: its row, restored snapshot and running deadlines. */
export interface CaseState {
  definition: CaseDefinition;
  row: CaseRecord;
  snapshot: AnyMachineSnapshot;
  running: readonly DeadlineRecord[];
  /** The snapshot as `persist` writes it, when the caller already has it (a replay does): saves persisting it again. */
  persisted?: string;
}

/** A decided transition: the case after it, and the plan that writes it (its entry is `plan.log[0]`). */
export interface Transition {
  row: CaseRecord;
  snapshot: AnyMachineSnapshot;
  plan: WritePlan;
}

/**
 * The pure core of one event: its payload as validated, the machine's next snapshot and state, and
 * what the machine asked for. No write plan: `decideEvent` dresses it with one.
 */
export interface DecidedStep {
  type: string;
  fields: Record<string, unknown>;
  next: Step;
  toState: string;
  closed: boolean;
  /** The next snapshot as `persist` writes it, when the no-change check already persisted it (else undefined). */
  nextJson: string | undefined;
}

/**
 * Decides the core of one event on a case the caller may act on (the policy has already said so):
 * checks the state accepts it, its payload and the machine's guards, and steps the machine. Throws
 * EVENT_NOT_ALLOWED, INVALID_PAYLOAD, GUARD_REJECTED or NO_CHANGE exactly as `decideEvent` does.
 */
export function decideStep(ctx: DecideContext, current: CaseState, event: CaseworkerEvent, actor: Actor): DecidedStep {
  const { definition, row, snapshot } = current;
  const { type, ...payload } = event;
  const spec = definition.events[type];
  if (!spec || !acceptsEvent(definition, snapshot, type)) throw new EventNotAllowedError(row.id, type, row.state, acceptedEvents(definition, snapshot));
  const fields = parsePayload(spec.payload, payload, `${type} payload`) as Record<string, unknown>;
  const machineEvent = { ...fields, type, actor: { id: actor.id, role: actor.role }, at: new Date(ctx.now).toISOString() } as EventObject;

  const next = step(definition, snapshot, machineEvent);
  const toState = stateString(next.snapshot.value as StateValue);
  // cheap checks first: a step that moves the state or the status changed something, whatever the
  // context; only a step that stays compares the snapshots persisted
  let nextJson: string | undefined;
  const unchanged =
    next.snapshot === snapshot ||
    (next.snapshot.status === snapshot.status &&
      toState === stateString(snapshot.value as StateValue) &&
      // compared with the current snapshot persisted the same way, not with the stored text: a store may
      // keep JSON in its own normal form (PostgreSQL's jsonb reorders keys)
      (nextJson = persist(definition, next.snapshot)) === (current.persisted ?? persist(definition, snapshot)));
  if (unchanged) {
    const refused = refusingGuards(definition, snapshot, machineEvent);
    if (refused.length) {
      throw new GuardRejectedError(row.id, type, row.state, refused.map((guard) => ({ guard, rule: definition.guardRules[guard] ?? guard })));
    }
    throw new NoChangeError(row.id, type, row.state);
  }
  return { type, fields, next, toState, closed: next.snapshot.status !== 'active', nextJson };
}

/** The case row after a decided step (version + 1), its snapshot persisted as `snapshotJson`. */
export function rowAfter(row: CaseRecord, decided: DecidedStep, index: CaseIndexFields, now: number, snapshotJson: string): CaseRecord {
  return {
    ...row,
    version: row.version + 1,
    state: decided.toState,
    status: decided.closed ? 'closed' : 'open',
    snapshot: snapshotJson,
    unit: index.unit,
    assignee: index.assignee,
    subjectId: index.subjectId,
    updatedAt: now,
    closedAt: decided.closed ? now : null,
  };
}

/** The deadlines a decided step closes (left states, or met by the event) and opens (entered states), the latter for the case at `index`. */
export function stepDeadlines(ctx: DecideContext, current: CaseState, decided: DecidedStep, index: CaseIndexFields): { closings: DeadlineClosing[]; opened: DeadlineRecord[] } {
  const { definition, row, snapshot } = current;
  const after = decided.next.snapshot;
  // a finished case closes every running limit, whatever state declared it: no reminder fires on a closed case
  const closings = closedDeadlines(current.running, decided.closed ? new Set() : activeStateIds(after), ctx.now, decided.type);
  const opened = openedDeadlines(
    { calendar: ctx.calendar, definition, caseId: row.id, unit: index.unit, timeZone: index.timeZone, version: row.version + 1, now: ctx.now, limits: ctx.policy?.limits, urging: ctx.policy?.urging },
    activeStateIds(snapshot),
    after,
  );
  return { closings, opened };
}

/**
 * Decides one event on a case the caller may act on (the policy has already said so): checks the
 * state accepts it, its payload and the machine's guards, and plans the next snapshot (version + 1),
 * the log entry, the deadlines closed and opened, and any linked cases the machine asks for.
 */
export function decideEvent(ctx: DecideContext, current: CaseState, event: CaseworkerEvent, actor: Actor): Transition {
  return dressStep(ctx, current, decideStep(ctx, current, event, actor), actor);
}

/** The write plan of a decided step: the case row, its log entry, deadlines closed and opened, on-time tallies, notices and linked cases. */
export function dressStep(ctx: DecideContext, current: CaseState, decided: DecidedStep, actor: Actor): Transition {
  const { definition, row } = current;
  const { now } = ctx;
  const { next, type, toState } = decided;
  const index = definition.index(next.snapshot.context);
  const written = rowAfter(row, decided, index, now, decided.nextJson ?? persist(definition, next.snapshot));
  const { version } = written;
  const plan = emptyPlan();
  plan.updateCase = { row: written, expectedVersion: row.version };
  plan.log.push({
    caseId: row.id,
    version,
    kind: 'transition',
    type,
    actorId: actor.id,
    actorRole: actor.role,
    at: now,
    payload: JSON.stringify(decided.fields),
    fromState: row.state,
    toState,
  });
  const { closings, opened } = stepDeadlines(ctx, current, decided, index);
  plan.closeDeadlines.push(...closings);
  plan.onTime.push(...onTimeTallies(current.running, closings));
  plan.openDeadlines.push(...opened);
  plan.notifications.push(...noticeRows(row.id, next.notices, now));
  mergePlans(plan, decideLinkedCases(ctx, row.id, version, next.linkedCases, actor));
  return { row: written, snapshot: next.snapshot, plan };
}

/** The outbox rows of the notices a machine asked for: sent by the notifier after the commit, naming the recipient by role only. */
function noticeRows(caseId: string, notices: readonly NoticeRequest[], now: number): WritePlan['notifications'] {
  return notices.map((n) => ({ caseId, deadlineId: null, step: n.step, recipient: n.recipient, warning: null, subject: n.subject, body: n.body, createdAt: now }));
}

/** Opens each linked case a machine asked for, and notes it in the source case's log. */
function decideLinkedCases(ctx: DecideContext, sourceId: string, version: number, requests: readonly LinkedCaseRequest[], actor: Actor): WritePlan {
  const plan = emptyPlan();
  for (const request of requests) {
    const definition = ctx.definitionOf(request.caseType);
    const opening = decideOpen(ctx, definition, definition.input.parse(request.input), actor, sourceId);
    mergePlans(plan, opening.plan);
    plan.log.push({
      caseId: sourceId,
      version,
      kind: 'linkedCaseOpened',
      type: 'LINKED_CASE_OPENED',
      actorId: actor.id,
      actorRole: actor.role,
      at: ctx.now,
      payload: JSON.stringify({ caseType: request.caseType, caseId: opening.row.id }),
      fromState: null,
      toState: null,
    });
  }
  return plan;
}

/** Restores a stored case's snapshot with its definition. */
export const restoreCase = (definition: CaseDefinition, row: CaseRecord): AnyMachineSnapshot => restore(definition, row.snapshot);
