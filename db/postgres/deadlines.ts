/**
 * Deadline rows, warning cards and the wake-up outbox on PostgreSQL. The outbox conditions are
 * written literally (`running = true`, `IS DISTINCT FROM`) so that they match the partial indexes.
 */
import { and, asc, eq, gt, inArray, sql } from 'drizzle-orm';

import type { DeadlineRepository, WakeUpOutbox } from '../port';
import type { DeadlineRecord, DeadlineScheduleChange, WakeUp } from '../records';
import { byDeadlineId } from '../wakeUps';
import type { PostgresDb } from './connection';
import { deadlines, warningCards } from './schema';
import { columnsOf, insertStatement, named, selectList, tableName, type RunStatement } from './statements';

const DEADLINE_COLUMNS = columnsOf(deadlines, ['seq']);
const CARD_FIELDS = ['deadlineId', 'caseId', 'unit', 'warning', 'step', 'issuedAt'] as const;
const SELECT_DEADLINES = `SELECT ${selectList(DEADLINE_COLUMNS)} FROM ${tableName(deadlines)}`;
const deadlineById = named('deadline_by_id', `${SELECT_DEADLINES} WHERE "id" = $1`);
// oldest first; of deadlines opened in the same millisecond, the one whose row was written first
// (`seq`: PostgreSQL keeps no insertion order, a row's physical place moves when it is updated)
const deadlinesOfCase = named('deadlines_of_case', `${SELECT_DEADLINES} WHERE "case_id" = $1 ORDER BY "created_at", "seq"`);
const runningDueFrom = named('deadlines_running_due_from', `${SELECT_DEADLINES} WHERE "running" = true AND "due_at" >= $1 ORDER BY "due_at", "id"`);
const runningOfCase = named('deadlines_running_of_case', `${SELECT_DEADLINES} WHERE "case_id" = $1 AND "running" = true`);
const runningOfCases = named('deadlines_running_of_cases', `${SELECT_DEADLINES} WHERE "case_id" = ANY($1::text[]) AND "running" = true`);
const insertDeadline = insertStatement(
  'deadline_insert',
  deadlines,
  DEADLINE_COLUMNS.map(([field]) => field),
);
const closeDeadline = named(
  'deadline_close',
  `UPDATE ${tableName(deadlines)} SET "running" = false, "status" = $2, "closed_at" = $3, "lateness_ms" = $4, "next_fire_at" = NULL, "updated_at" = $3
    WHERE "id" = $1 AND "running" = true`,
);
// a new revision is a new wake-up: whoever claimed the old one no longer holds it
const rescheduleDeadline = named(
  'deadline_reschedule',
  `UPDATE ${tableName(deadlines)} SET "due_at" = $3, "suspended_at" = $4, "next_step" = $5, "next_fire_at" = $6, "status" = $7, "warning" = $8,
      "escalation_level" = $9, "schedule_rev" = $10, "updated_at" = $11, "dispatch_lease_until" = NULL
    WHERE "id" = $1 AND "running" = true AND "schedule_rev" = $2`,
);
const respecDeadline = named(
  'deadline_respec',
  `UPDATE ${tableName(deadlines)} SET "due_at" = $3, "suspended_at" = $4, "next_step" = $5, "next_fire_at" = $6, "status" = $7, "warning" = $8,
      "escalation_level" = $9, "schedule_rev" = $10, "updated_at" = $11, "spec" = $12, "basis" = $13, "base_at" = $14, "original_due_at" = $15,
      "state_id" = $16, "dispatch_lease_until" = NULL
    WHERE "id" = $1 AND "running" = true AND "schedule_rev" = $2`,
);

/** The parameters $1–$11 of a guarded schedule change: the row, its expected revision, and the new schedule. */
const scheduleParams = (id: string, expectedRev: number, change: DeadlineScheduleChange): unknown[] => [
  id,
  expectedRev,
  change.dueAt,
  change.suspendedAt,
  change.nextStep,
  change.nextFireAt,
  change.status,
  change.warning,
  change.escalationLevel,
  change.scheduleRev,
  change.updatedAt,
];

/** Literal (not bound) conditions, so that they match the partial indexes deadlines_outbox and deadlines_next_fire. */
const RUNNING_WITH_WAKE_UP = sql`${deadlines.running} = true AND ${deadlines.nextFireAt} IS NOT NULL`;
const RUNNING_WITH_WAKE_UP_TEXT = `"running" = true AND "next_fire_at" IS NOT NULL`;
// literal conditions of the partial index deadlines_next_fire, walked in next_fire_at order
const overdueWakeUps = named(
  'deadlines_overdue_wake_ups',
  `SELECT "id" AS "deadlineId", "schedule_rev" AS "scheduleRev", "next_fire_at" AS "nextFireAt" FROM ${tableName(deadlines)}
    WHERE ${RUNNING_WITH_WAKE_UP_TEXT} AND "next_fire_at" < $1 AND "suspended_at" IS NULL ORDER BY "next_fire_at" LIMIT $2`,
);
const issueCard = insertStatement('warning_card_insert', warningCards, CARD_FIELDS, 'ON CONFLICT DO NOTHING');


/** The deadline repository on one connection or transaction. */
export function postgresDeadlines(db: PostgresDb, run: RunStatement): DeadlineRepository {
  return {
    byId: async (id) => (await run<DeadlineRecord>(deadlineById, [id])).rows[0],
    ofCase: async (caseId) => (await run<DeadlineRecord>(deadlinesOfCase, [caseId])).rows,
    runningOfCase: async (caseId) => (await run<DeadlineRecord>(runningOfCase, [caseId])).rows,
    runningOfCases: async (caseIds) =>
      caseIds.length === 0 ? [] : (await run<DeadlineRecord>(runningOfCases, [[...caseIds]])).rows,
    insert: async (row) => {
      await run(insertDeadline, DEADLINE_COLUMNS.map(([field]) => row[field as keyof DeadlineRecord]));
    },
    close: async (closing) => (await run(closeDeadline, [closing.id, closing.status, closing.closedAt, closing.latenessMs])).rowCount === 1,
    reschedule: async (id, expectedRev, change) => (await run(rescheduleDeadline, scheduleParams(id, expectedRev, change))).rowCount === 1,
    respec: async (id, expectedRev, change) =>
      (await run(respecDeadline, [...scheduleParams(id, expectedRev, change), change.spec, change.basis, change.baseAt, change.originalDueAt, change.stateId])).rowCount === 1,
    overdueWakeUps: async (before, limit) => (await run<WakeUp>(overdueWakeUps, [before, limit])).rows,
    runningDueFrom: async (from) => (await run<DeadlineRecord>(runningDueFrom, [from])).rows,
    issueCard: async (card) => (await run(issueCard, CARD_FIELDS.map((field) => card[field]))).rowCount === 1,
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
