/**
 * Deadline rows, warning cards and the wake-up outbox on SQLite. The outbox conditions are written
 * literally (`running = 1`, `IS NOT`) so that SQLite can use its partial indexes.
 */
import { and, asc, eq, gt, gte, sql } from 'drizzle-orm';
import type { DeadlineRepository, WakeUpOutbox } from '../port';
import type { DeadlineRecord, WakeUp } from '../records';
import { byDeadlineId } from '../wakeUps';
import type { SqliteDb } from './connection';
import { RUNNING } from './conditions';
import { deadlines, warningCards } from './schema';
import { columnsOf, insertSql, selectList, tableName } from './statements';

const p = sql.placeholder;

/** Literal (not bound) conditions, so SQLite can use the partial indexes deadlines_outbox and deadlines_next_fire. */
const RUNNING_WITH_WAKE_UP = sql`${deadlines.running} = 1 AND ${deadlines.nextFireAt} IS NOT NULL`;

/** The deadline repository over one connection. */
export function sqliteDeadlines(db: SqliteDb): DeadlineRepository {
  const byId = db.select().from(deadlines).where(eq(deadlines.id, p('id'))).prepare();
  // oldest first: deadlines opened in the same millisecond keep the order they were written in
  const client = db.$client;
  // the write path's statements, plain better-sqlite3 (db/sqlite/statements.ts); booleans come back as 0/1
  const ofCase = client.prepare<[string], SqliteDeadlineRow>(`SELECT ${DEADLINE_SELECT} FROM ${tableName(deadlines)} WHERE "case_id" = ? ORDER BY "created_at", rowid`);
  const running = db
    .select()
    .from(deadlines)
    .where(and(eq(deadlines.caseId, p('caseId')), RUNNING))
    .prepare();
  // the running deadlines of a page of cases: one prepared statement, the ids as one JSON array (in the
  // order the deadlines_case index gives them: by case, then as written)
  const runningOfCases = client.prepare<[string], SqliteDeadlineRow>(
    `SELECT ${DEADLINE_SELECT} FROM ${tableName(deadlines)} WHERE "case_id" IN (SELECT value FROM json_each(?)) AND "running" = 1 ORDER BY "case_id", rowid`,
  );
  const insert = client.prepare(insertSql(deadlines));
  const close = client.prepare(
    `UPDATE ${tableName(deadlines)} SET "running" = 0, "status" = @status, "closed_at" = @closedAt, "lateness_ms" = @latenessMs, "next_fire_at" = NULL, "updated_at" = @closedAt ` +
      `WHERE "id" = @id AND "running" = 1`,
  );
  // a new revision is a new wake-up: whoever claimed the old one no longer holds it
  const schedule = {
    dueAt: sql`${p('dueAt')}`,
    suspendedAt: sql`${p('suspendedAt')}`,
    nextStep: sql`${p('nextStep')}`,
    nextFireAt: sql`${p('nextFireAt')}`,
    status: sql`${p('status')}`,
    warning: sql`${p('warning')}`,
    escalationLevel: sql`${p('escalationLevel')}`,
    scheduleRev: sql`${p('scheduleRev')}`,
    dispatchLeaseUntil: null,
    updatedAt: sql`${p('updatedAt')}`,
  };
  const atExpectedRev = and(eq(deadlines.id, p('id')), RUNNING, eq(deadlines.scheduleRev, p('expectedRev')));
  const reschedule = db.update(deadlines).set(schedule).where(atExpectedRev).prepare();
  const respec = db
    .update(deadlines)
    .set({ ...schedule, spec: sql`${p('spec')}`, basis: sql`${p('basis')}`, baseAt: sql`${p('baseAt')}`, originalDueAt: sql`${p('originalDueAt')}`, stateId: sql`${p('stateId')}` })
    .where(atExpectedRev)
    .prepare();
  // literal conditions of the partial index deadlines_next_fire, walked in next_fire_at order
  const overdueWakeUps = db
    .select({ deadlineId: deadlines.id, scheduleRev: deadlines.scheduleRev, nextFireAt: deadlines.nextFireAt })
    .from(deadlines)
    .where(and(RUNNING_WITH_WAKE_UP, sql`${deadlines.nextFireAt} < ${p('before')}`, sql`${deadlines.suspendedAt} IS NULL`))
    .orderBy(asc(deadlines.nextFireAt))
    .limit(p('limit'))
    .prepare();
  const issueCard = db
    .insert(warningCards)
    .values({ deadlineId: p('deadlineId'), caseId: p('caseId'), unit: p('unit'), warning: p('warning'), step: p('step'), issuedAt: p('issuedAt') })
    .onConflictDoNothing()
    .prepare();

  return {
    byId: async (id) => byId.get({ id }),
    ofCase: async (caseId) => ofCase.all(caseId).map(fromSqliteRow),
    runningOfCase: async (caseId) => running.all({ caseId }),
    runningOfCases: async (caseIds) => (caseIds.length === 0 ? [] : runningOfCases.all(JSON.stringify(caseIds)).map(fromSqliteRow)),
    insert: async (row: DeadlineRecord) => {
      insert.run(toSqliteParams(row));
    },
    close: async (closing) => close.run(closing).changes === 1,
    reschedule: async (id, expectedRev, change) => reschedule.run({ ...change, id, expectedRev }).changes === 1,
    respec: async (id, expectedRev, change) => respec.run({ ...change, id, expectedRev }).changes === 1,
    issueCard: async (card) => issueCard.run(card).changes === 1,
    overdueWakeUps: async (before, limit) => overdueWakeUps.all({ before, limit }),
    runningDueFrom: async (from) => db.select().from(deadlines).where(and(RUNNING, gte(deadlines.dueAt, from))).orderBy(asc(deadlines.dueAt), asc(deadlines.id)).all(),
  };
}

/** A deadline row as SQLite gives it: its booleans as 0/1. */
type SqliteDeadlineRow = Omit<DeadlineRecord, 'running' | 'period'> & { running: number; period: number };

const DEADLINE_SELECT = selectList(columnsOf(deadlines));

/** A deadline record from the row SQLite gives. */
const fromSqliteRow = (row: SqliteDeadlineRow): DeadlineRecord => ({ ...row, running: row.running === 1, period: row.period === 1 });

/** Placeholders bind raw values: booleans go in as SQLite's 0/1. */
function toSqliteParams(row: DeadlineRecord): Record<string, unknown> {
  return { ...row, running: row.running ? 1 : 0, period: row.period ? 1 : 0 };
}

/** The wake-up outbox over one connection. */
export function sqliteOutbox(db: SqliteDb): WakeUpOutbox {
  const wakeUp = { deadlineId: deadlines.id, scheduleRev: deadlines.scheduleRev, nextFireAt: deadlines.nextFireAt };
  const pending = db
    .select(wakeUp)
    .from(deadlines)
    .where(and(RUNNING_WITH_WAKE_UP, sql`${deadlines.dispatchedRev} IS NOT ${deadlines.scheduleRev}`, gt(deadlines.id, p('after'))))
    .orderBy(asc(deadlines.id))
    .limit(p('limit'))
    .prepare();
  const dispatched = db
    .select(wakeUp)
    .from(deadlines)
    .where(and(RUNNING_WITH_WAKE_UP, eq(deadlines.dispatchedRev, deadlines.scheduleRev), gt(deadlines.id, p('after'))))
    .orderBy(asc(deadlines.id))
    .limit(p('limit'))
    .prepare();
  // the pending rows no live lease holds, lowest id first, leased in one statement (the writer's turn
  // makes it atomic: no other dispatcher claims between the choice and the update)
  const claim = db
    .update(deadlines)
    .set({ dispatchLeaseUntil: sql`${p('leaseUntil')}` })
    .where(
      sql`${deadlines.id} IN (SELECT ${deadlines.id} FROM ${deadlines} WHERE ${RUNNING_WITH_WAKE_UP} AND ${deadlines.dispatchedRev} IS NOT ${deadlines.scheduleRev}
        AND (${deadlines.dispatchLeaseUntil} IS NULL OR ${deadlines.dispatchLeaseUntil} <= ${p('now')}) ORDER BY ${deadlines.id} LIMIT ${p('limit')})`,
    )
    .returning(wakeUp)
    .prepare();
  // one statement a batch: rows whose revision is still the one sent (a newer one stays in the outbox)
  const markBatch = db
    .update(deadlines)
    .set({ dispatchedRev: sql`${deadlines.scheduleRev}`, dispatchLeaseUntil: null })
    .where(sql`(${deadlines.id}, ${deadlines.scheduleRev}) IN (SELECT value ->> 0, value ->> 1 FROM json_each(${p('batch')}))`)
    .prepare();
  const returnBatch = db
    .update(deadlines)
    .set({ dispatchedRev: null, dispatchLeaseUntil: null })
    .where(sql`(${deadlines.id}, ${deadlines.scheduleRev}) IN (SELECT value ->> 0, value ->> 1 FROM json_each(${p('batch')}))`)
    .prepare();
  const releaseBatch = db
    .update(deadlines)
    .set({ dispatchLeaseUntil: null })
    .where(sql`(${deadlines.id}, ${deadlines.scheduleRev}) IN (SELECT value ->> 0, value ->> 1 FROM json_each(${p('batch')}))`)
    .prepare();
  const asJson = (batch: readonly Pick<WakeUp, 'deadlineId' | 'scheduleRev'>[]) => JSON.stringify(batch.map((w) => [w.deadlineId, w.scheduleRev]));

  return {
    pending: async (after, limit) => pending.all({ after, limit }),
    dispatched: async (after, limit) => dispatched.all({ after, limit }),
    claim: async (now, leaseUntil, limit) => byDeadlineId(claim.all({ now, leaseUntil, limit })),
    markDispatched: async (batch) => (batch.length ? markBatch.run({ batch: asJson(batch) }).changes : 0),
    returnToOutbox: async (batch) => (batch.length ? returnBatch.run({ batch: asJson(batch) }).changes : 0),
    release: async (batch) => (batch.length ? releaseBatch.run({ batch: asJson(batch) }).changes : 0),
  };
}
