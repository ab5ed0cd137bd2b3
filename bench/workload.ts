/**
 * The work both sides of the write-path benchmarks do: rectification cases, the caseworker events
 * that walk each case through its life, and the same work done by hand with XState and prepared
 * better-sqlite3 statements (the bare baseline), writing the very rows the engine writes.
 */
import { createHash } from 'node:crypto';
import path from 'node:path';
import type Database from 'better-sqlite3';
import { initialTransition, transition, type AnyMachineSnapshot, type AnyStateMachine, type EventObject } from 'xstate';
import { composeCaseflow, type ComposedCaseflow } from '../app/compose';
import type { Store } from '../db/port';
import { EMPTY_HEAD, sealEntry } from '../db/chain';
import type { SealedCaseEvent } from '../db/records';
import { openSqliteStore, SqliteStore } from '../db/sqlite';
import { rectification } from '../machines';
import type { Actor, DeadlineSpec, StateMeta } from '../machines/types';
import { ManualClock } from '../src/clock';
import type { CaseEngine } from '../src/engine/engine';
import { stateString } from '../src/engine/machineRuntime';
import { officeDayStart } from '../src/engine/onTime';
import { contextMoment, dueMoment, stepMoment } from '../src/deadlines/ladder';
import { defaultCalendar, type WorkingDayCalendar } from '../src/time';

export const supervisor: Actor = { id: 'li.wei', role: 'supervisor' };
export const liaison: Actor = { id: 'zhou.min', role: 'unitLiaison' };

/** 2026-11-25 20:00 in Shanghai: the evening the criticism is aired. */
export const AIRED_AT = '2026-11-25T20:00:00+08:00';
const START = Date.parse(AIRED_AT) + 10 * 60_000;
export const UNITS = 200;
export const unitName = (i: number): string => `Unit ${String(i % UNITS).padStart(3, '0')}`;

/** The rectification input as a caseworker sends it (the engine validates it with zod). */
export const rectificationRequest = (i: number) => ({
  unit: unitName(i),
  report: 'Seeing: applicants wait weeks for a stamp',
  airedAt: AIRED_AT,
  // an hour after airing, named: the bare side passes the same input to XState (without it the
  // office's 21:00 rule would set the due moment and its rule in the context)
  planDueMinutes: 60,
});

/** The same input with the schema's defaults filled in by hand (what the bare side passes to XState). */
export const rectificationParsed = (i: number) => ({
  ...rectificationRequest(i),
  programme: 'Seeing',
  planDueMinutes: 60,
  timeZone: 'Asia/Shanghai',
});

/** Case ids of the same shape as the engine's (`RC-20261125-…`), but deterministic, so both sides write equal rows. */
export function sequentialIds(): () => string {
  let n = 0;
  return () => `RC-20261125-${(n++).toString(32).toUpperCase().padStart(12, '0')}`;
}

/**
 * The life of a rectification case: notified, plan submitted, sent back, resubmitted, accepted,
 * progress reported, completion reported, assessment passed. Seven of the eight open and close
 * deadline rows (one-hour, one-working-day, date-based and five-working-day limits).
 */
export const LIFE: readonly { type: string; actor: Actor; payload: Record<string, unknown> }[] = [
  { type: 'NOTIFY_UNIT', actor: supervisor, payload: { liaisonId: liaison.id } },
  { type: 'SUBMIT_PLAN', actor: liaison, payload: { plan: 'Stamp within three days', measures: ['a queue ticket system', 'weekly audit'], completionDueAt: '2027-06-01T00:00:00+08:00' } },
  { type: 'SEND_BACK_PLAN', actor: supervisor, payload: { reason: 'No owner named for the audit' } },
  { type: 'SUBMIT_PLAN', actor: liaison, payload: { plan: 'Stamp within three days; audit owned by the deputy head', measures: ['a queue ticket system', 'weekly audit'], completionDueAt: '2027-06-01T00:00:00+08:00' } },
  { type: 'ACCEPT_PLAN', actor: supervisor, payload: { reason: 'Concrete and owned' } },
  { type: 'REPORT_PROGRESS', actor: liaison, payload: { note: 'Ticket system live' } },
  { type: 'REPORT_COMPLETION', actor: liaison, payload: { note: 'All measures in place' } },
  { type: 'ASSESS_PASSED', actor: supervisor, payload: { reason: 'Waiting times down to two days' } },
];

/**
 * The better-sqlite3 connection under a store opened by the SQLite adapter: for the bare side,
 * bulk data generation and the checks the benchmarks make of the rows (never for caseflow's work).
 */
export function sqliteClient(store: Store): Database.Database {
  if (!(store instanceof SqliteStore)) throw new Error(`the benchmarks need the SQLite store, not ${store.dialect}`);
  return store.db.$client;
}

/** caseflow on its own database file (composeCaseflow), with a manual clock and deterministic case ids. */
export interface BenchCaseflow {
  cf: ComposedCaseflow;
  engine: CaseEngine;
  /** The file's connection, for digests and checks outside the timing. */
  client: Database.Database;
  clock: ManualClock;
  close(): Promise<void>;
}

export function benchEngine(dir: string, name: string): BenchCaseflow {
  const clock = new ManualClock(START);
  const cf = composeCaseflow({ dbFile: path.join(dir, `${name}.sqlite`), clock, newCaseId: sequentialIds() });
  return { cf, engine: cf.engine, client: sqliteClient(cf.store), clock, close: () => cf.close() };
}

/**
 * A migrated database file for the bare side (caseflow's schema, nothing of caseflow running on it):
 * its better-sqlite3 connection and the clock's starting moment.
 */
export function bareDatabase(dir: string, name: string): { client: Database.Database; start: number; close(): void } {
  const client = openSqliteStore(path.join(dir, `${name}.sqlite`)).db.$client;
  return { client, start: START, close: () => client.close() };
}

type CaseRowLite = { id: string; snapshot: string; version: number; state: string; chain_seq: number; chain_head: string };
type RunningRow = { id: string; state_id: string; period: number; status: string; due_at: number; spec: string; owner: 'unit' | 'office'; unit: string | null };

/**
 * The write path by hand: XState's pure functions and better-sqlite3 statements prepared once,
 * one immediate transaction per transition or per new case. It writes exactly the rows the engine
 * writes: the case with its chain head, the log entry sealed into the case's hash chain (the same
 * pure `sealEntry`, RFC 8785 payloads), deadlines closed (met by leaving their state or by an event
 * of their `metBy`) and opened with their owner, and the on-time rollup of what closed.
 */
export class BareWriter {
  private readonly machine: AnyStateMachine = rectification.machine;
  private readonly calendar: WorkingDayCalendar = defaultCalendar();
  private readonly s;
  readonly applyTx: (caseId: string, type: string, payload: Record<string, unknown>, actor: Actor, now: number) => void;
  readonly createTx: (caseId: string, input: Record<string, unknown>, actor: Actor, now: number) => void;

  constructor(private readonly client: Database.Database) {
    this.s = {
      caseById: client.prepare<[string], CaseRowLite>('SELECT id, snapshot, version, state, chain_seq, chain_head FROM cases WHERE id = ?'),
      insertCase: client.prepare(
        `INSERT INTO cases (id, type, machine_version, state, status, snapshot, version, unit, assignee, subject_id, time_zone, created_by, created_at, updated_at, closed_at, chain_seq, chain_head)
         VALUES (?, 'rectification', 1, ?, ?, ?, 1, ?, ?, NULL, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      // the case and its chain head in one statement, guarded by both
      updateCase: client.prepare(
        `UPDATE cases SET state = ?, status = ?, snapshot = ?, version = ?, unit = ?, assignee = ?, subject_id = NULL, updated_at = ?, closed_at = ?, chain_seq = ?, chain_head = ?
         WHERE id = ? AND version = ? AND chain_seq = ? AND chain_head = ?`,
      ),
      insertEvent: client.prepare(
        `INSERT INTO case_events (case_id, version, kind, type, actor_id, actor_role, at, payload, from_state, to_state, seq, prev_hash, hash)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      running: client.prepare<[string], RunningRow>('SELECT id, state_id, period, status, due_at, spec, owner, unit FROM deadlines WHERE case_id = ? AND running = 1'),
      closeDeadline: client.prepare(
        'UPDATE deadlines SET running = 0, status = ?, closed_at = ?, lateness_ms = ?, next_fire_at = NULL, updated_at = ? WHERE id = ? AND running = 1',
      ),
      insertDeadline: client.prepare(
        `INSERT INTO deadlines (id, case_id, case_type, unit, kind, owner, state_id, basis, time_zone, spec, period, base_at, original_due_at, due_at, status, running, warning,
           escalation_level, next_step, next_fire_at, schedule_rev, dispatched_rev, dispatch_lease_until, suspended_at, closed_at, lateness_ms, created_at, updated_at)
         VALUES (?, ?, 'rectification', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending', 1, 'none', 0, 0, ?, 1, NULL, NULL, NULL, NULL, NULL, ?, ?)`,
      ),
      addOnTime: client.prepare(
        `INSERT INTO on_time_days (day_start, owner, unit, met, late) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (day_start, owner, unit) DO UPDATE SET met = met + excluded.met, late = late + excluded.late`,
      ),
    };
    this.applyTx = client.transaction((caseId: string, type: string, payload: Record<string, unknown>, actor: Actor, now: number) =>
      this.apply(caseId, type, payload, actor, now),
    ).immediate;
    this.createTx = client.transaction((caseId: string, input: Record<string, unknown>, actor: Actor, now: number) =>
      this.create(caseId, input, actor, now),
    ).immediate;
  }

  private create(caseId: string, input: Record<string, unknown>, actor: Actor, now: number): void {
    const [snapshot] = initialTransition(this.machine, { ...input, caseId, openedAt: new Date(now).toISOString(), openedBy: actor });
    const ctx = snapshot.context as { unit: string; liaisonId: string | null; timeZone: string };
    const state = stateString(snapshot.value);
    const json = JSON.stringify(this.machine.getPersistedSnapshot(snapshot));
    const closed = snapshot.status !== 'active';
    const entry = sealEntry(EMPTY_HEAD, {
      caseId,
      version: 1,
      kind: 'created',
      type: 'CASE_OPENED',
      actorId: actor.id,
      actorRole: actor.role,
      at: now,
      payload: JSON.stringify({ input }),
      fromState: null,
      toState: state,
    });
    this.s.insertCase.run(caseId, state, closed ? 'closed' : 'open', json, ctx.unit, ctx.liaisonId, ctx.timeZone, actor.id, now, now, closed ? now : null, entry.seq, entry.hash);
    this.openDeadlines(caseId, ctx, new Set(), snapshot, 1, now);
    this.insertEntry(entry);
  }

  private apply(caseId: string, type: string, payload: Record<string, unknown>, actor: Actor, now: number): void {
    const row = this.s.caseById.get(caseId);
    if (!row) throw new Error(`no case ${caseId}`);
    const before = this.machine.resolveState(JSON.parse(row.snapshot) as Parameters<AnyStateMachine['resolveState']>[0]);
    const event = { ...payload, type, actor: { id: actor.id, role: actor.role }, at: new Date(now).toISOString() } as EventObject;
    const [after] = transition(this.machine, before, event);
    const json = JSON.stringify(this.machine.getPersistedSnapshot(after));
    if (json === row.snapshot) throw new Error(`${type} changed nothing on ${caseId}`);
    const ctx = after.context as { unit: string; liaisonId: string | null; timeZone: string };
    const state = stateString(after.value);
    const closed = after.status !== 'active';
    const version = row.version + 1;
    const entry = sealEntry(
      { seq: row.chain_seq, hash: row.chain_head },
      { caseId, version, kind: 'transition', type, actorId: actor.id, actorRole: actor.role, at: now, payload: JSON.stringify(payload), fromState: row.state, toState: state },
    );
    const changed = this.s.updateCase.run(
      state,
      closed ? 'closed' : 'open',
      json,
      version,
      ctx.unit,
      ctx.liaisonId,
      now,
      closed ? now : null,
      entry.seq,
      entry.hash,
      caseId,
      row.version,
      row.chain_seq,
      row.chain_head,
    );
    if (changed.changes !== 1) throw new Error(`version conflict on ${caseId}`);
    const active = nodeIds(after);
    for (const d of this.s.running.all(caseId)) {
      const metBy = (JSON.parse(d.spec) as DeadlineSpec).metBy ?? [];
      if (active.has(d.state_id) && !metBy.includes(type)) continue;
      const late = !d.period && (d.status === 'overdue' || now > d.due_at);
      if (this.s.closeDeadline.run(late ? 'overdue' : 'met', now, now - d.due_at, now, d.id).changes !== 1) throw new Error(`deadline ${d.id} moved on`);
      this.s.addOnTime.run(officeDayStart(now), d.owner, d.owner === 'office' ? '' : (d.unit ?? ''), late ? 0 : 1, late ? 1 : 0);
    }
    this.openDeadlines(caseId, ctx, nodeIds(before), after, version, now);
    this.insertEntry(entry);
  }

  private insertEntry(e: SealedCaseEvent): void {
    this.s.insertEvent.run(e.caseId, e.version, e.kind, e.type, e.actorId, e.actorRole, e.at, e.payload, e.fromState, e.toState, e.seq, e.prevHash, e.hash);
  }

  private openDeadlines(caseId: string, ctx: { unit: string; timeZone: string }, was: Set<string>, after: AnyMachineSnapshot, version: number, now: number): void {
    for (const node of after._nodes) {
      if (was.has(node.id)) continue;
      for (const spec of (node.meta as StateMeta | undefined)?.deadlines ?? []) {
        // The domain's time rules (working days, `until` a case date) are shared; the rest is by hand.
        const baseAt = spec.from ? contextMoment(after.context, spec.from.contextField) : now;
        const dueAt = dueMoment(spec, baseAt, ctx.timeZone, this.calendar, after.context);
        const nextFireAt = stepMoment({ spec, baseAt, dueAt, timeZone: ctx.timeZone }, 0, this.calendar);
        this.s.insertDeadline.run(
          `${caseId}~${spec.kind}~${version}`,
          caseId,
          ctx.unit,
          spec.kind,
          spec.owner,
          node.id,
          spec.basis,
          ctx.timeZone,
          JSON.stringify(spec satisfies DeadlineSpec),
          spec.period ? 1 : 0,
          baseAt,
          dueAt,
          dueAt,
          nextFireAt,
          now,
          now,
        );
      }
    }
  }
}

const nodeIds = (snapshot: AnyMachineSnapshot): Set<string> => new Set(snapshot._nodes.map((n) => n.id));

/**
 * A digest of every row both sides write: cases (their chain heads included), deadlines, the case
 * log (its hash chain included) and the on-time rollup. Equal digests mean both wrote the same rows.
 */
export function digest(client: Database.Database): string {
  const hash = createHash('sha256');
  for (const sql of [
    'SELECT * FROM cases ORDER BY id',
    'SELECT * FROM deadlines ORDER BY id',
    'SELECT case_id, version, kind, type, actor_id, actor_role, at, payload, from_state, to_state, seq, prev_hash, hash FROM case_events ORDER BY case_id, seq',
    'SELECT * FROM on_time_days ORDER BY day_start, owner, unit',
  ]) {
    for (const row of client.prepare(sql).raw().iterate()) hash.update(JSON.stringify(row));
  }
  return hash.digest('hex');
}
