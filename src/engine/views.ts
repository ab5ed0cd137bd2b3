/**
 * What callers see of a case, its deadlines and its event log: plain JSON-ready objects.
 */
import type { AnyMachineSnapshot } from 'xstate';
import type { CaseRecord as CaseRow, DeadlineRecord as DeadlineRow, NewCaseEvent } from '../../db/records';

/** What a reader is shown of a log row: its id and what it says (never its chain link). */
type CaseEventRow = NewCaseEvent & { id: number };
import type { Actor, DeadlineSpec, Role } from '../../machines/types';
import { provisionalNote, type WorkingDayCalendar } from '../time';
import type { CaseLink } from './links';
import { describeState } from './machineRuntime';

export interface DeadlineView {
  id: string;
  kind: string;
  basis: string;
  state: string;
  dueAt: string;
  originalDueAt: string;
  status: DeadlineRow['status'];
  running: boolean;
  suspended: boolean;
  warning: DeadlineRow['warning'];
  escalationLevel: number;
  nextStep: string | null;
  nextFireAt: string | null;
  latenessMs: number | null;
  /** Set when the due moment counts working days in a year the calendar does not cover yet, e.g. "provisional: the 2027 calendar is not loaded". */
  provisional: string | null;
}

export interface CaseView {
  id: string;
  type: string;
  machineVersion: number;
  state: string;
  stateDescription: string;
  status: CaseRow['status'];
  version: number;
  unit: string | null;
  assignee: string | null;
  subjectId: string | null;
  timeZone: string;
  createdAt: string;
  updatedAt: string;
  closedAt: string | null;
  context: unknown;
  allowedEvents: string[];
  deadlines: DeadlineView[];
  /**
   * Open cases about the same official that hold this one up, or that this one holds up; and, open
   * or closed, the adjustment review this case opened, or the cases this review rests on. Only
   * cases the reader may see are named.
   */
  links: CaseLink[];
}

export interface CaseEventView {
  id: number;
  version: number;
  kind: CaseEventRow['kind'];
  type: string;
  actor: Actor;
  at: string;
  payload: unknown;
  fromState: string | null;
  toState: string | null;
}

const iso = (ms: number): string => new Date(ms).toISOString();
const isoOrNull = (ms: number | null): string | null => (ms === null ? null : iso(ms));

/** Deadline specs parsed, by their JSON text: a case's answer shows every deadline, and few texts are distinct. */
const parsedSpecs = new Map<string, DeadlineSpec>();
/** Distinct spec texts kept before the cache starts afresh. */
const SPECS_KEPT = 1000;

/** The spec a deadline row was made from (parsed once per distinct text; read only). */
function specOf(text: string): DeadlineSpec {
  let spec = parsedSpecs.get(text);
  if (!spec) {
    if (parsedSpecs.size >= SPECS_KEPT) parsedSpecs.clear();
    parsedSpecs.set(text, (spec = JSON.parse(text) as DeadlineSpec));
  }
  return spec;
}

/** The reader's view of one deadline row, its due moment flagged when `calendar` does not cover it yet. */
export function toDeadlineView(row: DeadlineRow, calendar: WorkingDayCalendar): DeadlineView {
  const spec = specOf(row.spec);
  const nextStep = row.running ? (spec.ladder[row.nextStep]?.name ?? null) : null;
  return {
    id: row.id,
    kind: row.kind,
    basis: row.basis,
    state: row.stateId,
    dueAt: iso(row.dueAt),
    originalDueAt: iso(row.originalDueAt),
    status: row.status,
    running: row.running,
    suspended: row.suspendedAt !== null,
    warning: row.warning,
    escalationLevel: row.escalationLevel,
    nextStep,
    nextFireAt: isoOrNull(row.nextFireAt),
    latenessMs: row.latenessMs,
    provisional: provisionalNote(spec.limit, row.dueAt, row.timeZone, calendar),
  };
}

/** The reader's view of a case row and its restored snapshot. */
export function toCaseView(
  row: CaseRow,
  snapshot: AnyMachineSnapshot,
  allowedEvents: string[],
  deadlines: DeadlineRow[],
  calendar: WorkingDayCalendar,
  links: CaseLink[] = [],
): CaseView {
  return {
    id: row.id,
    type: row.type,
    machineVersion: row.machineVersion,
    state: row.state,
    stateDescription: describeState(snapshot),
    status: row.status,
    version: row.version,
    unit: row.unit,
    assignee: row.assignee,
    subjectId: row.subjectId,
    timeZone: row.timeZone,
    createdAt: iso(row.createdAt),
    updatedAt: iso(row.updatedAt),
    closedAt: isoOrNull(row.closedAt),
    context: snapshot.context as unknown,
    allowedEvents,
    deadlines: deadlines.map((d) => toDeadlineView(d, calendar)),
    links,
  };
}

/** The reader's view of one event-log row. */
export function toCaseEventView(row: CaseEventRow): CaseEventView {
  return {
    id: row.id,
    version: row.version,
    kind: row.kind,
    type: row.type,
    actor: { id: row.actorId, role: row.actorRole as Role },
    at: iso(row.at),
    payload: JSON.parse(row.payload) as unknown,
    fromState: row.fromState,
    toState: row.toState,
  };
}
