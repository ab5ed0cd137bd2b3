/**
 * PROTOTYPES of fixes proposed for code outside bench/ (not run by default: `--only=prototypes`).
 * Each measures the current code against a prototype of the fix, both in the same run:
 * - applyEvent building its answer from what it already holds instead of re-reading the case;
 * - firing a ladder step with statements prepared once (src/deadlines/firing.ts).
 * The prototypes reach into the engine's private members: they prove a gain, they are not the fix.
 */
import path from 'node:path';
import type Database from 'better-sqlite3';
import type { AnyMachineSnapshot } from 'xstate';
import { closeDatabase, openDatabase, type CaseflowDb } from '../db';
import type { CaseRow } from '../db/schema';
import { caseDefinitions } from '../machines';
import type { Actor, CaseDefinition, DeadlineSpec, WarningLevel } from '../machines/types';
import { ManualClock } from '../src/clock';
import { DEADLINE_WORKER, fireDeadlineStep } from '../src/deadlines/firing';
import { stepMoment } from '../src/deadlines/ladder';
import { CaseEngine, type CaseworkerEvent } from '../src/engine/engine';
import { acceptedEvents } from '../src/engine/machineRuntime';
import type { Statements } from '../src/engine/store';
import { toCaseEventView, toCaseView, toDeadlineView, type DeadlineView } from '../src/engine/views';
import { CaseflowError } from '../src/errors';
import { defaultCalendar, type WorkingDayCalendar } from '../src/time';
import { median, pairedRatio, progress, timeSync, type BenchContext, type Figure } from './lib';
import { BareWriter, LIFE, benchEngine, digest, liaison, rectificationParsed, rectificationRequest, sequentialIds, supervisor } from './workload';

// ---------------------------------------------------------------- applyEvent without the re-read

interface EngineInternals {
  statements: Statements;
  writeSnapshot(definition: CaseDefinition, row: CaseRow, snapshot: AnyMachineSnapshot, json: string, state: string, now: number): void;
}

/**
 * applyEvent as proposed: the same write path (applyEventWithin), then the answer built from the
 * row, snapshot and event already in hand; only the deadline list is read again.
 */
function applyEventFromMemory(engine: CaseEngine, caseId: string, event: CaseworkerEvent, actor: Actor, lean = false) {
  const internals = engine as unknown as EngineInternals;
  let seen: { definition: CaseDefinition; row: CaseRow; snapshot: AnyMachineSnapshot; state: string; now: number } | undefined;
  const write = internals.writeSnapshot;
  internals.writeSnapshot = function (this: EngineInternals, definition, row, snapshot, json, state, now) {
    seen = { definition, row, snapshot, state, now };
    write.call(this, definition, row, snapshot, json, state, now);
  };
  try {
    const outcome = engine.db.transaction(() => engine.applyEventWithin(caseId, event, actor), { behavior: 'immediate' });
    if (!seen) throw new Error('prototype: writeSnapshot was not called');
    const { definition, row, snapshot, state, now } = seen;
    const fields = definition.index(snapshot.context);
    const closed = snapshot.status !== 'active';
    const next: CaseRow = { ...row, state, status: closed ? 'closed' : 'open', version: row.version + 1, unit: fields.unit, assignee: fields.assignee, subjectId: fields.subjectId, updatedAt: now, closedAt: closed ? now : null };
    const allowed = acceptedEvents(definition, snapshot).filter((type) => definition.events[type]?.roles.includes(actor.role));
    const { type, ...payload } = event;
    return {
      case: lean ? { ...toCaseView(next, snapshot, allowed, []), deadlines: checkedLean(engine, internals, caseId) } : toCaseView(next, snapshot, allowed, internals.statements.caseDeadlines.all({ caseId })),
      event: toCaseEventView({ id: outcome.eventId, caseId, version: next.version, kind: 'transition', type, actorId: actor.id, actorRole: actor.role, at: now, payload: JSON.stringify(payload), fromState: row.state, toState: state }),
    };
  } finally {
    internals.writeSnapshot = write;
  }
}

type LeanRow = {
  id: string; kind: string; basis: string; state_id: string; due_at: number; original_due_at: number; status: DeadlineView['status']; running: number;
  suspended_at: number | null; warning: DeadlineView['warning']; escalation_level: number; next_step: number; next_fire_at: number | null; lateness_ms: number | null; spec: string | null;
};
const leanStatements = new WeakMap<object, Database.Statement<[string], LeanRow>>();
const ladderNames = new Map<string, string[]>();

/**
 * The case's deadline views as proposed: one raw prepared statement (the spec text read only for
 * running rows), the ladder's step names parsed once per distinct spec.
 */
function leanDeadlineViews(engine: CaseEngine, caseId: string): DeadlineView[] {
  let statement = leanStatements.get(engine);
  if (!statement) {
    statement = engine.db.$client.prepare<[string], LeanRow>(
      `SELECT id, kind, basis, state_id, due_at, original_due_at, status, running, suspended_at, warning, escalation_level, next_step, next_fire_at, lateness_ms,
              CASE WHEN running = 1 THEN spec END AS spec
       FROM deadlines WHERE case_id = ? ORDER BY created_at`,
    );
    leanStatements.set(engine, statement);
  }
  return statement.all(caseId).map((r) => {
    let names: string[] | undefined;
    if (r.spec !== null) {
      names = ladderNames.get(r.spec);
      if (!names) ladderNames.set(r.spec, (names = (JSON.parse(r.spec) as DeadlineSpec).ladder.map((s) => s.name)));
    }
    return {
      id: r.id,
      kind: r.kind,
      basis: r.basis,
      state: r.state_id,
      dueAt: new Date(r.due_at).toISOString(),
      originalDueAt: new Date(r.original_due_at).toISOString(),
      status: r.status,
      running: r.running === 1,
      suspended: r.suspended_at !== null,
      warning: r.warning,
      escalationLevel: r.escalation_level,
      nextStep: names ? (names[r.next_step] ?? null) : null,
      nextFireAt: r.next_fire_at === null ? null : new Date(r.next_fire_at).toISOString(),
      latenessMs: r.lateness_ms,
    };
  });
}

let leanChecks = 0;

/** The lean views, compared with the engine's own for the first calls (the prototype must answer the same). */
function checkedLean(engine: CaseEngine, internals: EngineInternals, caseId: string): DeadlineView[] {
  const views = leanDeadlineViews(engine, caseId);
  if (leanChecks < 300) {
    leanChecks++;
    const expected = internals.statements.caseDeadlines.all({ caseId }).map(toDeadlineView);
    if (JSON.stringify(expected) !== JSON.stringify(views)) throw new Error(`prototype deadline views differ for ${caseId}`);
  }
  return views;
}

type Side = { name: string; ms: number; apply(id: string, step: (typeof LIFE)[number]): void; close(): void; digest(): string };

/** Runs the case life on every side, interleaved in chunks, on fresh files; returns transitions/s per side. */
function interleaved(dir: string, cases: number, kinds: readonly string[]): Record<string, { rate: number; digest: string }> {
  const sides: Side[] = kinds.map((name) => {
    const fx = benchEngine(dir, `${name}-${Date.now()}`);
    if (name === 'bare') {
      const bare = new BareWriter(fx.db.$client);
      const nextId = sequentialIds();
      let now = fx.clock.now();
      for (let i = 0; i < cases; i++) bare.createTx(nextId(), rectificationParsed(i), supervisor, now);
      return {
        name,
        ms: 0,
        apply: (id, step) => bare.applyTx(id, step.type, step.payload, step.actor, (now += 1000)),
        close: () => fx.close(),
        digest: () => digest(fx.db.$client),
      };
    }
    for (let i = 0; i < cases; i++) fx.engine.createCase({ type: 'rectification', input: rectificationRequest(i), actor: supervisor });
    return {
      name,
      ms: 0,
      apply: (id, step) => {
        fx.clock.advance(1000);
        const event = { type: step.type, ...step.payload };
        if (name === 'applyEvent') fx.engine.applyEvent(id, event, step.actor);
        else if (name === 'fromMemory') applyEventFromMemory(fx.engine, id, event, step.actor);
        else if (name === 'lean') applyEventFromMemory(fx.engine, id, event, step.actor, true);
        else fx.engine.db.transaction(() => fx.engine.applyEventWithin(id, event, step.actor), { behavior: 'immediate' });
      },
      close: () => fx.close(),
      digest: () => digest(fx.db.$client),
    };
  });
  const nextId = sequentialIds();
  const ids = Array.from({ length: cases }, () => nextId());
  let turn = 0;
  try {
    for (const step of LIFE) {
      for (let from = 0; from < cases; from += 100) {
        const slice = ids.slice(from, from + 100);
        for (let k = 0; k < sides.length; k++) {
          const side = sides[(k + turn) % sides.length]!;
          side.ms += timeSync(() => slice.forEach((id) => side.apply(id, step)));
        }
        turn++;
      }
    }
    return Object.fromEntries(sides.map((s) => [s.name, { rate: (cases * LIFE.length * 1000) / s.ms, digest: s.digest() }]));
  } finally {
    sides.forEach((s) => s.close());
  }
}

function transitionPrototypes(ctx: BenchContext): Figure[] {
  const cases = ctx.quick ? 400 : 1000;
  const runs = ctx.quick ? 3 : 5;
  const dir = ctx.tempDir('proto-transitions');
  const kinds = ['bare', 'applyEvent', 'fromMemory', 'lean', 'withinOnly'];
  interleaved(dir, 50, kinds);
  const rates: Record<string, number[]> = {};
  let same = true;
  for (let r = 0; r < runs; r++) {
    const res = interleaved(dir, cases, kinds);
    for (const k of kinds) (rates[k] ??= []).push(res[k]!.rate);
    same &&= kinds.every((k) => res[k]!.digest === res.bare!.digest);
    progress(`P transitions run ${r + 1}/${runs}: ${kinds.map((k) => `${k} ${Math.round(res[k]!.rate)}/s`).join(', ')}`);
  }
  const row = (name: string, cf: number[], bare: number[]): Figure => ({
    group: 'P1',
    name,
    unit: '/s',
    caseflow: median(cf),
    bare: median(bare),
    pairedRatio: pairedRatio(cf, bare),
    bareLabel: 'XState + prepared better-sqlite3',
    target: { kind: 'ratioAtLeast', min: 0.7 },
    runs: cf,
    bareRuns: bare,
    detail: { cases, transitions: cases * LIFE.length, sameRows: same },
  });
  return [
    row('transitions: applyEvent as it is', rates.applyEvent!, rates.bare!),
    row('transitions: applyEvent answering from memory (prototype)', rates.fromMemory!, rates.bare!),
    row('transitions: … and deadline views from one lean statement (prototype)', rates.lean!, rates.bare!),
    row('transitions: write path only, no answer (upper bound)', rates.withinOnly!, rates.bare!),
  ];
}

// ---------------------------------------------------------------- firing with prepared statements

const WARNING_ORDER: readonly (WarningLevel | 'none')[] = ['none', 'blue', 'yellow', 'red'];

type RawDeadline = {
  id: string; case_id: string; unit: string | null; kind: string; basis: string; time_zone: string; spec: string; base_at: number; due_at: number;
  status: string; running: number; warning: WarningLevel | 'none'; escalation_level: number; next_step: number; next_fire_at: number | null; schedule_rev: number; suspended_at: number | null;
};

/** fireDeadlineStep (src/deadlines/firing.ts) with every statement prepared once; same rows written. */
function preparedFiring(db: CaseflowDb, engine: CaseEngine, clock: ManualClock, calendar: WorkingDayCalendar) {
  const c = db.$client;
  const s = {
    row: c.prepare<[string], RawDeadline>('SELECT * FROM deadlines WHERE id = ?'),
    update: c.prepare('UPDATE deadlines SET next_step = ?, next_fire_at = ?, schedule_rev = ?, warning = ?, status = ?, escalation_level = ?, updated_at = ? WHERE id = ? AND schedule_rev = ?'),
    version: c.prepare<[string], number>('SELECT version FROM cases WHERE id = ?').pluck(),
    event: c.prepare(`INSERT INTO case_events (case_id, version, kind, type, actor_id, actor_role, at, payload, from_state, to_state) VALUES (?, ?, 'deadlineStep', ?, ?, ?, ?, ?, NULL, NULL)`),
    card: c.prepare('INSERT INTO warning_cards (deadline_id, case_id, unit, warning, step, issued_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING'),
    notice: c.prepare(`INSERT INTO notifications (case_id, deadline_id, step, recipient, warning, subject, body, status, attempts, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, 'pending', 0, ?) ON CONFLICT DO NOTHING`),
  };
  const specs = new Map<string, DeadlineSpec>();
  return c.transaction((deadlineId: string, rev: number): string => {
    const row = s.row.get(deadlineId);
    if (!row || !row.running || row.schedule_rev !== rev || row.next_fire_at === null || row.suspended_at !== null) return 'stale';
    const now = clock.now();
    if (now < row.next_fire_at) return 'early';
    let spec = specs.get(row.spec);
    if (!spec) specs.set(row.spec, (spec = JSON.parse(row.spec) as DeadlineSpec));
    const step = spec.ladder[row.next_step];
    if (!step) return 'stale';
    const nextFireAt = stepMoment({ spec, baseAt: row.base_at, dueAt: row.due_at, timeZone: row.time_zone }, row.next_step + 1, calendar);
    const warning = step.warning !== undefined && WARNING_ORDER.indexOf(step.warning) > WARNING_ORDER.indexOf(row.warning) ? step.warning : row.warning;
    s.update.run(row.next_step + 1, nextFireAt, rev + 1, warning, step.marksOverdue ? 'overdue' : row.status, row.escalation_level + (step.warning === 'red' ? 1 : 0), now, row.id, rev);
    const payload = JSON.stringify({
      deadlineId: row.id,
      deadlineKind: row.kind,
      step: step.name,
      warning: step.warning,
      dueAt: new Date(row.due_at).toISOString(),
      scheduledFor: new Date(row.next_fire_at).toISOString(),
      notified: step.notify,
    });
    s.event.run(row.case_id, s.version.get(row.case_id) ?? 0, `DEADLINE_${step.name.toUpperCase()}`, DEADLINE_WORKER.id, DEADLINE_WORKER.role, now, payload);
    if (step.warning) s.card.run(row.id, row.case_id, row.unit, step.warning, step.name, now);
    const due = new Date(row.due_at).toISOString();
    for (const recipient of step.notify) {
      s.notice.run(row.case_id, row.id, step.name, recipient, step.warning ?? null, `[${step.warning ?? 'notice'}] ${row.kind} of case ${row.case_id}: ${step.name}`, `${row.basis}. Due ${due}${row.unit ? `, unit ${row.unit}` : ''}.`, now);
    }
    if (step.sendsEvent) {
      try {
        db.transaction(() => engine.applyEventWithin(row.case_id, { type: step.sendsEvent!, deadlineKind: row.kind }, DEADLINE_WORKER));
      } catch (error) {
        if (!(error instanceof CaseflowError)) throw error;
      }
    }
    return 'fired';
  }).immediate;
}

function firingPrototypes(ctx: BenchContext): Figure[] {
  const n = ctx.quick ? 1000 : 2000;
  const runs = 3;
  const t0 = Date.parse('2026-11-25T12:00:00Z');
  const calendar = defaultCalendar();
  const build = (name: string) => {
    const db = openDatabase(path.join(ctx.tempDir('proto-firing'), `${name}.sqlite`));
    const clock = new ManualClock(t0);
    const engine = new CaseEngine({ db, clock, calendar, definitions: caseDefinitions, newCaseId: sequentialIds() });
    const airedAt = new Date(t0).toISOString();
    for (let i = 0; i < n; i++) {
      const opened = engine.createCase({ type: 'rectification', input: { unit: `Unit ${i % 200}`, report: 'r', airedAt, planDueMinutes: 1 }, actor: supervisor });
      engine.applyEvent(opened.id, { type: 'NOTIFY_UNIT', liaisonId: liaison.id }, supervisor);
    }
    const ids = (db.$client.prepare('SELECT id FROM deadlines WHERE running = 1 ORDER BY id').pluck().all() as string[]);
    return { db, clock, engine, ids, ms: { remind: 0, overdue: 0 } };
  };
  const rows: { current: number[]; prepared: number[]; currentOverdue: number[]; preparedOverdue: number[] } = { current: [], prepared: [], currentOverdue: [], preparedOverdue: [] };
  let same = true;
  for (let r = 0; r < runs; r++) {
    const cur = build(`current-${r}`);
    const pro = build(`prepared-${r}`);
    const fire = preparedFiring(pro.db, pro.engine, pro.clock, calendar);
    const deps = { db: cur.db, engine: cur.engine, clock: cur.clock, calendar };
    for (const [step, at, rev] of [['remind', t0 + 45_000, 1], ['overdue', t0 + 60_000, 2]] as const) {
      cur.clock.set(at);
      pro.clock.set(at);
      for (let from = 0; from < n; from += 100) {
        const slice = cur.ids.slice(from, from + 100);
        const a = () => (cur.ms[step] += timeSync(() => slice.forEach((id) => fireDeadlineStep(deps, id, rev))));
        const b = () => (pro.ms[step] += timeSync(() => slice.forEach((id) => fire(id, rev))));
        if ((from / 100) % 2) {
          a();
          b();
        } else {
          b();
          a();
        }
      }
    }
    same &&= digest(cur.db.$client) === digest(pro.db.$client);
    rows.current.push((n * 1000) / cur.ms.remind);
    rows.prepared.push((n * 1000) / pro.ms.remind);
    rows.currentOverdue.push((n * 1000) / cur.ms.overdue);
    rows.preparedOverdue.push((n * 1000) / pro.ms.overdue);
    progress(`P firing run ${r + 1}/${runs}: remind ${Math.round(rows.current[r]!)}/s → ${Math.round(rows.prepared[r]!)}/s prepared; overdue (+ machine event) ${Math.round(rows.currentOverdue[r]!)}/s → ${Math.round(rows.preparedOverdue[r]!)}/s; same rows: ${same}`);
    closeDatabase(cur.db);
    closeDatabase(pro.db);
  }
  const row = (name: string, cf: number[], base: number[]): Figure => ({
    group: 'P2',
    name,
    unit: 'steps/s',
    caseflow: median(cf),
    bare: median(base),
    pairedRatio: pairedRatio(cf, base),
    bareLabel: 'fireDeadlineStep as it is',
    target: { kind: 'none' },
    detail: { deadlines: n, sameRows: same },
    note: `no Redis: the firing transaction alone; the lateness run asks for ${Math.round(n / 3)} steps/s per step kind. Same rows written: ${same}`,
  });
  return [
    row('firing capacity, remind step: prepared statements (prototype) vs as it is', rows.prepared, rows.current),
    row('firing capacity, overdue step (+ DEADLINE_MISSED): prepared vs as it is', rows.preparedOverdue, rows.currentOverdue),
  ];
}

export function benchPrototypes(ctx: BenchContext): Figure[] {
  progress('P prototypes of proposed fixes (bench/prototypes.ts)');
  return [...transitionPrototypes(ctx), ...firingPrototypes(ctx)];
}
