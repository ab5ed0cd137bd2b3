/**
 * What the PostgreSQL benchmarks share: throwaway databases on the server (created fresh, dropped
 * afterwards even on failure), the write path by hand with node-postgres (the bare side of the
 * transitions row, the twin of BareWriter in workload.ts), a digest of the rows both sides wrote,
 * caseflow processes started from bin/caseflow.js, and the CPU that processes and PostgreSQL
 * backends used in a window (from /proc, to say where the time went).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { initialTransition, transition, type AnyMachineSnapshot, type AnyStateMachine, type EventObject } from 'xstate';
import { openPostgresStore } from '../db/postgres';
import { rectification } from '../machines';
import type { Actor, DeadlineSpec, StateMeta } from '../machines/types';
import { contextMoment, dueMoment, stepMoment } from '../src/deadlines/ladder';
import { stateString } from '../src/engine/machineRuntime';
import { defaultCalendar, type WorkingDayCalendar } from '../src/time';
import { sleep } from './lib';

/** The server the PostgreSQL rows run on, through a database that only serves to create and drop the others. */
export const PG_ADMIN_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

const ROOT = path.join(__dirname, '..');
export const CLI = path.join(ROOT, 'bin', 'caseflow.js');

/** `url` with its password left out, for messages. */
export const shownUrl = (url: string): string => url.replace(/\/\/([^:@/]*):[^@/]*@/, '//$1:***@');

/** `url` naming database `name` instead. */
export function databaseUrl(url: string, name: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${name}`;
  return parsed.toString();
}

/** Null when PostgreSQL answers at `url`, else why not. */
export async function postgresProblem(url: string): Promise<string | null> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('SELECT 1');
    return null;
  } catch (error) {
    return error instanceof Error ? error.message || error.constructor.name : String(error);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * Databases created for one benchmark: `cfbench_<pid>_<tag>_<random>` (a killed run leaves them
 * behind, and the pid says whose they were), each dropped WITH (FORCE) by `drop` or `dropAll`.
 */
export class BenchDatabases {
  private readonly admin: pg.Pool;
  private readonly live = new Set<string>();
  private ended = false;

  constructor(readonly serverUrl: string = PG_ADMIN_URL) {
    this.admin = new pg.Pool({ connectionString: serverUrl, max: 2 });
    this.admin.on('error', () => undefined);
  }

  /** A new database: empty, or a copy of `template` (which nothing may be connected to). */
  async create(tag: string, template?: string): Promise<{ name: string; url: string }> {
    const name = `cfbench_${process.pid}_${tag}_${randomBytes(3).toString('hex')}`;
    await this.admin.query(`CREATE DATABASE "${name}"${template ? ` TEMPLATE "${template}"` : ''}`);
    this.live.add(name);
    return { name, url: databaseUrl(this.serverUrl, name) };
  }

  /** A new database with caseflow's schema, migrated by opening a store on it (then closed). */
  async createMigrated(tag: string): Promise<{ name: string; url: string }> {
    const db = await this.create(tag);
    const store = await openPostgresStore(db.url);
    await store.close();
    return db;
  }

  async drop(name: string): Promise<void> {
    await this.admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    this.live.delete(name);
  }

  /** Drops every database still here, and disconnects. */
  async dropAll(): Promise<void> {
    if (this.ended) return;
    this.ended = true;
    try {
      for (const name of [...this.live]) await this.drop(name).catch(() => undefined);
    } finally {
      await this.admin.end().catch(() => undefined);
    }
  }

  /** A query on the server (on the admin database). */
  query<R extends pg.QueryResultRow>(text: string, values?: unknown[]): Promise<pg.QueryResult<R>> {
    return this.admin.query<R>(text, values);
  }
}

/** A pool for the bench's own reads and the bare side: int8 read as a number, jsonb as parsed JSON (pg's default). */
const INT8: number = pg.types.builtins.INT8;
const benchTypes = {
  getTypeParser: (oid: number, format?: 'text' | 'binary'): unknown => (oid === INT8 ? Number : pg.types.getTypeParser(oid, format ?? 'text')),
};

export function benchPool(url: string, max = 4): pg.Pool {
  const pool = new pg.Pool({ connectionString: url, max, types: benchTypes });
  pool.on('error', () => undefined);
  return pool;
}

type RunningRow = { id: string; state_id: string; period: boolean; status: string; due_at: number };

/**
 * The write path by hand on PostgreSQL: XState's pure functions and node-postgres named (prepared)
 * statements, one transaction per transition or new case, on one connection of a pool taken per
 * transaction. The statements are the ones BareWriter (workload.ts) runs on SQLite: the case read,
 * the snapshot update guarded by version, the event insert, the running deadlines closed and the new
 * ones opened.
 */
export class PgBareWriter {
  private readonly machine: AnyStateMachine = rectification.machine;
  private readonly calendar: WorkingDayCalendar = defaultCalendar();
  /** Statement names carry a per-writer tag, so that two writers never meet a stale prepared statement. */
  private readonly tag = randomBytes(3).toString('hex');
  private readonly q;

  constructor(
    private readonly pool: pg.Pool,
    /** Named statements (parsed once per connection) or unnamed ones (parsed on every call, as drizzle sends them). */
    private readonly prepared = true,
  ) {
    const sql = {
      caseById: 'SELECT id, snapshot, version, state FROM cases WHERE id = $1',
      insertCase: `INSERT INTO cases (id, type, machine_version, state, status, snapshot, version, unit, assignee, subject_id, time_zone, created_by, created_at, updated_at, closed_at)
         VALUES ($1, 'rectification', 1, $2, $3, $4, 1, $5, $6, NULL, $7, $8, $9, $10, $11)`,
      updateCase: `UPDATE cases SET state = $1, status = $2, snapshot = $3, version = $4, unit = $5, assignee = $6, subject_id = NULL, updated_at = $7, closed_at = $8
         WHERE id = $9 AND version = $10`,
      insertEvent: 'INSERT INTO case_events (case_id, version, kind, type, actor_id, actor_role, at, payload, from_state, to_state) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)',
      running: 'SELECT id, state_id, period, status, due_at FROM deadlines WHERE case_id = $1 AND running = true',
      closeDeadline: 'UPDATE deadlines SET running = false, status = $1, closed_at = $2, lateness_ms = $3, next_fire_at = NULL, updated_at = $4 WHERE id = $5 AND running = true',
      insertDeadline: `INSERT INTO deadlines (id, case_id, case_type, unit, kind, state_id, basis, time_zone, spec, period, base_at, original_due_at, due_at, status, running, warning,
           escalation_level, next_step, next_fire_at, schedule_rev, dispatched_rev, suspended_at, closed_at, lateness_ms, created_at, updated_at)
         VALUES ($1, $2, 'rectification', $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, 'pending', true, 'none', 0, 0, $13, 1, NULL, NULL, NULL, NULL, $14, $15)`,
    };
    const statement = (key: keyof typeof sql) => (values: unknown[]): pg.QueryConfig => ({ ...(this.prepared ? { name: `bare_${key}_${this.tag}` } : {}), text: sql[key], values });
    this.q = Object.fromEntries(Object.keys(sql).map((k) => [k, statement(k as keyof typeof sql)])) as Record<keyof typeof sql, (values: unknown[]) => pg.QueryConfig>;
  }

  private async inTransaction(fn: (client: pg.PoolClient) => Promise<void>): Promise<void> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      await fn(client);
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  createTx(caseId: string, input: Record<string, unknown>, actor: Actor, now: number): Promise<void> {
    return this.inTransaction(async (client) => {
      const [snapshot] = initialTransition(this.machine, { ...input, caseId, openedAt: new Date(now).toISOString(), openedBy: actor });
      const ctx = snapshot.context as { unit: string; liaisonId: string | null; timeZone: string };
      const state = stateString(snapshot.value);
      const json = JSON.stringify(this.machine.getPersistedSnapshot(snapshot));
      const closed = snapshot.status !== 'active';
      await client.query(this.q.insertCase([caseId, state, closed ? 'closed' : 'open', json, ctx.unit, ctx.liaisonId, ctx.timeZone, actor.id, now, now, closed ? now : null]));
      await client.query(this.q.insertEvent([caseId, 1, 'created', 'CASE_OPENED', actor.id, actor.role, now, '{}', null, state]));
      await this.openDeadlines(client, caseId, ctx, new Set(), snapshot, 1, now);
    });
  }

  applyTx(caseId: string, type: string, payload: Record<string, unknown>, actor: Actor, now: number): Promise<void> {
    return this.inTransaction(async (client) => {
      const row = (await client.query<{ id: string; snapshot: unknown; version: number; state: string }>(this.q.caseById([caseId]))).rows[0];
      if (!row) throw new Error(`no case ${caseId}`);
      const before = this.machine.resolveState(row.snapshot as Parameters<AnyStateMachine['resolveState']>[0]);
      const event = { ...payload, type, actor: { id: actor.id, role: actor.role }, at: new Date(now).toISOString() } as EventObject;
      const [after] = transition(this.machine, before, event);
      const json = JSON.stringify(this.machine.getPersistedSnapshot(after));
      const ctx = after.context as { unit: string; liaisonId: string | null; timeZone: string };
      const state = stateString(after.value);
      const closed = after.status !== 'active';
      const version = row.version + 1;
      const changed = await client.query(this.q.updateCase([state, closed ? 'closed' : 'open', json, version, ctx.unit, ctx.liaisonId, now, closed ? now : null, caseId, row.version]));
      if (changed.rowCount !== 1) throw new Error(`version conflict on ${caseId}`);
      await client.query(this.q.insertEvent([caseId, version, 'transition', type, actor.id, actor.role, now, JSON.stringify(payload), row.state, state]));
      const active = nodeIds(after);
      for (const d of (await client.query<RunningRow>(this.q.running([caseId]))).rows) {
        if (active.has(d.state_id)) continue;
        const late = !d.period && (d.status === 'overdue' || now > d.due_at);
        const closedRow = await client.query(this.q.closeDeadline([late ? 'overdue' : 'met', now, now - d.due_at, now, d.id]));
        if (closedRow.rowCount !== 1) throw new Error(`deadline ${d.id} was closed by someone else`);
      }
      await this.openDeadlines(client, caseId, ctx, nodeIds(before), after, version, now);
    });
  }

  private async openDeadlines(client: pg.PoolClient, caseId: string, ctx: { unit: string; timeZone: string }, was: Set<string>, after: AnyMachineSnapshot, version: number, now: number): Promise<void> {
    for (const node of after._nodes) {
      if (was.has(node.id)) continue;
      for (const spec of (node.meta as StateMeta | undefined)?.deadlines ?? []) {
        const baseAt = spec.from ? contextMoment(after.context, spec.from.contextField) : now;
        const dueAt = dueMoment(spec, baseAt, ctx.timeZone, this.calendar, after.context);
        const nextFireAt = stepMoment({ spec, baseAt, dueAt, timeZone: ctx.timeZone }, 0, this.calendar);
        await client.query(
          this.q.insertDeadline([
            `${caseId}~${spec.kind}~${version}`,
            caseId,
            ctx.unit,
            spec.kind,
            node.id,
            spec.basis,
            ctx.timeZone,
            JSON.stringify(spec satisfies DeadlineSpec),
            spec.period === true,
            baseAt,
            dueAt,
            dueAt,
            nextFireAt,
            now,
            now,
          ]),
        );
      }
    }
  }
}

const nodeIds = (snapshot: AnyMachineSnapshot): Set<string> => new Set(snapshot._nodes.map((n) => n.id));

/**
 * A digest of every case, deadline and event row (the event ids left out, as in workload.ts's
 * digest), read the same way from either database: equal digests mean both sides wrote the same rows.
 */
export async function pgDigest(url: string): Promise<string> {
  const client = new pg.Client({ connectionString: url });
  client.on('error', () => undefined);
  await client.connect();
  try {
    const hash = createHash('sha256');
    for (const text of [
      // the case log's chain head, which the bare side does not keep, is left out (jsonb already compares payloads as values)
      'SELECT id, type, machine_version, state, status, snapshot, version, unit, assignee, subject_id, time_zone, created_by, created_at, updated_at, closed_at FROM cases ORDER BY id',
      'SELECT * FROM deadlines ORDER BY id',
      'SELECT case_id, version, kind, type, actor_id, actor_role, at, payload, from_state, to_state FROM case_events ORDER BY id',
    ]) {
      const result = await client.query({ text, rowMode: 'array' });
      for (const row of result.rows as unknown[][]) hash.update(JSON.stringify(row));
    }
    return hash.digest('hex');
  } finally {
    await client.end();
  }
}

// ---------------------------------------------------------------- processes

/** A caseflow process started from bin/caseflow.js; the tail of its output is kept for diagnosis. */
export interface CaseflowProcess {
  child: ChildProcess;
  /** The last lines it wrote (stdout and stderr). */
  tail(): string;
  /** How many lines so far contained `text`. */
  count(text: string): number;
  /** Resolves with the first match of `pattern` in its output (or rejects when it exits or `timeoutMs` passes). */
  waitFor(pattern: RegExp, timeoutMs: number): Promise<RegExpExecArray>;
  stop(): Promise<void>;
}

/** Children still running: told to stop when this process exits, however it exits, so that none outlives the bench. */
const running = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of running) child.kill('SIGTERM');
});

/**
 * Starts `node bin/caseflow.js <args>` with `env` on top of this process's environment. Output is
 * read (so the pipes never fill) but only its tail is kept; `counted` lines are tallied.
 */
export function startCaseflow(args: string[], env: Record<string, string>, counted: readonly string[] = []): CaseflowProcess {
  const child = spawn(process.execPath, [CLI, ...args], { cwd: ROOT, env: { ...process.env, CASEFLOW_DB: '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let tail: string[] = [];
  let head = '';
  const counts = new Map<string, number>(counted.map((c) => [c, 0]));
  const waiters: { pattern: RegExp; resolve: (m: RegExpExecArray) => void }[] = [];
  const take = (chunk: Buffer) => {
    const text = chunk.toString();
    if (head.length < 4000) head += text;
    const lines = text.split('\n');
    for (const line of lines) for (const c of counted) if (line.includes(c)) counts.set(c, counts.get(c)! + 1);
    tail = [...tail, ...lines.filter(Boolean)].slice(-20);
    for (const w of [...waiters]) {
      const m = w.pattern.exec(head) ?? w.pattern.exec(text);
      if (m) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(m);
      }
    }
  };
  child.stdout.on('data', take);
  child.stderr.on('data', take);
  let exited = false;
  running.add(child);
  const exit = new Promise<void>((resolve) =>
    child.once('exit', () => {
      exited = true;
      running.delete(child);
      resolve();
    }),
  );
  return {
    child,
    tail: () => tail.join('\n'),
    count: (text) => counts.get(text) ?? 0,
    waitFor: (pattern, timeoutMs) => {
      const m = pattern.exec(head);
      if (m) return Promise.resolve(m);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`caseflow ${args.join(' ')} did not say ${pattern} within ${timeoutMs} ms: ${tail.join('\n')}`)), timeoutMs);
        const w = {
          pattern,
          resolve: (found: RegExpExecArray) => {
            clearTimeout(timer);
            resolve(found);
          },
        };
        waiters.push(w);
        void exit.then(() => {
          if (!waiters.includes(w)) return;
          clearTimeout(timer);
          reject(new Error(`caseflow ${args.join(' ')} exited (${child.exitCode ?? child.signalCode}): ${tail.join('\n')}`));
        });
      });
    },
    stop: async () => {
      if (exited) return;
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exit;
      clearTimeout(killer);
    },
  };
}

// ---------------------------------------------------------------- CPU from /proc

const TICK_MS = 10; // USER_HZ is 100 on Linux

/** CPU ms (user + system) a process has used, or null when it is gone or /proc cannot be read. */
function processCpuMs(pid: number): number | null {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * TICK_MS;
  } catch {
    return null;
  }
}

/** PostgreSQL's processes: each backend's title names its database (`postgres: 15/main: user db host(port) state`). */
function postgresProcesses(): { pid: number; title: string }[] {
  const out: { pid: number; title: string }[] = [];
  let entries: string[];
  try {
    entries = fs.readdirSync('/proc');
  } catch {
    return out;
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const title = fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8').replace(/\0/g, ' ').trim();
      if (title.startsWith('postgres')) out.push({ pid: Number(entry), title });
    } catch {
      // gone
    }
  }
  return out;
}

/** CPU ms per group of processes: `groups` names each group by a test on the pid and the PostgreSQL title. */
export interface CpuSample {
  at: number;
  byPid: Map<number, { ms: number; group: string }>;
  /** CPU ms the whole machine has used (all cores), or null without /proc/stat. */
  machineMs: number | null;
}

function machineBusyMs(): number | null {
  try {
    const [, user, nice, system, , , irq, softirq, steal] = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).map(Number);
    return ((user ?? 0) + (nice ?? 0) + (system ?? 0) + (irq ?? 0) + (softirq ?? 0) + (steal ?? 0)) * TICK_MS;
  } catch {
    return null;
  }
}

/**
 * Samples the CPU of: this process (`bench`), the given children (`caseflow`), PostgreSQL backends
 * of the given databases (`postgres: ours`), PostgreSQL's other processes (`postgres: shared`, the
 * WAL writer, checkpointer and other sessions' backends).
 */
export function sampleCpu(children: readonly number[], databases: readonly string[]): CpuSample {
  const byPid = new Map<number, { ms: number; group: string }>();
  const own = process.cpuUsage();
  byPid.set(process.pid, { ms: (own.user + own.system) / 1000, group: 'bench' });
  for (const pid of children) {
    const ms = processCpuMs(pid);
    if (ms !== null) byPid.set(pid, { ms, group: 'caseflow' });
  }
  for (const { pid, title } of postgresProcesses()) {
    const ms = processCpuMs(pid);
    if (ms === null) continue;
    const ours = databases.some((db) => title.includes(` ${db} `));
    byPid.set(pid, { ms, group: ours ? 'postgres: ours' : 'postgres: other' });
  }
  return { at: performance.now(), byPid, machineMs: machineBusyMs() };
}

/**
 * CPU ms per group between two samples (a process new in `b` counts from 0), with `other`: what the
 * rest of the machine used (other processes, the kernel's own work), and the wall ms between them.
 */
export function cpuBetween(a: CpuSample, b: CpuSample): { wallMs: number; groups: Record<string, number> } {
  const groups: Record<string, number> = {};
  for (const [pid, now] of b.byPid) {
    const before = a.byPid.get(pid)?.ms ?? 0;
    groups[now.group] = (groups[now.group] ?? 0) + Math.max(0, now.ms - before);
  }
  if (a.machineMs !== null && b.machineMs !== null) {
    const ours = Object.values(groups).reduce((x, y) => x + y, 0);
    groups.other = Math.max(0, b.machineMs - a.machineMs - ours);
  }
  return { wallMs: b.at - a.at, groups };
}

/** Polls `check` every `everyMs` until it returns true or `timeoutMs` passes; returns whether it did. */
export async function pollUntil(check: () => Promise<boolean>, timeoutMs: number, everyMs = 100): Promise<boolean> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return true;
    if (Date.now() > until) return false;
    await sleep(everyMs);
  }
}
