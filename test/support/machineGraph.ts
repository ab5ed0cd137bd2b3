/**
 * Reads a machine's definition as a graph and measures how much of it a set of @xstate/graph
 * paths covers: which state nodes were reached and which transitions were taken.
 *
 * A transition is one candidate of a state node's `on` list (or an `always` list): an event with
 * two guarded candidates, like `ASSESS_FAILED: [{ guard: a, target: x }, { guard: b, target: y }]`,
 * gives two transitions, `…assessment ASSESS_FAILED#0` and `…#1`, so each branch must be taken.
 *
 * Every machine's test can use this:
 *
 *   const coverage = exploreGraph(machine, { strategy: 'shortest', events, input, serializeState, probeEnds: true });
 *   expect(coverage.missingStates).toEqual([]);
 *   expect(coverage.missingTransitions.map((t) => t.key)).toEqual([]);
 */
import { getShortestPaths, getSimplePaths, type StatePath } from '@xstate/graph';
import {
  getMicrosteps,
  transition,
  type AnyMachineSnapshot,
  type AnyStateMachine,
  type AnyStateNode,
  type AnyTransitionDefinition,
  type EventFromLogic,
  type InputFrom,
  type SnapshotFrom,
} from 'xstate';
import type { DeadlineSpec, StateMeta } from '../../machines/types';

/** One candidate transition of the machine definition. */
export interface TransitionInfo {
  /** `<state id> <event type>#<candidate index>`, e.g. `rectification.assessment ASSESS_FAILED#1`. */
  key: string;
  /** Id of the state node that declares it, e.g. `rectification.planDue`. */
  stateId: string;
  /** The event type; `''` for an eventless (`always`) transition. */
  eventType: string;
  /** Position among the candidates for the same event in the same state (0 = tried first). */
  index: number;
  /** The guard as text, e.g. `and(hasReason, escalationLimitReached)`, or null when unguarded. */
  guard: string | null;
  /** The named guards it uses, `and`/`or`/`not` opened down to their leaves. */
  guardNames: string[];
  /** Ids of its targets; empty for a targetless transition (it stays and runs its actions). */
  targets: string[];
}

/** A path as @xstate/graph returns it for machine `M`. */
export type PathOf<M extends AnyStateMachine> = StatePath<ReturnType<M['transition']>, EventFromLogic<M>>;

/** What a set of paths covered, found by replaying each path's events with the pure `transition`. */
export interface GraphCoverage<M extends AnyStateMachine> {
  paths: Array<PathOf<M>>;
  /** The snapshot each path really ends in when its events are replayed from its first state. */
  ends: Array<SnapshotFrom<M>>;
  /** Ids of every state node active in some step of some path (ancestors included). */
  statesReached: Set<string>;
  /** Keys (`TransitionInfo.key`) of every transition taken in some step. */
  transitionsTaken: Set<string>;
  /** State node ids never reached, in document order. */
  missingStates: string[];
  /** Transitions never taken, in document order. */
  missingTransitions: TransitionInfo[];
}

/** Every state node below the root, in document order. */
export function allStateNodes(machine: AnyStateMachine): AnyStateNode[] {
  const out: AnyStateNode[] = [];
  const walk = (node: AnyStateNode): void => {
    for (const child of Object.values(node.states)) {
      out.push(child);
      walk(child);
    }
  };
  walk(machine.root);
  return out;
}

/** Ids of every state node below the root, in document order, e.g. `rectification.planDue`. */
export function allStateIds(machine: AnyStateMachine): string[] {
  return allStateNodes(machine).map((n) => n.id);
}

/** Ids of the state nodes without children (the states a case can rest in). */
export function leafStateIds(machine: AnyStateMachine): string[] {
  return allStateNodes(machine)
    .filter((n) => Object.keys(n.states).length === 0)
    .map((n) => n.id);
}

type GuardLike = unknown;

const isFn = (g: GuardLike): g is ((...args: never[]) => unknown) & { guards?: GuardLike[] } => typeof g === 'function';

/** The named guards a guard uses: a string, `{ type }`, or `and`/`or`/`not` opened down to its leaves. */
export function guardNamesOf(guard: GuardLike): string[] {
  if (guard === undefined || guard === null) return [];
  if (typeof guard === 'string') return [guard];
  if (isFn(guard)) {
    if (Array.isArray(guard.guards)) return guard.guards.flatMap(guardNamesOf);
    return [guard.name ? `<inline ${guard.name}>` : '<inline>'];
  }
  if (typeof guard === 'object' && 'type' in guard && typeof guard.type === 'string') return [guard.type];
  return ['<unknown>'];
}

/** A guard as text: `hasReason`, `and(notOwnCase, hasReason)`, `not(x)`. */
export function describeGuard(guard: GuardLike): string | null {
  if (guard === undefined || guard === null) return null;
  if (typeof guard === 'string') return guard;
  if (isFn(guard)) {
    if (Array.isArray(guard.guards)) return `${guard.name || 'combinator'}(${guard.guards.map((g) => describeGuard(g) ?? '?').join(', ')})`;
    return guard.name ? `<inline ${guard.name}>` : '<inline>';
  }
  if (typeof guard === 'object' && 'type' in guard && typeof guard.type === 'string') return guard.type;
  return '<unknown>';
}

const infoOf = (t: AnyTransitionDefinition, eventType: string, index: number): TransitionInfo => ({
  key: `${t.source.id} ${eventType}#${index}`,
  stateId: t.source.id,
  eventType,
  index,
  guard: describeGuard(t.guard),
  guardNames: guardNamesOf(t.guard),
  targets: (t.target ?? []).map((n) => n.id),
});

/** Every candidate transition of the definition, state by state in document order. */
export function allTransitions(machine: AnyStateMachine): TransitionInfo[] {
  const out: TransitionInfo[] = [];
  for (const node of [machine.root, ...allStateNodes(machine)]) {
    for (const [eventType, candidates] of node.transitions) {
      candidates.forEach((t, i) => out.push(infoOf(t, eventType, i)));
    }
    (node.always ?? []).forEach((t, i) => out.push(infoOf(t, '', i)));
  }
  return out;
}

/** The distinct (state id, event type) pairs the definition handles. */
export function allStateEventPairs(machine: AnyStateMachine): Array<[stateId: string, eventType: string]> {
  const seen = new Map<string, [string, string]>();
  for (const t of allTransitions(machine)) seen.set(`${t.stateId} ${t.eventType}`, [t.stateId, t.eventType]);
  return [...seen.values()];
}

/** Every guard name the machine uses, leaves of `and`/`or`/`not` included, sorted. */
export function usedGuardNames(machine: AnyStateMachine): string[] {
  return [...new Set(allTransitions(machine).flatMap((t) => t.guardNames))].sort();
}

/** Every event type some state handles (eventless transitions left out), sorted. */
export function handledEventTypes(machine: AnyStateMachine): string[] {
  return [...new Set(allTransitions(machine).map((t) => t.eventType))].filter((e) => e !== '').sort();
}

/** The deadlines each state declares in its meta (the root's, which run for the whole case, first), with the declaring state's id. */
export function declaredDeadlines(machine: AnyStateMachine): Array<{ stateId: string; spec: DeadlineSpec }> {
  return [machine.root, ...allStateNodes(machine)].flatMap((node) => {
    const meta = node.meta as StateMeta | undefined;
    return (meta?.deadlines ?? []).map((spec) => ({ stateId: node.id, spec }));
  });
}

const keyOf = (t: AnyTransitionDefinition): string => {
  const candidates = t.eventType === '' ? (t.source.always ?? []) : (t.source.transitions.get(t.eventType) ?? []);
  return `${t.source.id} ${t.eventType}#${candidates.indexOf(t)}`;
};

const activeIds = (snapshot: AnyMachineSnapshot): string[] => snapshot._nodes.map((n: AnyStateNode) => n.id);

/** What one event does to a snapshot, read from the definition. */
export interface StepTrace<M extends AnyStateMachine> {
  /** Keys of the transitions taken: the event's own, then any eventless ones that followed. Empty when refused. */
  transitions: string[];
  /** Ids of every state node active in some microstep, transient states passed through included. */
  statesVisited: string[];
  /** The snapshot after the event (the same snapshot when it was refused). */
  next: SnapshotFrom<M>;
}

/**
 * Traces one event with XState's pure functions: the event's own transition is found by
 * `machine.getTransitionData` (which evaluates the guards); eventless transitions that follow are
 * read from `getMicrosteps` (the first `always` candidate of a state active before a microstep
 * whose targets are all active after it).
 */
export function traceStep<M extends AnyStateMachine>(machine: M, snapshot: SnapshotFrom<M>, event: EventFromLogic<M>): StepTrace<M> {
  const own = machine.getTransitionData(snapshot, event) as AnyTransitionDefinition[];
  const next = transition(machine, snapshot, event)[0];
  if (own.length === 0) return { transitions: [], statesVisited: activeIds(next as AnyMachineSnapshot), next };
  const transitions = own.map(keyOf);
  const micro = getMicrosteps(machine, snapshot, event).map(([s]) => s as AnyMachineSnapshot);
  const statesVisited = new Set([...micro.flatMap(activeIds), ...activeIds(next as AnyMachineSnapshot)]);
  for (let i = 1; i < micro.length; i++) {
    const after = new Set(activeIds(micro[i]!));
    const eventless = (micro[i - 1]!._nodes as AnyStateNode[])
      .flatMap((n) => n.always ?? [])
      .find((t) => (t.target ?? []).every((target) => after.has(target.id)));
    if (eventless) transitions.push(keyOf(eventless));
  }
  return { transitions, statesVisited: [...statesVisited], next };
}

/** Keys of the transitions `event` takes from `snapshot` (see `traceStep`); empty when it is refused. */
export function takenTransitions<M extends AnyStateMachine>(machine: M, snapshot: SnapshotFrom<M>, event: EventFromLogic<M>): string[] {
  return traceStep(machine, snapshot, event).transitions;
}

/** The events of a path, in order. @xstate/graph 3 shapes a path as steps[i] = { state after, event
 * that led there }, the first step being { initial state, xstate.init }. */
export function eventsOf<M extends AnyStateMachine>(path: PathOf<M>): Array<EventFromLogic<M>> {
  return path.steps.slice(1).map((s) => s.event);
}

/** Sample events: a list sent in every state, or a function of the snapshot. */
export type SampleEvents<M extends AnyStateMachine> =
  | ReadonlyArray<EventFromLogic<M>>
  | ((snapshot: SnapshotFrom<M>) => ReadonlyArray<EventFromLogic<M>>);

/**
 * Measures what the given paths cover by replaying each path's events from its first state with
 * the pure `transition`. Replaying matters when `serializeState` abstracts the context: the
 * snapshots @xstate/graph stores on a path are then representatives of a vertex, not necessarily
 * the snapshots those very events produce.
 *
 * With `probe`, every sample event is also tried once at the end of every path. Paths alone
 * miss transitions: a shortest path exists per vertex, not per edge, and a simple path never
 * takes the edge that closes a cycle. Shortest paths plus one probe step take every edge of the
 * traversed graph.
 */
export function coverageOf<M extends AnyStateMachine>(machine: M, paths: Array<PathOf<M>>, probe?: SampleEvents<M>): GraphCoverage<M> {
  const statesReached = new Set<string>();
  const transitionsTaken = new Set<string>();
  const ends: Array<SnapshotFrom<M>> = [];
  const record = (trace: StepTrace<M>): void => {
    for (const id of trace.statesVisited) statesReached.add(id);
    for (const key of trace.transitions) transitionsTaken.add(key);
  };
  for (const path of paths) {
    let snapshot = (path.steps[0]?.state ?? path.state) as SnapshotFrom<M>;
    for (const id of activeIds(snapshot as AnyMachineSnapshot)) statesReached.add(id);
    for (const event of eventsOf(path)) {
      const trace = traceStep(machine, snapshot, event);
      record(trace);
      snapshot = trace.next;
    }
    ends.push(snapshot);
    if (probe) {
      const end = snapshot;
      for (const event of typeof probe === 'function' ? probe(end) : probe) record(traceStep(machine, end, event));
    }
  }
  return {
    paths,
    ends,
    statesReached,
    transitionsTaken,
    missingStates: allStateIds(machine).filter((id) => !statesReached.has(id)),
    missingTransitions: allTransitions(machine).filter((t) => !transitionsTaken.has(t.key)),
  };
}

/** Options for `exploreGraph`: @xstate/graph traversal options plus the path strategy. */
export interface ExploreOptions<M extends AnyStateMachine> {
  /** `shortest`: one shortest path to each distinct state; `simple`: every path without a repeated state. */
  strategy: 'shortest' | 'simple';
  /** Sample events, sent in every state (unhandled or refused ones leave the state as it is). */
  events: SampleEvents<M>;
  input: InputFrom<M>;
  /**
   * What makes two snapshots the same graph vertex. The default (value + whole context) never
   * terminates on a machine whose context grows on a self-transition; pass a bounded projection,
   * e.g. `valueAnd<typeof machine>((c) => ({ level: Math.min(c.escalationLevel, 3) }))`.
   */
  serializeState?: (snapshot: SnapshotFrom<M>) => string;
  /** Traversal limit (vertices visited) before @xstate/graph throws. @defaultValue 10_000 */
  limit?: number;
  /** Also try every sample event once at the end of every path (see `coverageOf`). @defaultValue false */
  probeEnds?: boolean;
}

/** A `serializeState` of the state value plus a bounded projection of the context. */
export function valueAnd<M extends AnyStateMachine>(
  project: (context: SnapshotFrom<M>['context']) => unknown,
): (snapshot: SnapshotFrom<M>) => string {
  return (snapshot) => {
    const s = snapshot as AnyMachineSnapshot;
    return JSON.stringify([s.value, project(s.context as SnapshotFrom<M>['context'])]);
  };
}

/** Generates @xstate/graph paths for the machine and measures what they cover. */
export function exploreGraph<M extends AnyStateMachine>(machine: M, options: ExploreOptions<M>): GraphCoverage<M> {
  const traversal = {
    events: options.events,
    input: options.input,
    limit: options.limit ?? 10_000,
    ...(options.serializeState ? { serializeState: options.serializeState } : {}),
  } as Parameters<typeof getShortestPaths<M>>[1];
  const paths: Array<PathOf<M>> =
    options.strategy === 'shortest' ? getShortestPaths(machine, traversal) : getSimplePaths(machine, traversal);
  return coverageOf(machine, paths, options.probeEnds ? options.events : undefined);
}
