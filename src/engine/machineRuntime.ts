/**
 * Pure helpers around XState's transition functions: restore a persisted snapshot, compute the
 * next one, and read what a state allows, declares and refuses. No long-lived actors, no I/O.
 */
import {
  createActor,
  type AnyMachineSnapshot,
  type AnyStateMachine,
  type AnyStateNode,
  type EventObject,
  type StateValue,
} from 'xstate';
import type { CaseDefinition, DeadlineSpec, LinkedCaseRequest, NoticeRequest, StateMeta } from '../../machines/types';
import { OPEN_LINKED_CASE, SEND_NOTICE } from '../../machines/types';

/** The outcome of one pure step: the next snapshot and the effects the machine asked for. */
export interface Step {
  snapshot: AnyMachineSnapshot;
  linkedCases: LinkedCaseRequest[];
  /** Notices the machine asked to send (`sendNotice`). */
  notices: NoticeRequest[];
}

interface ActionLike {
  type: string;
  params?: unknown;
}

const linkedCasesOf = (actions: readonly ActionLike[]): LinkedCaseRequest[] =>
  actions.filter((a) => a.type === OPEN_LINKED_CASE).map((a) => a.params as LinkedCaseRequest);

const noticesOf = (actions: readonly ActionLike[]): NoticeRequest[] => actions.filter((a) => a.type === SEND_NOTICE).map((a) => a.params as NoticeRequest);

/**
 * One inert actor scope per machine, reused by every pure step: what XState's `transition()` and
 * `initialTransition()` build afresh on every call (an actor, whose constructor computes the
 * machine's initial snapshot, and a system), built once. Its action executor runs nothing: it
 * collects the actions of the step in progress, as theirs does. Steps are synchronous, so one
 * collection at a time suffices. The case machines invoke and spawn no actors, so no child ever
 * registers in the shared system.
 */
type MachineScope = Parameters<AnyStateMachine['transition']>[2];

interface InertScope {
  scope: MachineScope;
  /** The actions the step in progress asked for. */
  actions: ActionLike[];
}

const scopes = new WeakMap<AnyStateMachine, InertScope>();

function inertScope(machine: AnyStateMachine): InertScope {
  let found = scopes.get(machine);
  if (found) return found;
  const self = createActor(machine);
  const inert: InertScope = { scope: undefined as unknown as MachineScope, actions: [] };
  inert.scope = {
    self,
    id: '',
    sessionId: '',
    system: self.system,
    logger: () => undefined,
    defer: () => undefined,
    emit: () => undefined,
    stopChild: () => undefined,
    actionExecutor: (action) => {
      inert.actions.push(action);
    },
  };
  scopes.set(machine, (found = inert));
  return found;
}

/** Runs one pure step of `machine` in its inert scope; returns what it computed and the actions it asked for. */
function collecting(machine: AnyStateMachine, run: (scope: MachineScope) => AnyMachineSnapshot): [AnyMachineSnapshot, ActionLike[]] {
  const inert = inertScope(machine);
  const actions: ActionLike[] = [];
  inert.actions = actions;
  try {
    return [run(inert.scope), actions];
  } finally {
    inert.actions = [];
  }
}

/** Starts a machine from its input without running anything. */
export function startCase(definition: CaseDefinition, input: unknown): Step {
  const { machine } = definition;
  const [snapshot, actions] = collecting(machine, (scope) => machine.getInitialSnapshot(scope, input) as AnyMachineSnapshot);
  return { snapshot, linkedCases: linkedCasesOf(actions), notices: noticesOf(actions) };
}

/** Restores a snapshot persisted as JSON. */
export function restore(definition: CaseDefinition, persisted: string): AnyMachineSnapshot {
  return definition.machine.resolveState(JSON.parse(persisted) as Parameters<AnyStateMachine['resolveState']>[0]);
}

/** Computes the snapshot after one event. */
export function step(definition: CaseDefinition, snapshot: AnyMachineSnapshot, event: EventObject): Step {
  const { machine } = definition;
  const [next, actions] = collecting(machine, (scope) => machine.transition(snapshot, event, scope) as AnyMachineSnapshot);
  return { snapshot: next, linkedCases: linkedCasesOf(actions), notices: noticesOf(actions) };
}

/** The JSON form of a snapshot, as stored in the cases table. */
export function persist(definition: CaseDefinition, snapshot: AnyMachineSnapshot): string {
  return JSON.stringify(definition.machine.getPersistedSnapshot(snapshot));
}

/** A state value as one dotted string: `{ screening: 'acceptance' }` → `screening.acceptance`. */
export function stateString(value: StateValue | undefined): string {
  if (typeof value === 'string') return value;
  if (!value) return '';
  return Object.entries(value)
    .map(([key, child]) => {
      const inner = stateString(child);
      return inner ? `${key}.${inner}` : key;
    })
    .join(',');
}

const nodesOf = (snapshot: AnyMachineSnapshot): AnyStateNode[] => snapshot._nodes;

/** Ids of every active state node, ancestors included. */
export function activeStateIds(snapshot: AnyMachineSnapshot): Set<string> {
  return new Set(nodesOf(snapshot).map((n) => n.id));
}

/**
 * Each state node's own events (XState's `StateNode.ownEvents`), kept per node. XState 5.33.3
 * recomputes that getter on every read (it rebuilds the node's transition map into an object and
 * filters it), and every decided event reads it for each active node. A node and its transitions
 * never change once the machine is built, so this is a pure cache of immutable machine data (a
 * module-level WeakMap, dropped with the machine); checked against xstate 5.33.3.
 */
const ownEventsOf = new WeakMap<AnyStateNode, ReadonlySet<string>>();

function ownEvents(node: AnyStateNode): ReadonlySet<string> {
  let found = ownEventsOf.get(node);
  if (!found) ownEventsOf.set(node, (found = new Set(node.ownEvents as string[])));
  return found;
}

/** The events the active states accept, limited to those the case type's catalogue declares. */
export function acceptedEvents(definition: CaseDefinition, snapshot: AnyMachineSnapshot): string[] {
  if (snapshot.status !== 'active') return [];
  const accepted = new Set<string>();
  for (const node of nodesOf(snapshot)) {
    for (const type of ownEvents(node)) if (type in definition.events) accepted.add(type);
  }
  return [...accepted].sort();
}

/** Whether the active states accept `type` (one of the catalogue's events): `acceptedEvents(…).includes(type)` without building the list. */
export function acceptsEvent(definition: CaseDefinition, snapshot: AnyMachineSnapshot, type: string): boolean {
  if (snapshot.status !== 'active' || !(type in definition.events)) return false;
  return nodesOf(snapshot).some((node) => ownEvents(node).has(type));
}

/** The deadlines each state declares, by state id, per machine: a pure cache of immutable machine data (XState parses the id on every look-up). */
const declaredDeadlines = new WeakMap<AnyStateMachine, Map<string, readonly DeadlineSpec[]>>();

/** The deadlines the given active state node declares in its meta. */
export function deadlinesOfState(definition: CaseDefinition, stateId: string): readonly DeadlineSpec[] {
  const { machine } = definition;
  let byState = declaredDeadlines.get(machine);
  if (!byState) declaredDeadlines.set(machine, (byState = new Map<string, readonly DeadlineSpec[]>()));
  let found = byState.get(stateId);
  if (!found) byState.set(stateId, (found = (machine.getStateNodeById(stateId).meta as StateMeta | undefined)?.deadlines ?? []));
  return found;
}

/** The description a state declares in its meta, for people reading the case. */
export function describeState(snapshot: AnyMachineSnapshot): string {
  const nodes = nodesOf(snapshot);
  // a machine that has just reached its final state keeps only its root active: name the state by its value
  const last = nodes[nodes.length - 1];
  const leaf = last && last.type !== 'compound' ? last : (finalNode(snapshot) ?? last);
  return (leaf?.meta as StateMeta | undefined)?.description ?? '';
}

/** The state node a finished machine's value names (one simple state: final states are not parallel). */
function finalNode(snapshot: AnyMachineSnapshot): AnyStateNode | undefined {
  const path = stateString(snapshot.value as StateValue);
  if (!path || path.includes(',')) return undefined;
  try {
    return snapshot.machine.getStateNodeById(`${snapshot.machine.id}.${path}`);
  } catch {
    return undefined;
  }
}

type GuardRef = string | { type: string; params?: unknown } | ((...args: never[]) => unknown);
type GuardImpl = (args: { context: unknown; event: EventObject }, params: unknown) => boolean;

/** Names of the leaf guards under a guard reference (leaves of `and([...])` included). */
export function guardLeaves(guard: unknown): { name: string; params?: unknown }[] {
  if (guard === undefined || guard === null) return [];
  if (typeof guard === 'string') return [{ name: guard }];
  if (typeof guard === 'function') {
    const nested = (guard as { guards?: unknown[] }).guards;
    return nested ? nested.flatMap(guardLeaves) : [];
  }
  const ref = guard as { type?: string; params?: unknown };
  return ref.type ? [{ name: ref.type, params: ref.params }] : [];
}

/**
 * The named guards that refused `event` in this snapshot. Of the candidate transitions for the
 * event, the closest one (fewest failing leaf guards) names the rules: so a branch chosen by a
 * selector guard (`routeIs`) reports the rule that stopped it, not the selectors of other branches.
 */
export function refusingGuards(definition: CaseDefinition, snapshot: AnyMachineSnapshot, event: EventObject): string[] {
  const impls = definition.machine.implementations.guards as Record<string, GuardImpl | undefined>;
  let closest: string[] | null = null;
  for (const node of nodesOf(snapshot)) {
    for (const candidate of node.transitions.get(event.type) ?? []) {
      const failing = guardLeaves(candidate.guard as GuardRef | undefined)
        .filter((leaf) => {
          const impl = impls[leaf.name];
          return impl !== undefined && !impl({ context: snapshot.context as unknown, event }, leaf.params);
        })
        .map((leaf) => leaf.name);
      if (failing.length && (closest === null || failing.length < closest.length)) closest = failing;
    }
  }
  return [...new Set(closest ?? [])];
}
