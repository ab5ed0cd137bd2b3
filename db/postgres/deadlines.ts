/**
 * Deadline rows, warning cards and the wake-up outbox on PostgreSQL. The outbox conditions are
 * written literally (`running = true`, `IS DISTINCT FROM`) so that they match the partial indexes.
 */
import { and, asc, eq, getTableColumns, gt, inArray, isNull, lt, sql } from 'drizzle-orm';

import type { DeadlineRepository, WakeUpOutbox } from '../port';
import type { WakeUp } from '../records';
import { byDeadlineId } from '../wakeUps';
import type { PostgresDb } from './connection';
import { RUNNING } from './conditions';
import { deadlines, warningCards } from './schema';

/** Literal (not bound) conditions, so that they match the partial indexes deadlines_outbox and deadlines_next_fire. */
const RUNNING_WITH_WAKE_UP = sql`${deadlines.running} = true AND ${deadlines.nextFireAt} IS NOT NULL`;

/** A deadline row's columns but `seq` (the write order, PostgreSQL's alone): exactly the DeadlineRecord. */
const { seq: _seq, ...columns } = getTableColumns(deadlines);

/** The deadline repository on one connection or transaction. */
export function postgresDeadlines(db: PostgresDb): DeadlineRepository {
  return {
    byId: async (id) => (await db.select(columns).from(deadlines).where(eq(deadlines.id, id)))[0],
    // oldest first; of deadlines opened in the same millisecond, the one whose row was written first
    // (`seq`: PostgreSQL keeps no insertion order, a row's physical place moves when it is updated)
    ofCase: async (caseId) =>
      db
        .select(columns)
        .from(deadlines)
        .where(eq(deadlines.caseId, caseId))
        .orderBy(asc(deadlines.createdAt), asc(deadlines.seq)),
    runningOfCase: async (caseId) =>
      db
        .select(columns)
        .from(deadlines)
        .where(and(eq(deadlines.caseId, caseId), RUNNING)),
    insert: async (row) => {
      await db.insert(deadlines).values(row);
    },
    close: async (closing) => {
      const result = await db
        .update(deadlines)
        .set({
          running: false,
          status: closing.status,
          closedAt: closing.closedAt,
          latenessMs: closing.latenessMs,
          nextFireAt: null,
          updatedAt: closing.closedAt,
        })
        .where(and(eq(deadlines.id, closing.id), RUNNING));
      return result.rowCount === 1;
    },
    reschedule: async (id, expectedRev, change) => {
      const result = await db
        .update(deadlines)
        .set({
          dueAt: change.dueAt,
          suspendedAt: change.suspendedAt,
          nextStep: change.nextStep,
          nextFireAt: change.nextFireAt,
          status: change.status,
          warning: change.warning,
          escalationLevel: change.escalationLevel,
          scheduleRev: change.scheduleRev,
          // a new revision is a new wake-up: whoever claimed the old one no longer holds it
          dispatchLeaseUntil: null,
          updatedAt: change.updatedAt,
        })
        .where(and(eq(deadlines.id, id), RUNNING, eq(deadlines.scheduleRev, expectedRev)));
      return result.rowCount === 1;
    },
    // literal conditions of the partial index deadlines_next_fire, walked in next_fire_at order
    overdueWakeUps: async (before, limit) =>
      db
        .select({ deadlineId: deadlines.id, scheduleRev: deadlines.scheduleRev, nextFireAt: deadlines.nextFireAt })
        .from(deadlines)
        .where(and(RUNNING_WITH_WAKE_UP, lt(deadlines.nextFireAt, before), isNull(deadlines.suspendedAt)))
        .orderBy(asc(deadlines.nextFireAt))
        .limit(limit),
    issueCard: async (card) => {
      const result = await db.insert(warningCards).values(card).onConflictDoNothing();
      return result.rowCount === 1;
    },
  };
}

/** `(id, schedule_rev)` is one of the batch's: two arrays of one parameter each, whatever the batch's size. */
function inBatch(batch: readonly Pick<WakeUp, 'deadlineId' | 'scheduleRev'>[]) {
  const ids = sql.param(batch.map((w) => w.deadlineId));
  const revs = sql.param(batch.map((w) => w.scheduleRev));
  return sql`(${deadlines.id}, ${deadlines.scheduleRev}) IN (SELECT * FROM unnest(${ids}::text[], ${revs}::integer[]))`;
}

/** The wake-up outbox on one connection or transaction. */
export function postgresOutbox(db: PostgresDb): WakeUpOutbox {
  const wakeUp = { deadlineId: deadlines.id, scheduleRev: deadlines.scheduleRev, nextFireAt: deadlines.nextFireAt };
  return {
    pending: async (after, limit) =>
      db
        .select(wakeUp)
        .from(deadlines)
        .where(and(RUNNING_WITH_WAKE_UP, sql`${deadlines.dispatchedRev} IS DISTINCT FROM ${deadlines.scheduleRev}`, gt(deadlines.id, after)))
        .orderBy(asc(deadlines.id))
        .limit(limit),
    dispatched: async (after, limit) =>
      db
        .select(wakeUp)
        .from(deadlines)
        .where(and(RUNNING_WITH_WAKE_UP, eq(deadlines.dispatchedRev, deadlines.scheduleRev), gt(deadlines.id, after)))
        .orderBy(asc(deadlines.id))
        .limit(limit),
    // the pending rows no live lease holds and no other transaction has locked, lowest id first:
    // several dispatchers claim at once without waiting on each other or taking the same rows
    claim: async (now, leaseUntil, limit) => {
      const free = db
        .select({ id: deadlines.id })
        .from(deadlines)
        .where(
          and(
            RUNNING_WITH_WAKE_UP,
            sql`${deadlines.dispatchedRev} IS DISTINCT FROM ${deadlines.scheduleRev}`,
            sql`(${deadlines.dispatchLeaseUntil} IS NULL OR ${deadlines.dispatchLeaseUntil} <= ${now})`,
          ),
        )
        .orderBy(asc(deadlines.id))
        .limit(limit)
        .for('update', { skipLocked: true });
      const rows = await db
        .update(deadlines)
        .set({ dispatchLeaseUntil: leaseUntil })
        .where(inArray(deadlines.id, free))
        .returning(wakeUp);
      return byDeadlineId(rows);
    },
    // one statement a batch: rows whose revision is still the one sent (a newer one stays in the outbox)
    markDispatched: async (batch) => {
      if (batch.length === 0) return 0;
      const result = await db
        .update(deadlines)
        .set({ dispatchedRev: sql`${deadlines.scheduleRev}`, dispatchLeaseUntil: null })
        .where(inBatch(batch));
      return result.rowCount ?? 0;
    },
    release: async (batch) => {
      if (batch.length === 0) return 0;
      const result = await db.update(deadlines).set({ dispatchLeaseUntil: null }).where(inBatch(batch));
      return result.rowCount ?? 0;
    },
    returnToOutbox: async (batch) => {
      if (batch.length === 0) return 0;
      const result = await db.update(deadlines).set({ dispatchedRev: null, dispatchLeaseUntil: null }).where(inBatch(batch));
      return result.rowCount ?? 0;
    },
  };
}
