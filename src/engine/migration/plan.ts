/**
 * `migrate plan`, purely: what moving one open case to another machine version and/or office policy
 * would do, found by replaying its log (replay.ts) without writing. Per case: whether it stays in the
 * same state, the logged events the new machine would refuse, each running deadline whose due moment
 * moves (by how much, and whether it becomes late or stops being late at `now`), and whether its state
 * still exists — so it is marked safe, or the plan names what a person must decide. The plan carries
 * a digest of every case's chain head and version, the target version and the policy, so that
 * `migrate apply` can refuse a plan made before a case's log moved on.
 */
import { createHash } from 'node:crypto';
import { canonicalize } from 'json-canonicalize';
import type { CaseEventRecord, CaseRecord, ChainHead, DeadlineRecord } from '../../../db/records';
import type { CaseDefinition, DeadlineLimit, DeadlineSpec } from '../../../machines/types';
import type { OfficePolicy } from '../../officePolicy';
import { carryCase } from './carry';
import { replayCase, unreplayable, type Refusal, type Replayed, type ReplaySetting } from './replay';

/** Where a migration goes: a case type's machine version, under an office policy, with state mappings. */
export interface MigrationTarget {
  type: string;
  toVersion: number;
  policy: OfficePolicy;
  /** A person's answer for a state that no longer exists (or that the replay leaves): `oldState → newState`. */
  map: Readonly<Record<string, string>>;
}

/** What happens to one deadline of a case. */
export type DeadlineChangeKind = 'unchanged' | 'moved' | 'respecified' | 'opened' | 'closed';

/** One running deadline before and after, as a person reads it. */
export interface DeadlineChange {
  deadlineId: string;
  kind: string;
  change: DeadlineChangeKind;
  /** Due now (null for a deadline the new rules open). */
  dueAt: string | null;
  /** Due under the new rules (null for one they close); an extension granted keeps its length. */
  newDueAt: string | null;
  /** How far the due moment moves, in ms (0 when it stays; null when opened or closed). */
  moveMs: number | null;
  /** The move in words, e.g. `+2 working days`, `+30 min`. */
  move: string;
  /** The rule it runs by under the new rules (or ran by, when closed). */
  basis: string;
  period: boolean;
  /** Late at the plan's moment under the current rules, and under the new ones. */
  lateNow: boolean;
  lateAfter: boolean;
  becomesLate: boolean;
  stopsBeingLate: boolean;
}

/** What the plan says of one case. */
export interface CasePlan {
  caseId: string;
  unit: string | null;
  fromVersion: number;
  toVersion: number;
  /** The case's log head when planned: apply refuses the case if it moved on. */
  head: ChainHead;
  fromState: string;
  /** Where the replay leaves the case (null when it cannot be replayed). */
  toState: string | null;
  sameState: boolean;
  /** The case's state is not a state of the new machine. */
  stateGone: boolean;
  /** `migrate` (another version), `policyChange` (deadlines move under the new policy), or `none` (already there). */
  action: 'migrate' | 'policyChange' | 'none';
  refusals: Refusal[];
  /** Every running deadline's change (`unchanged` ones included). */
  deadlines: DeadlineChange[];
  /** Nothing for a person to decide: apply moves it. */
  safe: boolean;
  /** What a person must decide before this case moves, in words. */
  decide: string[];
  /** Apply moves it when it is listed by name (`--cases`): its only question was answered by listing it. */
  applicableWhenListed: boolean;
}

/** A plan over every open case of a type. */
export interface MigrationPlan {
  type: string;
  toVersion: number;
  map: Record<string, string>;
  /** The office policy the plan was made under (apply uses it again). */
  policy: OfficePolicy;
  policyDigest: string;
  /** The moment lateness was judged at (ISO 8601). */
  madeAt: string;
  /** SHA-256 over the target, the policy, the map and each case's id, version and chain head. */
  digest: string;
  summary: MigrationSummary;
  cases: CasePlan[];
}

export interface MigrationSummary {
  cases: number;
  safe: number;
  toDecide: number;
  unchanged: number;
  deadlinesMoved: number;
  becomeLate: number;
  stopBeingLate: number;
}

/** A case's plan with what apply needs to write it: the replay and each deadline's pairing. */
export interface CaseMigration {
  plan: CasePlan;
  replayed: Replayed | null;
  pairs: DeadlinePair[];
}

/** A stored running deadline and its replayed counterpart (by kind), with its new due moment. */
export interface DeadlinePair {
  stored: DeadlineRecord | null;
  replayed: DeadlineRecord | null;
  newDueAt: number | null;
  change: DeadlineChangeKind;
}

/** What planning one case reads. */
export interface CaseFacts {
  row: CaseRecord;
  head: ChainHead;
  /** The whole log, oldest first. */
  log: readonly CaseEventRecord[];
  /** The case's running deadlines. */
  running: readonly DeadlineRecord[];
}

const sha256 = (value: unknown): string => createHash('sha256').update(canonicalize(value)).digest('hex');

/** The digest of an office policy. */
export const policyDigestOf = (policy: OfficePolicy): string => sha256(policy);

/** The digest of a plan over `cases`: what apply compares before it writes. */
export function planDigestOf(target: MigrationTarget, cases: readonly Pick<CasePlan, 'caseId' | 'fromVersion' | 'head'>[]): string {
  return sha256({
    type: target.type,
    toVersion: target.toVersion,
    policy: policyDigestOf(target.policy),
    map: target.map,
    cases: cases.map((c) => [c.caseId, c.fromVersion, c.head.seq, c.head.hash]),
  });
}

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());
/** What the plan reads from a deadline's stored spec text: its canonical form and its limit. */
interface SpecText {
  canonical: string;
  limit: DeadlineSpec['limit'];
}

/**
 * The spec texts read lately, each parsed once: a pure cache (text → what it says; a module-level
 * LRU, bounded), since the cases of a plan share a handful of specs and each running deadline's would
 * otherwise be parsed and canonicalized again for every case.
 */
const SPEC_TEXTS = 256;
const specTexts = new Map<string, SpecText>();

function specText(text: string): SpecText {
  let found = specTexts.get(text);
  if (found) {
    // the newest last: a Map keeps insertion order, so the first key is the one read longest ago
    specTexts.delete(text);
  } else {
    const spec = JSON.parse(text) as DeadlineSpec;
    found = { canonical: canonicalize(spec), limit: spec.limit };
    if (specTexts.size >= SPEC_TEXTS) specTexts.delete(specTexts.keys().next().value!);
  }
  specTexts.set(text, found);
  return found;
}

const sameJson = (a: string, b: string): boolean => a === b || specText(a).canonical === specText(b).canonical;
const isLate = (row: Pick<DeadlineRecord, 'period' | 'status' | 'dueAt'>, dueAt: number, now: number): boolean => !row.period && (row.status === 'overdue' || now > dueAt);

/** The words for a move of `ms` between deadlines run by `before` and `after`. */
function moveInWords(ms: number, before: DeadlineLimit | { kind: 'until' }, after: DeadlineLimit | { kind: 'until' }): string {
  if (ms === 0) return '';
  if (before.kind === 'workingDays' && after.kind === 'workingDays' && before.days !== after.days) {
    const days = after.days - before.days;
    return `${days > 0 ? '+' : '−'}${Math.abs(days)} working day${Math.abs(days) === 1 ? '' : 's'}`;
  }
  const sign = ms > 0 ? '+' : '−';
  let minutes = Math.round(Math.abs(ms) / 60_000);
  const days = Math.floor(minutes / 1440);
  minutes -= days * 1440;
  const hours = Math.floor(minutes / 60);
  minutes -= hours * 60;
  return `${sign}${[days ? `${days} d` : '', hours ? `${hours} h` : '', minutes ? `${minutes} min` : ''].filter(Boolean).join(' ') || '<1 min'}`;
}

const limitOf = (row: DeadlineRecord): DeadlineSpec['limit'] => specText(row.spec).limit;

/** Pairs the stored running deadlines with the replay's by kind, and says what changes for each. */
export function pairDeadlines(stored: readonly DeadlineRecord[], replayed: readonly DeadlineRecord[]): DeadlinePair[] {
  const left = [...replayed];
  const pairs: DeadlinePair[] = [];
  for (const row of stored) {
    const i = left.findIndex((r) => r.kind === row.kind);
    if (i === -1) {
      pairs.push({ stored: row, replayed: null, newDueAt: null, change: 'closed' });
      continue;
    }
    const [match] = left.splice(i, 1);
    // an extension granted (or a stop of the clock) keeps its length under the new rules
    const newDueAt = match!.originalDueAt + (row.dueAt - row.originalDueAt);
    const respecified = !sameJson(row.spec, match!.spec) || row.stateId !== match!.stateId || row.baseAt !== match!.baseAt;
    pairs.push({ stored: row, replayed: match!, newDueAt, change: newDueAt !== row.dueAt ? 'moved' : respecified ? 'respecified' : 'unchanged' });
  }
  for (const row of left) pairs.push({ stored: null, replayed: row, newDueAt: row.dueAt, change: 'opened' });
  return pairs;
}

function describePair(pair: DeadlinePair, now: number): DeadlineChange {
  const { stored, replayed, newDueAt } = pair;
  const shape = (replayed ?? stored)!;
  const lateNow = stored ? isLate(stored, stored.dueAt, now) : false;
  const lateAfter = newDueAt !== null && !shape.period && now > newDueAt;
  const moveMs = stored && newDueAt !== null ? newDueAt - stored.dueAt : null;
  return {
    deadlineId: (stored ?? replayed)!.id,
    kind: shape.kind,
    change: pair.change,
    dueAt: iso(stored?.dueAt ?? null),
    newDueAt: iso(newDueAt),
    moveMs,
    move: moveMs !== null && stored && replayed ? moveInWords(moveMs, limitOf(stored), limitOf(replayed)) : pair.change,
    basis: shape.basis,
    period: shape.period,
    lateNow,
    lateAfter,
    becomesLate: !lateNow && lateAfter && pair.change !== 'closed',
    stopsBeingLate: lateNow && !lateAfter && pair.change !== 'closed',
  };
}

/** True when `state` (dotted, parallel regions comma-separated) names states of `definition`'s machine. */
export function stateExists(definition: CaseDefinition, state: string): boolean {
  return state.split(',').every((path) => {
    try {
      definition.machine.getStateNodeById(`${definition.machine.id}.${path}`);
      return true;
    } catch {
      return false;
    }
  });
}

/** Plans one open case's move to `target` under `setting` (the target's definition and policy), judged at `now`. */
export function planCase(facts: CaseFacts, target: MigrationTarget, setting: ReplaySetting, now: number): CaseMigration {
  const { row, head, log } = facts;
  const base = { caseId: row.id, unit: row.unit, fromVersion: row.machineVersion, toVersion: target.toVersion, head, fromState: row.state };
  const cannot = unreplayable(log);
  if (cannot) return carryPlan(facts, target, setting, now, cannot);
  const replayed = replayCase(setting, row, log);
  const pairs = pairDeadlines(facts.running, replayed.running);
  const deadlines = pairs.map((p) => describePair(p, now));
  const stateGone = !stateExists(setting.definition, row.state);
  const sameState = replayed.state === row.state;
  const decide: string[] = [];
  let listable = true;
  for (const refusal of replayed.refusals) {
    decide.push(`The new machine would refuse ${refusal.event} of ${refusal.at} (${refusal.code}): ${refusal.message}`);
    listable = false;
  }
  if (replayed.snapshot.status !== 'active') {
    decide.push(`The new machine would close the case (in "${replayed.state}"); an open case is not closed by a migration.`);
    listable = false;
  }
  const mapped = target.map[row.state];
  if (!sameState && replayed.refusals.length === 0 && replayed.snapshot.status === 'active' && mapped !== replayed.state) {
    const where = stateGone ? `State "${row.state}" no longer exists` : `The case is in "${row.state}"`;
    decide.push(
      mapped === undefined
        ? `${where}; the replay lands in "${replayed.state}": confirm with --map ${row.state}=${replayed.state}.`
        : `${where}; it is mapped to "${mapped}" but the replay lands in "${replayed.state}": correct the mapping or decide by hand.`,
    );
    listable = false;
  }
  for (const d of deadlines) {
    if (d.stopsBeingLate) decide.push(`${d.kind} lapsed under the current rules (due ${d.dueAt}) and would not be late under the new ones (due ${d.newDueAt}); if applied it stays counted late: list the case to apply it.`);
  }
  const moves = deadlines.some((d) => d.change !== 'unchanged');
  const action = row.machineVersion !== target.toVersion ? 'migrate' : moves || !sameState || replayed.refusals.length ? 'policyChange' : 'none';
  const plan: CasePlan = {
    ...base,
    toState: replayed.state,
    sameState,
    stateGone,
    action,
    refusals: replayed.refusals,
    deadlines,
    safe: action !== 'none' && decide.length === 0,
    decide,
    applicableWhenListed: action !== 'none' && listable,
  };
  return { plan, replayed, pairs };
}

/**
 * The plan for a case whose log cannot be replayed: carried over in its state (or the one `--map`
 * names) with its context as stored, its deadlines planned again. Never safe: a person lists it.
 */
function carryPlan(facts: CaseFacts, target: MigrationTarget, setting: ReplaySetting, now: number, why: string): CaseMigration {
  const { row, head } = facts;
  const toState = target.map[row.state] ?? row.state;
  const stateGone = !stateExists(setting.definition, row.state);
  const carried = stateExists(setting.definition, toState) ? carryCase(setting, row, facts.running, toState, now) : null;
  const base = { caseId: row.id, unit: row.unit, fromVersion: row.machineVersion, toVersion: target.toVersion, head, fromState: row.state, refusals: [] };
  if (!carried) {
    const plan: CasePlan = {
      ...base,
      toState: null,
      sameState: false,
      stateGone,
      action: 'migrate',
      deadlines: [],
      safe: false,
      decide: [
        `The case cannot be replayed (${why}), and the new machine has no state "${toState}" to carry it over in: ` +
          `map it to one with --map ${row.state}=STATE, or leave it on version ${row.machineVersion}.`,
      ],
      applicableWhenListed: false,
    };
    return { plan, replayed: null, pairs: [] };
  }
  const pairs = pairDeadlines(facts.running, carried.running);
  const deadlines = pairs.map((p) => describePair(p, now));
  const moves = deadlines.some((d) => d.change !== 'unchanged');
  const action = row.machineVersion !== target.toVersion || toState !== row.state ? 'migrate' : moves ? 'policyChange' : 'none';
  const plan: CasePlan = {
    ...base,
    toState,
    sameState: toState === row.state,
    stateGone,
    action,
    deadlines,
    safe: false,
    decide:
      action === 'none'
        ? []
        : [
            `The case cannot be replayed (${why}): its earlier events are not checked against the new machine. ` +
              `It would be carried over in "${toState}" with its context as stored and its deadlines planned again; list it (--cases ${row.id}) to move it.`,
          ],
    applicableWhenListed: action !== 'none',
  };
  return { plan, replayed: carried, pairs };
}

/** The plan over `cases` (each planned with `planCase`). */
export function assemblePlan(target: MigrationTarget, cases: readonly CasePlan[], now: number): MigrationPlan {
  const all = cases.flatMap((c) => c.deadlines);
  return {
    type: target.type,
    toVersion: target.toVersion,
    map: { ...target.map },
    policy: target.policy,
    policyDigest: policyDigestOf(target.policy),
    madeAt: new Date(now).toISOString(),
    digest: planDigestOf(target, cases),
    summary: {
      cases: cases.length,
      safe: cases.filter((c) => c.safe).length,
      toDecide: cases.filter((c) => c.decide.length > 0).length,
      unchanged: cases.filter((c) => c.action === 'none').length,
      deadlinesMoved: all.filter((d) => d.change === 'moved').length,
      becomeLate: all.filter((d) => d.becomesLate).length,
      stopBeingLate: all.filter((d) => d.stopsBeingLate).length,
    },
    cases: [...cases],
  };
}
