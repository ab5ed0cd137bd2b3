/**
 * Replaying a case's log under another machine version or office policy, purely: the case is opened
 * again from the input its CASE_OPENED entry logged, and every logged transition is decided again
 * by `decideEvent`'s core (`decideStep`), at the moment and by the person it was made — so an event
 * the new machine refuses is refused in the same words the API would use. Nothing is read or written here.
 */
import type { AnyMachineSnapshot, StateValue } from 'xstate';
import type { CaseEventRecord, CaseRecord, DeadlineRecord } from '../../../db/records';
import type { CaseDefinition, Role } from '../../../machines/types';
import { CaseflowError, type ErrorCode } from '../../errors';
import type { OfficePolicy } from '../../officePolicy';
import type { WorkingDayCalendar } from '../../time';
import { decideOpen, decideOpening, decideStep, dressStep, openingDeadlines, openingRow, rowAfter, stepDeadlines, type CaseState, type DecideContext } from '../decide';
import { stateString } from '../machineRuntime';

/** A logged event the new machine would refuse, with the API's error for it. */
export interface Refusal {
  /** The entry's place in the case log. */
  seq: number | null;
  event: string;
  at: string;
  code: ErrorCode;
  message: string;
}

/** The case as the new machine and policy would have it after its whole log. */
export interface Replayed {
  snapshot: AnyMachineSnapshot;
  state: string;
  /** The deadlines the replay leaves running, due under the new machine's and policy's limits. */
  running: DeadlineRecord[];
  refusals: Refusal[];
}

/** What a replay needs besides the case: the target machine and policy, the calendar, and the definitions linked cases open on. */
export interface ReplaySetting {
  definition: CaseDefinition;
  policy: OfficePolicy;
  calendar: WorkingDayCalendar;
  definitionOf: (type: string) => CaseDefinition;
}

const OPENING_INPUT_MISSING = 'opened before caseflow logged the opening input';

/** Why a case cannot be replayed at all (its log does not start with a logged opening), or null. */
export function unreplayable(log: readonly CaseEventRecord[]): string | null {
  const opened = log[0];
  if (!opened || opened.kind !== 'created') return 'its log does not start with CASE_OPENED';
  return 'input' in (JSON.parse(opened.payload) as object) ? null : OPENING_INPUT_MISSING;
}

/** The snapshot text of a replayed row: never persisted between steps (a replay compares `CaseState.persisted`, when known, and writes nothing). */
const UNPERSISTED = '';

/**
 * Replays `log` (the case's, oldest first; `unreplayable` must have said null) under `setting`. Each
 * event is decided by the pure core (`decideStep`) and its deadlines kept; the write plan's dressing
 * (log rows, on-time tallies, notices) is not built, except for a step that opens linked cases, which
 * is decided in full so that a linked opening is refused as the API would refuse it. The snapshot is
 * persisted only when the no-change check needs it.
 */
export function replayCase(setting: ReplaySetting, row: CaseRecord, log: readonly CaseEventRecord[]): Replayed {
  const { definition } = setting;
  const opened = log[0]!;
  const { input, sourceCaseId } = JSON.parse(opened.payload) as { input: unknown; sourceCaseId?: string };
  let ids = 0;
  // one context for the whole replay, its moment set to each entry's before it is decided (nothing keeps it)
  const context: DecideContext = {
    now: opened.at,
    calendar: setting.calendar,
    policy: setting.policy,
    definitionOf: setting.definitionOf,
    // the case keeps its id; linked cases the replay would open are only named, never written
    newCaseId: () => (ids++ === 0 ? row.id : `${row.id}~replayed-link~${ids}`),
  };
  const ctx = (now: number): DecideContext => {
    context.now = now;
    return context;
  };
  const opener = { id: opened.actorId, role: opened.actorRole as Role };
  const opening = decideOpening(ctx(opened.at), definition, input, opener);
  let state: CaseState;
  if (opening.started.linkedCases.length) {
    // decided again in full, from the same ids, so its linked openings are checked as the API checks them
    ids = 0;
    const full = decideOpen(ctx(opened.at), definition, input, opener, sourceCaseId);
    state = { definition, row: full.row, snapshot: full.snapshot, running: full.deadlines, persisted: full.row.snapshot };
  } else {
    const first = openingRow(definition, opening, opener, opened.at, UNPERSISTED);
    state = { definition, row: first, snapshot: opening.started.snapshot, running: openingDeadlines(ctx(opened.at), definition, opening) };
  }
  const refusals: Refusal[] = [];
  for (const entry of log) {
    if (entry.kind !== 'transition') continue;
    const event = { ...(JSON.parse(entry.payload) as Record<string, unknown>), type: entry.type };
    const actor = { id: entry.actorId, role: entry.actorRole as Role };
    const at = ctx(entry.at);
    try {
      const decided = decideStep(at, state, event, actor);
      let next: CaseRecord;
      let opened: readonly DeadlineRecord[];
      let closed: readonly { id: string }[];
      if (decided.next.linkedCases.length) {
        const dressed = dressStep(at, state, decided, actor);
        next = dressed.row;
        opened = dressed.plan.openDeadlines;
        closed = dressed.plan.closeDeadlines;
      } else {
        const index = definition.index(decided.next.snapshot.context);
        const deadlines = stepDeadlines(at, state, decided, index);
        next = rowAfter(state.row, decided, index, entry.at, decided.nextJson ?? UNPERSISTED);
        opened = deadlines.opened;
        closed = deadlines.closings;
      }
      const gone = new Set(closed.map((c) => c.id));
      state = {
        definition,
        row: next,
        snapshot: decided.next.snapshot,
        ...(next.snapshot === UNPERSISTED ? {} : { persisted: next.snapshot }),
        running: [...state.running.filter((d) => !gone.has(d.id)), ...opened.filter((d) => d.caseId === row.id)],
      };
    } catch (error) {
      if (!(error instanceof CaseflowError)) throw error;
      refusals.push({ seq: entry.seq, event: entry.type, at: new Date(entry.at).toISOString(), code: error.code, message: error.message });
    }
  }
  return { snapshot: state.snapshot, state: stateString(state.snapshot.value as StateValue), running: [...state.running], refusals };
}
