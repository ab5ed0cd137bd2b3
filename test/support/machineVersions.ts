/**
 * Test fixtures: new versions of each case machine, made from the shipped one by one change each —
 * a state renamed, a state added, a guard tightened, a limit lengthened — with the shipped version
 * kept in `previousVersions`, as a real release would ship them side by side.
 */
import { and, createMachine, type AnyStateMachine } from 'xstate';
import { clue, rectification, selfRecommendation } from '../../machines';
import type { CaseDefinition, DeadlineLimit, DeadlineSpec, StateMeta } from '../../machines/types';

type Node = { states?: Record<string, Node>; on?: Record<string, unknown>; meta?: StateMeta; initial?: string } & Record<string, unknown>;

/** A deep copy of plain objects and arrays; functions (guards, actions, context) kept as they are. */
function copy<T>(value: T): T {
  if (Array.isArray(value)) return value.map(copy) as T;
  if (value && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, copy(v)])) as T;
  }
  return value;
}

/** The state node config at a dotted path. */
function nodeAt(root: Node, path: string): Node {
  return path.split('.').reduce((node, key) => {
    const next = node.states?.[key];
    if (!next) throw new Error(`no state ${path}`);
    return next;
  }, root);
}

/** Every state node config, depth first. */
function* nodes(node: Node): Generator<Node> {
  yield node;
  for (const child of Object.values(node.states ?? {})) yield* nodes(child);
}

/** A next version of `definition` whose machine config `edit` changed (guards added by name in `guards`). */
function nextVersion(
  definition: CaseDefinition,
  version: number,
  edit: (config: Node) => void,
  extra: { guards?: Record<string, (args: { event: Record<string, unknown> }) => boolean>; guardRules?: Record<string, string> } = {},
): CaseDefinition {
  const config = copy(definition.machine.config as unknown as Node);
  edit(config);
  const implementations = definition.machine.implementations;
  const machine = createMachine(config as never, { ...implementations, guards: { ...implementations.guards, ...(extra.guards ?? {}) } } as never) as AnyStateMachine;
  return {
    ...definition,
    machineVersion: version,
    machine,
    guardRules: { ...definition.guardRules, ...(extra.guardRules ?? {}) },
    previousVersions: [definition, ...(definition.previousVersions ?? [])],
  };
}

/** Renames state `path` (its last segment) to `to`, and every transition that targets it. */
export function renameState(definition: CaseDefinition, path: string, to: string, version = definition.machineVersion + 1): CaseDefinition {
  const segments = path.split('.');
  const from = segments.pop()!;
  return nextVersion(definition, version, (config) => {
    const parent = segments.length ? nodeAt(config, segments.join('.')) : config;
    parent.states = Object.fromEntries(Object.entries(parent.states!).map(([k, v]) => [k === from ? to : k, v]));
    if (parent.initial === from) parent.initial = to;
    const retarget = (t: unknown): unknown => {
      if (typeof t === 'string') return t === from || t === `.${from}` ? t.replace(from, to) : t.replace(`.${from}`, `.${to}`);
      if (Array.isArray(t)) return t.map(retarget);
      if (t && typeof t === 'object' && 'target' in t) return { ...t, target: retarget((t).target) };
      return t;
    };
    for (const node of nodes(config)) {
      for (const [event, t] of Object.entries(node.on ?? {})) node.on![event] = retarget(t);
    }
  });
}

/** Adds state `added` (with `meta`) between `from` and its `event`'s target: `event` now leads to it, and `next` goes on. */
export function addStateAfter(definition: CaseDefinition, from: string, event: string, added: string, next: string, meta: StateMeta): CaseDefinition {
  return nextVersion(definition, definition.machineVersion + 1, (config) => {
    const node = nodeAt(config, from);
    const on = node.on![event] as { target: string } | { target: string }[];
    const first = Array.isArray(on) ? on[0]! : on;
    const target = first.target;
    first.target = added;
    const parent = from.includes('.') ? nodeAt(config, from.split('.').slice(0, -1).join('.')) : config;
    parent.states![added] = { meta, on: { [next]: { target } } };
  });
}

/** Tightens every candidate of `event` in state `path` with a further guard `name` (its rule in `rule`). */
export function tightenGuard(definition: CaseDefinition, path: string, event: string, name: string, check: (event: Record<string, unknown>) => boolean, rule: string): CaseDefinition {
  return nextVersion(
    definition,
    definition.machineVersion + 1,
    (config) => {
      const node = nodeAt(config, path);
      const candidates = ([] as { guard?: unknown }[]).concat(node.on![event] as never);
      node.on![event] = candidates.map((c) => ({ ...c, guard: c.guard ? and([c.guard as never, name]) : name }));
    },
    { guards: { [name]: ({ event: e }) => check(e) }, guardRules: { [name]: rule } },
  );
}

/** Lengthens deadline `kind` (declared in state `path`) to `limit`. */
export function lengthenLimit(definition: CaseDefinition, path: string, kind: string, limit: DeadlineLimit, basis: string): CaseDefinition {
  return nextVersion(definition, definition.machineVersion + 1, (config) => {
    const node = nodeAt(config, path);
    const deadlines = (node.meta!.deadlines ?? []).map((d: DeadlineSpec) => (d.kind === kind ? { ...d, limit, basis } : d));
    node.meta = { ...node.meta!, deadlines };
  });
}

const reasonAtLeast = (n: number) => (event: Record<string, unknown>) => typeof event.reason === 'string' && event.reason.trim().length >= n;

/** The four new versions of each shipped machine, by the change each makes. */
export const newVersions = {
  rectification: {
    stateRenamed: renameState(rectification, 'planReview', 'planScrutiny'),
    stateAdded: addStateAfter(rectification, 'planReview', 'ACCEPT_PLAN', 'planAcknowledged', 'START_WORK', { description: 'The unit acknowledges the accepted plan' }),
    guardTightened: tightenGuard(rectification, 'planReview', 'ACCEPT_PLAN', 'reasonOfThirtyCharacters', reasonAtLeast(30), 'Accepting a plan needs a reason of at least 30 characters'),
    limitLengthened: lengthenLimit(rectification, 'planReview', 'planReviewDue', { kind: 'workingDays', days: 3 }, 'A submitted plan is reviewed within three working days'),
  },
  selfRecommendation: {
    stateRenamed: renameState(selfRecommendation, 'publicNotice', 'publicAnnouncement'),
    stateAdded: addStateAfter(selfRecommendation, 'submitted', 'FORWARD', 'registered', 'REGISTER_RECOMMENDATION', { description: 'Registered by the Organization Department' }),
    guardTightened: tightenGuard(selfRecommendation, 'eligibilityCheck', 'RECORD_ELIGIBILITY', 'reasonOfThirtyCharacters', reasonAtLeast(30), 'An eligibility finding needs a reason of at least 30 characters'),
    limitLengthened: lengthenLimit(selfRecommendation, 'publicNotice', 'publicNoticePeriod', { kind: 'workingDays', days: 7 }, 'Before appointment the decision is publicly noticed for at least 7 working days'),
  },
  clue: {
    stateRenamed: renameState(clue, 'verification', 'factFinding'),
    stateAdded: addStateAfter(clue, 'received', 'REGISTER', 'ledgerEntry', 'CONFIRM_LEDGER', { description: 'The clue is entered in the ledger' }),
    guardTightened: tightenGuard(clue, 'screening.collectiveReview', 'CHOOSE_DISPOSAL', 'reasonOfThirtyCharacters', reasonAtLeast(30), 'A disposal route needs a reason of at least 30 characters'),
    limitLengthened: lengthenLimit(clue, 'jointConference', 'clueConferenceDue', { kind: 'workingDays', days: 15 }, 'The joint work conference decides within 15 working days'),
  },
} satisfies Record<string, Record<string, CaseDefinition>>;
