/**
 * Carrying a case that cannot be replayed (its log starts before caseflow logged the opening input)
 * onto another machine version, purely: its stored snapshot — state and context as they are — is
 * restored under the new machine in the state it is in (or the one a person mapped it to), and the
 * deadlines that state declares are planned again from the moment each started. Its earlier events are
 * not decided again, so a person confirms the move by listing the case. Nothing is read or written here.
 */
import type { AnyMachineSnapshot, StateValue } from 'xstate';
import type { CaseRecord, DeadlineRecord } from '../../../db/records';
import { openedDeadlines } from '../deadlinePlans';
import { activeStateIds, stateString } from '../machineRuntime';
import type { Replayed, ReplaySetting } from './replay';

/** The state value a dotted state string names (`screening.acceptance` → `{ screening: 'acceptance' }`; parallel regions comma-separated). */
export function stateValueOf(state: string): StateValue {
  const build = (paths: readonly string[][]): StateValue => {
    if (paths.length === 1 && paths[0]!.length === 1) return paths[0]![0]!;
    const children = new Map<string, string[][]>();
    for (const [head, ...rest] of paths) {
      const group = children.get(head!) ?? [];
      if (rest.length) group.push(rest);
      children.set(head!, group);
    }
    return Object.fromEntries([...children].map(([key, rest]) => [key, rest.length ? build(rest) : {}]));
  };
  return build(state.split(',').map((path) => path.split('.')));
}

/**
 * The case as the new machine would hold it in `toState` with its stored context, and its running
 * deadlines planned under the new limits: a state's deadline that was running keeps the moment it
 * started, one the new machine adds starts at `now`. Null when the new machine cannot hold that state.
 */
export function carryCase(setting: ReplaySetting, row: CaseRecord, running: readonly DeadlineRecord[], toState: string, now: number): Replayed | null {
  const { definition } = setting;
  const persisted = JSON.parse(row.snapshot) as { value: StateValue; context: unknown; status?: string };
  let snapshot: AnyMachineSnapshot;
  try {
    snapshot = definition.machine.resolveState({ ...persisted, value: stateValueOf(toState) } as Parameters<typeof definition.machine.resolveState>[0]);
  } catch {
    return null;
  }
  if (stateString(snapshot.value as StateValue) !== toState) return null;
  const planned: DeadlineRecord[] = [];
  const active = activeStateIds(snapshot);
  for (const stateId of active) {
    const startedAt = running.find((d) => d.stateId === stateId)?.baseAt ?? now;
    const others = new Set([...active].filter((id) => id !== stateId));
    const at = { calendar: setting.calendar, definition, caseId: row.id, unit: row.unit, timeZone: row.timeZone, version: row.version, now: startedAt, limits: setting.policy.limits, urging: setting.policy.urging };
    planned.push(...openedDeadlines(at, others, snapshot));
  }
  return { snapshot, state: toState, running: planned, refusals: [] };
}
