/**
 * Generated data for the read-side and Redis benchmarks, written fast with bare prepared inserts
 * inside large transactions: cases spread over units, types and states, with closed (met, late)
 * and running (pending, overdue) deadlines and the warning cards their ladders issued.
 */
import type Database from 'better-sqlite3';
import { initialTransition, transition, type AnyStateMachine, type AnyStateNode, type EventObject } from 'xstate';
import { caseDefinitions, rectification } from '../machines';
import type { CaseDefinition, DeadlineSpec, StateMeta } from '../machines/types';
import { LIFE, rectificationParsed, supervisor, UNITS, unitName } from './workload';
import { seededRandom } from './lib';

const DAY = 86_400_000;
const PLACEHOLDER = '__CASE_ID__';

/** Persisted rectification snapshots (as JSON, with a placeholder id) at every stage of a case's life. */
function rectificationSnapshots(): string[] {
  const machine: AnyStateMachine = rectification.machine;
  const at = Date.parse('2026-11-25T12:10:00Z');
  let [snapshot] = initialTransition(machine, { ...rectificationParsed(0), caseId: PLACEHOLDER, openedAt: new Date(at).toISOString(), openedBy: supervisor });
  const out = [JSON.stringify(machine.getPersistedSnapshot(snapshot))];
  LIFE.forEach((step, i) => {
    const event = { ...step.payload, type: step.type, actor: step.actor, at: new Date(at + (i + 1) * 60_000).toISOString() } as EventObject;
    [snapshot] = transition(machine, snapshot, event);
    out.push(JSON.stringify(machine.getPersistedSnapshot(snapshot)));
  });
  return out;
}

interface StatePlace {
  /** The dotted state string stored in cases.state. */
  state: string;
  /** The id of the state node that declares the deadline. */
  stateId: string;
  spec: DeadlineSpec;
}

interface TypePlan {
  definition: CaseDefinition;
  /** States with a deadline, where an open case stands. */
  places: StatePlace[];
  /** Final states, where a closed case ends. */
  finals: string[];
}

/** Walks a machine's states: where deadlines run, and where cases end. */
function planOf(definition: CaseDefinition): TypePlan {
  const places: StatePlace[] = [];
  const finals: string[] = [];
  const walk = (node: AnyStateNode) => {
    const children = Object.values(node.states ?? {}) as AnyStateNode[];
    const name = node.path.join('.');
    if (node.type === 'final' && name) finals.push(name);
    for (const spec of (node.meta as StateMeta | undefined)?.deadlines ?? []) {
      // an open case stands in a leaf under the declaring node
      let leaf = node;
      while (leaf.initial && leaf.states) {
        const target = (leaf.initial as { target: readonly AnyStateNode[] }).target[0];
        if (!target) break;
        leaf = target;
      }
      places.push({ state: leaf.path.join('.'), stateId: node.id, spec });
    }
    children.forEach(walk);
  };
  walk(definition.machine.root as AnyStateNode);
  if (!places.length || !finals.length) throw new Error(`case type ${definition.type} declares no deadlines or no final state`);
  return { definition, places, finals };
}

export interface SupervisionCounts {
  cases: number;
  openCases: number;
  deadlines: number;
  runningDeadlines: number;
  overdueRunning: number;
  closedDeadlines: number;
  warningCards: number;
}

/**
 * Writes `n` cases with a realistic spread: created over the past year; older cases mostly closed
 * (1–3 deadlines met or late); open ones in a state with a running deadline, pending or overdue;
 * blue, yellow and red cards for the ladder steps that fired. Units are skewed (a few big ones).
 */
export function generateSupervisionData(client: Database.Database, n: number, now: number, report?: (done: number) => void): SupervisionCounts {
  const random = seededRandom(20261125);
  const plans = caseDefinitions.map(planOf);
  const typeWeights = [0.45, 0.2, 0.35]; // clue, selfRecommendation, rectification (in caseDefinitions order)
  const snapshots = rectificationSnapshots();
  const specJson = new Map<DeadlineSpec, string>();
  const jsonOf = (spec: DeadlineSpec) => {
    let s = specJson.get(spec);
    if (!s) specJson.set(spec, (s = JSON.stringify(spec)));
    return s;
  };
  const insertCase = client.prepare(
    `INSERT INTO cases (id, type, machine_version, state, status, snapshot, version, unit, assignee, subject_id, time_zone, created_by, created_at, updated_at, closed_at)
     VALUES (?, ?, 1, ?, ?, ?, ?, ?, ?, ?, 'Asia/Shanghai', ?, ?, ?, ?)`,
  );
  const insertDeadline = client.prepare(
    `INSERT INTO deadlines (id, case_id, case_type, unit, kind, owner, state_id, basis, time_zone, spec, period, base_at, original_due_at, due_at, status, running, warning,
       escalation_level, next_step, next_fire_at, schedule_rev, dispatched_rev, suspended_at, closed_at, lateness_ms, created_at, updated_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'Asia/Shanghai', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, ?, ?, ?, ?)`,
  );
  const insertCard = client.prepare('INSERT INTO warning_cards (deadline_id, case_id, unit, warning, step, issued_at) VALUES (?, ?, ?, ?, ?, ?)');
  const counts: SupervisionCounts = { cases: 0, openCases: 0, deadlines: 0, runningDeadlines: 0, overdueRunning: 0, closedDeadlines: 0, warningCards: 0 };

  const pickType = (): TypePlan => {
    const r = random();
    let acc = 0;
    for (let i = 0; i < plans.length; i++) {
      acc += typeWeights[i] ?? 0;
      if (r < acc) return plans[i]!;
    }
    return plans[plans.length - 1]!;
  };

  const writeOne = (i: number) => {
    const plan = pickType();
    const type = plan.definition.type;
    const id = `${type.slice(0, 2).toUpperCase()}-BENCH-${i.toString(32).toUpperCase().padStart(10, '0')}`;
    const unit = unitName(Math.floor(UNITS * random() ** 2));
    const createdAt = now - Math.floor(random() * 365 * DAY);
    const age = now - createdAt;
    const closed = random() < 1 - Math.exp(-age / (30 * DAY));
    let version = 1;
    let deadlineNo = 0;
    const card = (deadlineId: string, warning: string, step: string, at: number) => {
      insertCard.run(deadlineId, id, unit, warning, step, at);
      counts.warningCards++;
    };
    // closed deadlines: 1–3 for a closed case, 0–2 before the current state of an open one
    const closedCount = closed ? 1 + Math.floor(random() * 3) : Math.floor(random() * 3);
    let t = createdAt;
    const horizon = closed ? Math.min(now, createdAt + Math.floor((0.2 + random()) * 45 * DAY)) : now;
    const rows: (() => void)[] = [];
    for (let k = 0; k < closedCount; k++) {
      const place = plan.places[Math.floor(random() * plan.places.length)]!;
      const start = t;
      const closedAt = Math.min(horizon, start + Math.floor(random() * 20 * DAY) + 60_000);
      const late = random() < 0.2;
      const dueAt = late ? closedAt - Math.floor(random() * 10 * DAY) - 60_000 : closedAt + Math.floor(random() * 10 * DAY);
      const deadlineId = `${id}~${place.spec.kind}~${++deadlineNo + 1}`;
      const steps = late ? (random() < 0.4 ? 3 : 2) : random() < 0.5 ? 1 : 0;
      const warning = ['none', 'blue', 'yellow', 'red'][steps]!;
      rows.push(() => {
        insertDeadline.run(deadlineId, id, type, unit, place.spec.kind, place.spec.owner, place.stateId, place.spec.basis, jsonOf(place.spec), place.spec.period ? 1 : 0, start, dueAt, dueAt,
          late ? 'overdue' : 'met', 0, warning, steps === 3 ? 1 : 0, steps, null, steps + 1, steps + 1, closedAt, closedAt - dueAt, start, closedAt);
        if (steps >= 1) card(deadlineId, 'blue', 'remind', Math.max(start, dueAt - DAY));
        if (steps >= 2) card(deadlineId, 'yellow', 'overdue', dueAt);
        if (steps >= 3) card(deadlineId, 'red', 'escalate', dueAt + 3_600_000);
        counts.closedDeadlines++;
      });
      t = closedAt;
      version += 1 + Math.floor(random() * 3);
    }
    let state: string;
    if (closed) {
      state = plan.finals[Math.floor(random() * plan.finals.length)]!;
    } else {
      const place = plan.places[Math.floor(random() * plan.places.length)]!;
      state = place.state;
      const start = Math.min(t, now - 60_000);
      const dueAt = start + Math.floor((3 + random() * 60) * DAY);
      const overdue = dueAt < now;
      const escalated = overdue && now > dueAt + 3_600_000 && random() < 0.5;
      const remindAt = start + Math.round(0.75 * (dueAt - start));
      const reminded = now >= remindAt;
      const nextStep = escalated ? 3 : overdue ? 2 : reminded ? 1 : 0;
      const nextFireAt = nextStep === 0 ? remindAt : nextStep === 1 ? dueAt : nextStep === 2 ? dueAt + 3_600_000 : null;
      const warning = ['none', 'blue', 'yellow', 'red'][nextStep]!;
      const deadlineId = `${id}~${place.spec.kind}~${version + closedCount + 1}`;
      rows.push(() => {
        insertDeadline.run(deadlineId, id, type, unit, place.spec.kind, place.spec.owner, place.stateId, place.spec.basis, jsonOf(place.spec), place.spec.period ? 1 : 0, start, dueAt, dueAt,
          overdue ? 'overdue' : 'pending', 1, warning, escalated ? 1 : 0, nextStep, nextFireAt, nextStep + 1, nextStep + 1, null, null, start, now);
        if (nextStep >= 1) card(deadlineId, 'blue', 'remind', remindAt);
        if (nextStep >= 2) card(deadlineId, 'yellow', 'overdue', dueAt);
        if (nextStep >= 3) card(deadlineId, 'red', 'escalate', dueAt + 3_600_000);
        counts.runningDeadlines++;
        if (overdue) counts.overdueRunning++;
      });
      counts.openCases++;
    }
    const snapshot = snapshots[Math.min(snapshots.length - 1, version - 1)]!.split(PLACEHOLDER).join(id);
    const updatedAt = closed ? horizon : Math.max(createdAt, t);
    insertCase.run(id, type, state, closed ? 'closed' : 'open', snapshot, version, unit, `officer.${Math.floor(random() * 2000)}`, null, 'wang.fang', createdAt, updatedAt, closed ? horizon : null);
    for (const row of rows) row();
    counts.cases++;
    counts.deadlines += rows.length;
  };

  const batch = 20_000;
  const writeBatch = client.transaction((from: number, to: number) => {
    for (let i = from; i < to; i++) writeOne(i);
  });
  for (let from = 0; from < n; from += batch) {
    writeBatch(from, Math.min(n, from + batch));
    report?.(Math.min(n, from + batch));
  }
  return counts;
}

/** The planDue deadline spec rows carry for pending-deadline data sets. */
function planDueSpec(): { stateId: string; spec: DeadlineSpec } {
  const place = planOf(rectification).places.find((p) => p.spec.kind === 'rectificationPlanDue');
  if (!place) throw new Error('the rectification machine declares no rectificationPlanDue deadline');
  return { stateId: place.stateId, spec: place.spec };
}

/**
 * Writes `n` open rectification cases, each with one running deadline whose next step fires at
 * `fireAt(i)`. `dispatched` says whether the rows are already in Redis (dispatched_rev = schedule_rev).
 * Returns the deadline ids in order.
 */
export function generatePendingDeadlines(
  client: Database.Database,
  n: number,
  options: { now: number; fireAt: (i: number) => number; dispatched: boolean; idPrefix?: string },
  report?: (done: number) => void,
): string[] {
  const { stateId, spec } = planDueSpec();
  const specText = JSON.stringify(spec);
  const snapshot = rectificationSnapshots()[1]!;
  const insertCase = client.prepare(
    `INSERT INTO cases (id, type, machine_version, state, status, snapshot, version, unit, assignee, subject_id, time_zone, created_by, created_at, updated_at, closed_at)
     VALUES (?, 'rectification', 1, 'planDue', 'open', ?, 2, ?, 'zhou.min', NULL, 'Asia/Shanghai', 'li.wei', ?, ?, NULL)`,
  );
  const insertDeadline = client.prepare(
    `INSERT INTO deadlines (id, case_id, case_type, unit, kind, state_id, basis, time_zone, spec, base_at, original_due_at, due_at, status, running, warning,
       escalation_level, next_step, next_fire_at, schedule_rev, dispatched_rev, suspended_at, closed_at, lateness_ms, created_at, updated_at)
     VALUES (?, ?, 'rectification', ?, ?, ?, ?, 'Asia/Shanghai', ?, ?, ?, ?, 'pending', 1, 'none', 0, 0, ?, 1, ?, NULL, NULL, NULL, ?, ?)`,
  );
  const ids: string[] = [];
  const prefix = options.idPrefix ?? 'RC-PENDING-';
  const writeBatch = client.transaction((from: number, to: number) => {
    for (let i = from; i < to; i++) {
      const caseId = `${prefix}${i.toString(32).toUpperCase().padStart(10, '0')}`;
      const unit = unitName(i);
      const fireAt = options.fireAt(i);
      insertCase.run(caseId, snapshot.split(PLACEHOLDER).join(caseId), unit, options.now, options.now);
      const deadlineId = `${caseId}~${spec.kind}~2`;
      insertDeadline.run(deadlineId, caseId, unit, spec.kind, stateId, spec.basis, specText, fireAt, fireAt, fireAt, fireAt, options.dispatched ? 1 : null, options.now, options.now);
      ids.push(deadlineId);
    }
  });
  const batch = 20_000;
  for (let from = 0; from < n; from += batch) {
    writeBatch(from, Math.min(n, from + batch));
    report?.(Math.min(n, from + batch));
  }
  return ids;
}
