/**
 * The case engine: opens cases, applies one caseworker event at a time, and persists snapshot,
 * event log and deadline rows in one SQLite transaction guarded by the case version.
 */
import type { AnyMachineSnapshot, EventObject, StateValue } from 'xstate';
import type { CaseflowDb } from '../../db';
import type { CaseEventRow, CaseRow } from '../../db/schema';
import type { Actor, CaseDefinition, CaseType, LinkedCaseRequest } from '../../machines/types';
import { sameOfficial } from '../auth/officials';
import type { Clock } from '../clock';
import {
  CaseNotFoundError,
  EventNotAllowedError,
  ForbiddenRoleError,
  GuardRejectedError,
  InvalidPayloadError,
  MachineVersionUnknownError,
  NoChangeError,
  OpenerRefusedError,
  SubjectOfCaseError,
  UnknownCaseTypeError,
  VersionConflictError,
} from '../errors';
import type { WorkingDayCalendar } from '../time';
import { closeLeftDeadlines, openEnteredDeadlines } from '../deadlines/planner';
import { acceptedEvents, activeStateIds, persist, refusingGuards, restore, startCase, stateString, step } from './machineRuntime';
import { prepareStatements, type Statements } from './store';
import { parsePayload } from './validate';
import { toCaseEventView, toCaseView, type CaseEventView, type CaseView } from './views';
import { randomCaseId } from './ids';
import { listCases, type CaseFilter, type CasePage } from './queries';

/** Everything the engine depends on, passed in so a test can build its own. */
export interface EngineOptions {
  db: CaseflowDb;
  clock: Clock;
  /** Working-day calendar used for deadlines counted in working days. */
  calendar: WorkingDayCalendar;
  /** Case types the engine runs (machines/index.ts lists the built-in ones). */
  definitions: readonly CaseDefinition[];
  /** Makes a new case id. @defaultValue a prefixed random id such as `RC-20261125-7KQ2M9XH4D3A` */
  newCaseId?: (type: CaseType, now: number) => string;
  /** Called after a commit that opened or moved deadlines, so a dispatcher can schedule them at once. */
  onDeadlinesChanged?: () => void;
}

/** A named reporter's identity, stored apart from the case body. */
export interface ReporterIdentity {
  name: string;
  contact?: string;
}

export interface CreateCaseRequest {
  type: string;
  input: unknown;
  actor: Actor;
  reporter?: ReporterIdentity;
}

/** An event as a caseworker sends it: its type and its payload fields. */
export type CaseworkerEvent = { type: string } & Record<string, unknown>;

export interface AppliedEvent {
  case: CaseView;
  event: CaseEventView;
}

/** Runs case machines against a SQLite database. */
export class CaseEngine {
  readonly db: CaseflowDb;
  readonly clock: Clock;
  readonly calendar: WorkingDayCalendar;
  private readonly definitions: Map<string, CaseDefinition>;
  private readonly statements: Statements;
  private readonly newCaseId: (type: CaseType, now: number) => string;
  /** Called after a commit that opened or moved deadlines; the worker runner sets it to nudge its dispatcher. */
  onDeadlinesChanged: () => void;

  constructor(options: EngineOptions) {
    this.db = options.db;
    this.clock = options.clock;
    this.calendar = options.calendar;
    this.definitions = new Map(options.definitions.map((d) => [d.type, d]));
    this.statements = prepareStatements(options.db);
    this.newCaseId = options.newCaseId ?? randomCaseId;
    this.onDeadlinesChanged = options.onDeadlinesChanged ?? (() => undefined);
  }

  /** The case type definition for `type`, or UNKNOWN_CASE_TYPE. */
  definition(type: string): CaseDefinition {
    const found = this.definitions.get(type);
    if (!found) throw new UnknownCaseTypeError(type, [...this.definitions.keys()]);
    return found;
  }

  /** Opens a new case of `type` from a validated input, with its initial deadlines. */
  createCase(request: CreateCaseRequest): CaseView {
    const definition = this.definition(request.type);
    if (!definition.createRoles.includes(request.actor.role)) {
      throw new ForbiddenRoleError(`open a ${definition.type} case`, request.actor.role, definition.createRoles);
    }
    const input = parsePayload(definition.input, request.input, `${definition.type} case`);
    const refusal = definition.openerRule?.(input, request.actor);
    if (refusal) throw new OpenerRefusedError(definition.type, request.actor, refusal);
    checkReporter(input, request.reporter);
    const now = this.clock.now();
    const id = this.db.transaction(
      () => {
        const caseId = this.insertCase(definition, input, request.actor, now);
        if (request.reporter) {
          this.statements.insertReporter.run({
            caseId,
            name: request.reporter.name,
            contact: request.reporter.contact ?? null,
            createdAt: now,
          });
        }
        return caseId;
      },
      { behavior: 'immediate' },
    );
    this.onDeadlinesChanged();
    return this.getCase(id, request.actor);
  }

  /**
   * Applies one event for `actor`: checks role, payload, state and guards, then writes the next
   * snapshot (version + 1, only if the version is still `expectedVersion`), the event row and the
   * deadline changes in one transaction. Any failure changes nothing.
   */
  applyEvent(caseId: string, event: CaseworkerEvent, actor: Actor, expectedVersion?: number): AppliedEvent {
    const outcome = this.db.transaction(() => this.applyEventWithin(caseId, event, actor, expectedVersion), { behavior: 'immediate' });
    if (outcome.deadlinesChanged) this.onDeadlinesChanged();
    // the answer is built from what the write already holds: no second load and restore of the case
    const { written, definition } = outcome;
    return {
      case: toCaseView(written.row, written.snapshot, allowedFor(definition, written.snapshot, actor), this.statements.caseDeadlines.all({ caseId })),
      event: toCaseEventView(written.event),
    };
  }

  /**
   * The write path of `applyEvent`, to run inside a transaction the caller holds (the deadline
   * worker records a ladder step and the machine event it sends in one transaction).
   */
  applyEventWithin(
    caseId: string,
    event: CaseworkerEvent,
    actor: Actor,
    expectedVersion?: number,
  ): { eventId: number; deadlinesChanged: boolean; definition: CaseDefinition; written: { row: CaseRow; snapshot: AnyMachineSnapshot; event: CaseEventRow } } {
    const now = this.clock.now();
    const row = this.loadRow(caseId);
    if (sameOfficial(row.subjectId, actor.id)) throw new SubjectOfCaseError(caseId, actor.id, `send ${event.type} on`);
    if (expectedVersion !== undefined && row.version !== expectedVersion) {
      throw new VersionConflictError(caseId, expectedVersion, row.version);
    }
    const definition = this.definitionOf(row);
    const snapshot = restore(definition, row.snapshot);
    const { type, ...payload } = event;
    const accepted = acceptedEvents(definition, snapshot);
    const spec = definition.events[type];
    if (!spec || !accepted.includes(type)) throw new EventNotAllowedError(caseId, type, row.state, accepted);
    if (!spec.roles.includes(actor.role)) throw new ForbiddenRoleError(`send ${type}`, actor.role, spec.roles);
    const fields = parsePayload(spec.payload, payload, `${type} payload`) as Record<string, unknown>;
    const machineEvent = { ...fields, type, actor: { id: actor.id, role: actor.role }, at: new Date(now).toISOString() } as EventObject;

    const next = step(definition, snapshot, machineEvent);
    const nextJson = persist(definition, next.snapshot);
    if (nextJson === row.snapshot) {
      const refused = refusingGuards(definition, snapshot, machineEvent);
      if (refused.length) {
        const rules = refused.map((guard) => ({ guard, rule: definition.guardRules[guard] ?? guard }));
        throw new GuardRejectedError(caseId, type, row.state, rules);
      }
      throw new NoChangeError(caseId, type, row.state);
    }
    const toState = stateString(next.snapshot.value as StateValue);
    const version = row.version + 1;
    const writtenRow = this.writeSnapshot(definition, row, next.snapshot, nextJson, toState, now);
    const entry = {
      caseId,
      version,
      kind: 'transition' as const,
      type,
      actorId: actor.id,
      actorRole: actor.role,
      at: now,
      payload: JSON.stringify(fields),
      fromState: row.state,
      toState,
    };
    const eventId = Number(this.statements.insertEvent.run(entry).lastInsertRowid);
    const moved = this.moveDeadlines(definition, writtenRow, snapshot, next.snapshot, now);
    const linked = this.openLinkedCases(row.id, version, next.linkedCases, actor, now);
    return {
      eventId,
      deadlinesChanged: moved || linked,
      definition,
      written: { row: writtenRow, snapshot: next.snapshot, event: { ...entry, id: eventId } },
    };
  }

  /** The case as it stands, with its deadlines and the events `actor` may send now. */
  getCase(caseId: string, actor?: Actor): CaseView {
    const row = this.loadRow(caseId);
    const definition = this.definitionOf(row);
    const snapshot = restore(definition, row.snapshot);
    return toCaseView(row, snapshot, allowedFor(definition, snapshot, actor), this.statements.caseDeadlines.all({ caseId }));
  }

  /** The case's complete event log, oldest first. */
  history(caseId: string): CaseEventView[] {
    this.loadRow(caseId);
    return this.statements.history.all({ caseId }).map(toCaseEventView);
  }

  /** The machine a stored case runs on: the current one, or the earlier version it was opened on. */
  private definitionOf(row: CaseRow): CaseDefinition {
    const current = this.definition(row.type);
    if (current.machineVersion === row.machineVersion) return current;
    const kept = current.previousVersions?.find((d) => d.machineVersion === row.machineVersion);
    if (kept) return kept;
    const known = [current.machineVersion, ...(current.previousVersions ?? []).map((d) => d.machineVersion)];
    throw new MachineVersionUnknownError(row.id, row.type, row.machineVersion, known);
  }

  /** One page of cases matching `filter`, newest first. */
  listCases(filter: CaseFilter = {}): CasePage {
    return listCases(this.db, filter, this.clock.now());
  }

  private loadRow(caseId: string): CaseRow {
    const row = this.statements.caseById.get({ id: caseId });
    if (!row) throw new CaseNotFoundError(caseId);
    return row;
  }

  private insertCase(definition: CaseDefinition, input: unknown, actor: Actor, now: number, sourceCaseId?: string): string {
    const caseId = this.newCaseId(definition.type, now);
    const openedAt = new Date(now).toISOString();
    const started = startCase(definition, { ...(input as object), caseId, openedAt, openedBy: actor });
    const fields = definition.index(started.snapshot.context);
    const state = stateString(started.snapshot.value as StateValue);
    const closed = started.snapshot.status !== 'active';
    this.statements.insertCase.run({
      id: caseId,
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
    });
    this.statements.insertEvent.run({
      caseId,
      version: 1,
      kind: 'created',
      type: 'CASE_OPENED',
      actorId: actor.id,
      actorRole: actor.role,
      at: now,
      payload: JSON.stringify(sourceCaseId ? { sourceCaseId } : {}),
      fromState: null,
      toState: state,
    });
    openEnteredDeadlines(this.deadlineContext(definition, caseId, fields.unit, fields.timeZone, 1, now), new Set(), started.snapshot);
    this.openLinkedCases(caseId, 1, started.linkedCases, actor, now);
    return caseId;
  }

  private writeSnapshot(
    definition: CaseDefinition,
    row: CaseRow,
    snapshot: AnyMachineSnapshot,
    json: string,
    state: string,
    now: number,
  ): CaseRow {
    const fields = definition.index(snapshot.context);
    const closed = snapshot.status !== 'active';
    const written: CaseRow = {
      ...row,
      version: row.version + 1,
      state,
      status: closed ? 'closed' : 'open',
      snapshot: json,
      unit: fields.unit,
      assignee: fields.assignee,
      subjectId: fields.subjectId,
      updatedAt: now,
      closedAt: closed ? now : null,
    };
    const result = this.statements.updateCase.run({ ...written, expectedVersion: row.version });
    if (result.changes !== 1) {
      const current = this.statements.caseById.get({ id: row.id });
      throw new VersionConflictError(row.id, row.version, current?.version ?? row.version);
    }
    return written;
  }

  private moveDeadlines(definition: CaseDefinition, row: CaseRow, before: AnyMachineSnapshot, after: AnyMachineSnapshot, now: number): boolean {
    const wasActive = activeStateIds(before);
    const isActive = activeStateIds(after);
    const closed = closeLeftDeadlines(this.statements, row.id, isActive, now);
    const fields = definition.index(after.context);
    const opened = openEnteredDeadlines(this.deadlineContext(definition, row.id, fields.unit, fields.timeZone, row.version, now), wasActive, after);
    return closed + opened > 0;
  }

  private deadlineContext(definition: CaseDefinition, caseId: string, unit: string | null, timeZone: string, version: number, now: number) {
    return { statements: this.statements, calendar: this.calendar, definition, caseId, unit, timeZone, version, now };
  }

  private openLinkedCases(sourceId: string, version: number, requests: readonly LinkedCaseRequest[], actor: Actor, now: number): boolean {
    for (const request of requests) {
      const definition = this.definition(request.caseType);
      const input = definition.input.parse(request.input);
      const linkedId = this.insertCase(definition, input, actor, now, sourceId);
      this.statements.insertEvent.run({
        caseId: sourceId,
        version,
        kind: 'linkedCaseOpened',
        type: 'LINKED_CASE_OPENED',
        actorId: actor.id,
        actorRole: actor.role,
        at: now,
        payload: JSON.stringify({ caseType: request.caseType, caseId: linkedId }),
        fromState: null,
        toState: null,
      });
    }
    return requests.length > 0;
  }
}

/** The events the case's state accepts that `actor`'s role may send (all of them without an actor). */
function allowedFor(definition: CaseDefinition, snapshot: AnyMachineSnapshot, actor?: Actor): string[] {
  return acceptedEvents(definition, snapshot).filter((type) => !actor || definition.events[type]?.roles.includes(actor.role));
}

/** A named reporter must say who they are; an anonymous one must not. */
function checkReporter(input: unknown, reporter: ReporterIdentity | undefined): void {
  const anonymous = (input as { anonymous?: unknown }).anonymous;
  if (anonymous === true && reporter) {
    throw new InvalidPayloadError('clue', [{ path: 'reporter', message: 'an anonymous clue carries no reporter identity' }]);
  }
  if (anonymous === false && !reporter?.name?.trim()) {
    throw new InvalidPayloadError('clue', [{ path: 'reporter.name', message: 'a named clue needs the reporter’s name' }]);
  }
}
