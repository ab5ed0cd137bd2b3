/**
 * PROTOTYPES of fixes proposed for code outside bench/ (not run by default: `--only=prototypes`).
 * Each measures the current code against a prototype of the fix, both in the same run:
 * - applyEvent's write path alone (no answer), and with its answer's deadline views read by one
 *   lean raw statement instead of the repository's full rows;
 * The prototypes are rebuilt from the engine's exported parts (EngineCore, decideEvent, the policy):
 * they prove a gain, they are not the fix.
 */
import type Database from 'better-sqlite3';
import type { Tx } from '../db/port';
import { caseDefinitions } from '../machines';
import type { Actor, DeadlineSpec } from '../machines/types';
import { LocalEventBus } from '../src/bus';
import { canonicalActor, EngineCore } from '../src/engine/core';
import { decideEvent, restoreCase, type CaseworkerEvent } from '../src/engine/decide';
import { acceptedEvents } from '../src/engine/machineRuntime';
import { authorizeCase, authorizeEvent, sendableEvents } from '../src/engine/policy';
import { toCaseEventView, toCaseView, toDeadlineView, type DeadlineView } from '../src/engine/views';
import { defaultCalendar } from '../src/time';
import { median, pairedRatio, progress, timeAsync, type BenchContext, type Figure } from './lib';
import { BareWriter, LIFE, bareDatabase, benchEngine, digest, rectificationParsed, rectificationRequest, sequentialIds, supervisor, type BenchCaseflow } from './workload';

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

export async function benchPrototypes(ctx: BenchContext): Promise<Figure[]> {
  progress('P prototypes of proposed fixes (bench/prototypes.ts)');
  return transitionPrototypes(ctx);
}
