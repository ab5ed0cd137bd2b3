/**
 * PROTOTYPES of fixes proposed for code outside bench/ (not run by default: `--only=prototypes`).
 * Each measures the current code against a prototype of the fix, both in the same run:
 * - applyEvent's write path alone (no answer), and with its answer's deadline views read by one
 *   lean raw statement instead of the repository's full rows;
 * - firing a ladder step with raw statements prepared once instead of through the store's
 *   repositories (`engine.deadlines.fire`).
 * The prototypes are rebuilt from the engine's exported parts (EngineCore, decideEvent, the policy):
 * they prove a gain, they are not the fix.
 */
import type Database from 'better-sqlite3';
import type { Tx } from '../db/port';
import type { DeadlineRecord } from '../db/records';
import { caseDefinitions } from '../machines';
import type { Actor, DeadlineSpec, WarningLevel } from '../machines/types';
import { LocalEventBus } from '../src/bus';
import { ManualClock } from '../src/clock';
import { stepMoment } from '../src/deadlines/ladder';
import { canonicalActor, EngineCore } from '../src/engine/core';
import { DEADLINE_WORKER } from '../src/engine/deadlineCommands';
import { decideEvent, restoreCase, type CaseworkerEvent } from '../src/engine/decide';
import { acceptedEvents } from '../src/engine/machineRuntime';
import { authorizeCase, authorizeEvent, sendableEvents } from '../src/engine/policy';
import { toCaseEventView, toCaseView, toDeadlineView, type DeadlineView } from '../src/engine/views';
import { defaultCalendar, type WorkingDayCalendar } from '../src/time';
import { median, pairedRatio, progress, timeAsync, type BenchContext, type Figure } from './lib';
import { BareWriter, LIFE, bareDatabase, benchEngine, digest, liaison, rectificationParsed, rectificationRequest, sequentialIds, supervisor, type BenchCaseflow } from './workload';

// ---------------------------------------------------------------- applyEvent: the write path, and a lean answer

/** An engine core of its own over the bench caseflow's store and clock (the engine keeps its core private). */
function coreOf(fx: BenchCaseflow): EngineCore {
  return new EngineCore({ store: fx.cf.store, clock: fx.clock, calendar: fx.cf.calendar, definitions: caseDefinitions, bus: new LocalEventBus() });
}

/**
 * applyEvent's transaction as the engine runs it (load, policy, decide, one writer), with the answer
 * left out (`answer: 'none'`, the upper bound) or built with lean deadline views (`answer: 'lean'`).
 */
async function applyEventPrototype(core: EngineCore, client: Database.Database, caseId: string, event: CaseworkerEvent, actor: Actor, answer: 'none' | 'lean'): Promise<unknown> {
  const sender = canonicalActor(actor);
  const now = core.clock.now();
  return core.store.withTransaction(async (tx) => {
    const row = await tx.cases.byId(caseId);
    authorizeCase(sender, row, caseId, `send ${event.type} on`);
    const definition = core.definitionOf(row!);
    authorizeEvent(definition, sender, event.type);
    const transition = decideEvent(
      core.decideContext(now),
      { definition, row: row!, snapshot: restoreCase(definition, row!), running: await tx.deadlines.runningOfCase(caseId) },
      event,
      sender,
    );
    const [eventId] = await core.write(tx, transition.plan);
    if (answer === 'none') return eventId;
    const allowed = sendableEvents(definition, acceptedEvents(definition, transition.snapshot), sender);
    return {
      case: { ...toCaseView(transition.row, transition.snapshot, allowed, [], defaultCalendar()), deadlines: await checkedLean(tx, client, caseId) },
      event: toCaseEventView({ ...transition.plan.log[0]!, id: eventId! }),
    };
  });
}

type LeanRow = {
  id: string; kind: string; basis: string; state_id: string; due_at: number; original_due_at: number; status: DeadlineView['status']; running: number;
  suspended_at: number | null; warning: DeadlineView['warning']; escalation_level: number; next_step: number; next_fire_at: number | null; lateness_ms: number | null; spec: string | null;
};
const leanStatements = new WeakMap<Database.Database, Database.Statement<[string], LeanRow>>();
const ladderNames = new Map<string, string[]>();

/**
 * The case's deadline views as proposed: one raw prepared statement (the spec text read only for
 * running rows), the ladder's step names parsed once per distinct spec.
 */
function leanDeadlineViews(client: Database.Database, caseId: string): DeadlineView[] {
  let statement = leanStatements.get(client);
  if (!statement) {
    statement = client.prepare<[string], LeanRow>(
      `SELECT id, kind, basis, state_id, due_at, original_due_at, status, running, suspended_at, warning, escalation_level, next_step, next_fire_at, lateness_ms,
              CASE WHEN running = 1 THEN spec END AS spec
       FROM deadlines WHERE case_id = ? ORDER BY created_at, rowid`,
    );
    leanStatements.set(client, statement);
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
      provisional: null,
    };
  });
}

let leanChecks = 0;

/** The lean views, compared with the engine's own for the first calls (the prototype must answer the same). */
async function checkedLean(tx: Tx, client: Database.Database, caseId: string): Promise<DeadlineView[]> {
  const views = leanDeadlineViews(client, caseId);
  if (leanChecks < 300) {
    leanChecks++;
    // the raw statement runs on the store's own connection, inside the caller's transaction
    const expected = (await tx.deadlines.ofCase(caseId)).map((d) => toDeadlineView(d, defaultCalendar()));
    if (JSON.stringify(expected) !== JSON.stringify(views)) throw new Error(`prototype deadline views differ for ${caseId}`);
  }
  return views;
}

type Side = { name: string; ms: number; apply(id: string, step: (typeof LIFE)[number]): Promise<unknown> | void; close(): Promise<void> | void; digest(): string };

/** Runs the case life on every side, interleaved in chunks, on fresh files; returns transitions/s per side. */
async function interleaved(dir: string, cases: number, kinds: readonly string[]): Promise<Record<string, { rate: number; digest: string }>> {
  const sides: Side[] = [];
  for (const name of kinds) {
    if (name === 'bare') {
      const bf = bareDatabase(dir, `${name}-${Date.now()}`);
      const bare = new BareWriter(bf.client);
      const nextId = sequentialIds();
      let now = bf.start;
      for (let i = 0; i < cases; i++) bare.createTx(nextId(), rectificationParsed(i), supervisor, now);
      sides.push({
        name,
        ms: 0,
        apply: (id, step) => bare.applyTx(id, step.type, step.payload, step.actor, (now += 1000)),
        close: () => bf.close(),
        digest: () => digest(bf.client),
      });
      continue;
    }
    const fx = benchEngine(dir, `${name}-${Date.now()}`);
    const core = coreOf(fx);
    for (let i = 0; i < cases; i++) await fx.engine.createCase({ type: 'rectification', input: rectificationRequest(i), actor: supervisor });
    sides.push({
      name,
      ms: 0,
      apply: (id, step) => {
        fx.clock.advance(1000);
        const event = { type: step.type, ...step.payload };
        if (name === 'applyEvent') return fx.engine.applyEvent(id, event, step.actor);
        return applyEventPrototype(core, fx.client, id, event, step.actor, name === 'lean' ? 'lean' : 'none');
      },
      close: () => fx.close(),
      digest: () => digest(fx.client),
    });
  }
  const nextId = sequentialIds();
  const ids = Array.from({ length: cases }, () => nextId());
  let turn = 0;
  try {
    for (const step of LIFE) {
      for (let from = 0; from < cases; from += 100) {
        const slice = ids.slice(from, from + 100);
        for (let k = 0; k < sides.length; k++) {
          const side = sides[(k + turn) % sides.length]!;
          side.ms += await timeAsync(async () => {
            for (const id of slice) await side.apply(id, step);
          });
        }
        turn++;
      }
    }
    return Object.fromEntries(sides.map((s) => [s.name, { rate: (cases * LIFE.length * 1000) / s.ms, digest: s.digest() }]));
  } finally {
    for (const s of sides) await s.close();
  }
}

async function transitionPrototypes(ctx: BenchContext): Promise<Figure[]> {
  const cases = ctx.quick ? 400 : 1000;
  const runs = ctx.quick ? 3 : 5;
  const dir = ctx.tempDir('proto-transitions');
  const kinds = ['bare', 'applyEvent', 'lean', 'withinOnly'];
  await interleaved(dir, 50, kinds);
  const rates: Record<string, number[]> = {};
  let same = true;
  for (let r = 0; r < runs; r++) {
    const res = await interleaved(dir, cases, kinds);
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
    row('transitions: applyEvent with deadline views from one lean statement (prototype)', rates.lean!, rates.bare!),
    row('transitions: write path only, no answer (upper bound)', rates.withinOnly!, rates.bare!),
  ];
}

// ---------------------------------------------------------------- firing with prepared statements

const WARNING_ORDER: readonly (WarningLevel | 'none')[] = ['none', 'blue', 'yellow', 'red'];

type RawDeadline = {
  id: string; case_id: string; unit: string | null; kind: string; basis: string; time_zone: string; spec: string; base_at: number; due_at: number;
  status: string; running: number; warning: WarningLevel | 'none'; escalation_level: number; next_step: number; next_fire_at: number | null; schedule_rev: number; suspended_at: number | null;
};

/**
 * `engine.deadlines.fire` with every statement raw and prepared once, the machine event the step
 * carries applied by the bare writer in the same transaction; the same rows written.
 */
function preparedFiring(client: Database.Database, clock: ManualClock, calendar: WorkingDayCalendar) {
  const s = {
    row: client.prepare<[string], RawDeadline>('SELECT * FROM deadlines WHERE id = ?'),
    update: client.prepare(
      'UPDATE deadlines SET due_at = ?, suspended_at = ?, next_step = ?, next_fire_at = ?, schedule_rev = ?, warning = ?, status = ?, escalation_level = ?, updated_at = ? WHERE id = ? AND running = 1 AND schedule_rev = ?',
    ),
    version: client.prepare<[string], number>('SELECT version FROM cases WHERE id = ?').pluck(),
    event: client.prepare(`INSERT INTO case_events (case_id, version, kind, type, actor_id, actor_role, at, payload, from_state, to_state) VALUES (?, ?, 'deadlineStep', ?, ?, ?, ?, ?, NULL, NULL)`),
    card: client.prepare('INSERT INTO warning_cards (deadline_id, case_id, unit, warning, step, issued_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING'),
    notice: client.prepare(
      `INSERT INTO notifications (case_id, deadline_id, step, recipient, warning, subject, body, status, attempts, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, 'pending', 0, ?) ON CONFLICT DO NOTHING`,
    ),
  };
  const bare = new BareWriter(client);
  const specs = new Map<string, DeadlineSpec>();
  return client.transaction((deadlineId: string, rev: number): string => {
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
    const changed = s.update.run(row.due_at, row.suspended_at, row.next_step + 1, nextFireAt, rev + 1, warning, step.marksOverdue ? 'overdue' : row.status, row.escalation_level + (step.warning === 'red' ? 1 : 0), now, row.id, rev);
    if (changed.changes !== 1) return 'stale';
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
    // the machine event, by hand, in a savepoint of this transaction
    if (step.sendsEvent) bare.applyTx(row.case_id, step.sendsEvent, { deadlineKind: row.kind }, DEADLINE_WORKER, now);
    return 'fired';
  }).immediate;
}

async function firingPrototypes(ctx: BenchContext): Promise<Figure[]> {
  const n = ctx.quick ? 1000 : 2000;
  const runs = 3;
  const calendar = defaultCalendar();
  const build = async (name: string) => {
    const fx = benchEngine(ctx.tempDir('proto-firing'), name);
    const t0 = fx.clock.now();
    const airedAt = new Date(t0).toISOString();
    for (let i = 0; i < n; i++) {
      const opened = await fx.engine.createCase({ type: 'rectification', input: { unit: `Unit ${i % 200}`, report: 'r', airedAt, planDueMinutes: 1 }, actor: supervisor });
      await fx.engine.applyEvent(opened.id, { type: 'NOTIFY_UNIT', liaisonId: liaison.id }, supervisor);
    }
    const ids = (await fx.cf.store.read((tx) => Promise.all(Array.from({ length: n }, (_, i) => tx.deadlines.runningOfCase(sequentialCaseId(i))))))
      .flat()
      .map((d: DeadlineRecord) => d.id)
      .sort();
    return { fx, t0, ids, ms: { remind: 0, overdue: 0 } };
  };
  const rows: { current: number[]; prepared: number[]; currentOverdue: number[]; preparedOverdue: number[] } = { current: [], prepared: [], currentOverdue: [], preparedOverdue: [] };
  let same = true;
  for (let r = 0; r < runs; r++) {
    const cur = await build(`current-${r}`);
    const pro = await build(`prepared-${r}`);
    const fire = preparedFiring(pro.fx.client, pro.fx.clock, calendar);
    for (const [step, at, rev] of [['remind', cur.t0 + 45_000, 1], ['overdue', cur.t0 + 60_000, 2]] as const) {
      cur.fx.clock.set(at);
      pro.fx.clock.set(at);
      for (let from = 0; from < n; from += 100) {
        const slice = cur.ids.slice(from, from + 100);
        const a = async () => {
          cur.ms[step] += await timeAsync(async () => {
            for (const id of slice) if ((await cur.fx.engine.deadlines.fire(id, rev)).kind !== 'fired') throw new Error(`${id} did not fire ${step}`);
          });
        };
        const b = async () => {
          pro.ms[step] += await timeAsync(() => {
            for (const id of slice) if (fire(id, rev) !== 'fired') throw new Error(`${id} did not fire ${step} (prototype)`);
            return Promise.resolve();
          });
        };
        if ((from / 100) % 2) {
          await a();
          await b();
        } else {
          await b();
          await a();
        }
      }
    }
    same &&= digest(cur.fx.client) === digest(pro.fx.client);
    rows.current.push((n * 1000) / cur.ms.remind);
    rows.prepared.push((n * 1000) / pro.ms.remind);
    rows.currentOverdue.push((n * 1000) / cur.ms.overdue);
    rows.preparedOverdue.push((n * 1000) / pro.ms.overdue);
    progress(`P firing run ${r + 1}/${runs}: remind ${Math.round(rows.current[r]!)}/s → ${Math.round(rows.prepared[r]!)}/s prepared; overdue (+ machine event) ${Math.round(rows.currentOverdue[r]!)}/s → ${Math.round(rows.preparedOverdue[r]!)}/s; same rows: ${same}`);
    await cur.fx.close();
    await pro.fx.close();
  }
  const row = (name: string, cf: number[], base: number[]): Figure => ({
    group: 'P2',
    name,
    unit: 'steps/s',
    caseflow: median(cf),
    bare: median(base),
    pairedRatio: pairedRatio(cf, base),
    bareLabel: 'engine.deadlines.fire as it is',
    target: { kind: 'none' },
    detail: { deadlines: n, sameRows: same },
    note: `no Redis: the firing transaction alone; the lateness run asks for ${Math.round(n / 3)} steps/s per step kind. Same rows written: ${same}`,
  });
  return [
    row('firing capacity, remind step: prepared statements (prototype) vs as it is', rows.prepared, rows.current),
    row('firing capacity, overdue step (+ DEADLINE_MISSED): prepared vs as it is', rows.preparedOverdue, rows.currentOverdue),
  ];
}

/** The id `sequentialIds()` gives its i-th case (the bench caseflows use it). */
const sequentialCaseId = (i: number): string => `RC-20261125-${i.toString(32).toUpperCase().padStart(12, '0')}`;

export async function benchPrototypes(ctx: BenchContext): Promise<Figure[]> {
  progress('P prototypes of proposed fixes (bench/prototypes.ts)');
  return [...(await transitionPrototypes(ctx)), ...(await firingPrototypes(ctx))];
}
