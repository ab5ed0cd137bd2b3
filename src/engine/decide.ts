/**
 * Deciding, purely: what opening a case or applying one event would write. Nothing here reads or
 * writes the database; the engine loads what a decision needs, and the writer applies the plan.
 */
import type { AnyMachineSnapshot, EventObject, StateValue } from 'xstate';
import type { CaseRecord, DeadlineRecord } from '../../db/records';
import type { Actor, CaseDefinition, CaseType, LinkedCaseRequest, NoticeRequest } from '../../machines/types';
import { EventNotAllowedError, GuardRejectedError, NoChangeError } from '../errors';
import type { OfficePolicy } from '../officePolicy';
import type { WorkingDayCalendar } from '../time';
import { closedDeadlines, openedDeadlines } from './deadlinePlans';
import { acceptedEvents, activeStateIds, persist, refusingGuards, restore, startCase, stateString, step } from './machineRuntime';
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

/** Decides the opening of a case of `definition` from its validated input. */
export function decideOpen(ctx: DecideContext, definition: CaseDefinition, input: unknown, actor: Actor, sourceCaseId?: string): Opening {
  const { now } = ctx;
  const id = ctx.newCaseId(definition.type, now);
  const started = startCase(definition, { ...(input as object), caseId: id, openedAt: new Date(now).toISOString(), openedBy: actor });
  const fields = definition.index(started.snapshot.context);
  const state = stateString(started.snapshot.value as StateValue);
  const closed = started.snapshot.status !== 'active';
  const row: CaseRecord = {
    id,
    type: definition.type,
    machineVersion: definition.machineVersion,
    state,
    status: closed ? 'closed' : 'open',
    snapshot: persist(definition, started.snapshot),
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
  const deadlines = openedDeadlines(
    { calendar: ctx.calendar, definition, caseId: id, unit: fields.unit, timeZone: fields.timeZone, version: 1, now, limits: ctx.policy?.limits, urging: ctx.policy?.urging },
    new Set(),
    started.snapshot,
  );
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
 * Decides one event on a case the caller may act on (the policy has already said so): checks the
 * state accepts it, its payload and the machine's guards, and plans the next snapshot (version + 1),
 * the log entry, the deadlines closed and opened, and any linked cases the machine asks for.
 */
export function decideEvent(ctx: DecideContext, current: CaseState, event: CaseworkerEvent, actor: Actor): Transition {
  const { definition, row, snapshot } = current;
  const { now } = ctx;
  const { type, ...payload } = event;
  const accepted = acceptedEvents(definition, snapshot);
  const spec = definition.events[type];
  if (!spec || !accepted.includes(type)) throw new EventNotAllowedError(row.id, type, row.state, accepted);
  const fields = parsePayload(spec.payload, payload, `${type} payload`) as Record<string, unknown>;
  const machineEvent = { ...fields, type, actor: { id: actor.id, role: actor.role }, at: new Date(now).toISOString() } as EventObject;

  const next = step(definition, snapshot, machineEvent);
  const nextJson = persist(definition, next.snapshot);
  // compared with the current snapshot persisted the same way, not with the stored text: a store may
  // keep JSON in its own normal form (PostgreSQL's jsonb reorders keys)
  if (next.snapshot === snapshot || nextJson === (current.persisted ?? persist(definition, snapshot))) {
    const refused = refusingGuards(definition, snapshot, machineEvent);
    if (refused.length) {
      throw new GuardRejectedError(row.id, type, row.state, refused.map((guard) => ({ guard, rule: definition.guardRules[guard] ?? guard })));
    }
    throw new NoChangeError(row.id, type, row.state);
  }
  const index = definition.index(next.snapshot.context);
  const closed = next.snapshot.status !== 'active';
  const toState = stateString(next.snapshot.value as StateValue);
  const version = row.version + 1;
  const written: CaseRecord = {
    ...row,
    version,
    state: toState,
    status: closed ? 'closed' : 'open',
    snapshot: nextJson,
    unit: index.unit,
    assignee: index.assignee,
    subjectId: index.subjectId,
    updatedAt: now,
    closedAt: closed ? now : null,
  };
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
    payload: JSON.stringify(fields),
    fromState: row.state,
    toState,
  });
  const isActive = activeStateIds(next.snapshot);
  // a finished case closes every running limit, whatever state declared it: no reminder fires on a closed case
  const closings = closedDeadlines(current.running, closed ? new Set() : isActive, now, event.type);
  plan.closeDeadlines.push(...closings);
  plan.onTime.push(...onTimeTallies(current.running, closings));
  plan.openDeadlines.push(
    ...openedDeadlines(
      { calendar: ctx.calendar, definition, caseId: row.id, unit: index.unit, timeZone: index.timeZone, version, now, limits: ctx.policy?.limits, urging: ctx.policy?.urging },
      activeStateIds(snapshot),
      next.snapshot,
    ),
  );
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
