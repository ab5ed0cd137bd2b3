/**
 * What supervisors watch: overdue cases by lateness, escalations, each unit's on-time completion
 * rate and warning cards over a period, and open cases per state. Read-only queries over indexes.
 */
import { and, asc, count, desc, eq, gte, inArray, isNull, lt, not, notInArray, or, sql, type SQL } from 'drizzle-orm';
import type { CaseflowDb } from '../db';
import { cases, deadlines, warningCards } from '../db/schema';
import { isOfficial } from './auth/officials';

export interface Period {
  /** Start, inclusive (epoch ms). */
  since: number;
  /** End, exclusive (epoch ms). */
  until: number;
}

export interface OverdueCase {
  caseId: string;
  type: string;
  state: string;
  unit: string | null;
  assignee: string | null;
  deadlineId: string;
  deadlineKind: string;
  dueAt: string;
  latenessMs: number;
  warning: string;
  escalationLevel: number;
}

/** Running deadlines past due, latest first (most overdue at the top), optionally for one unit. */
export function overdueCases(db: CaseflowDb, now: number, filter: { unit?: string; type?: string; limit?: number; notAbout?: string } = {}): OverdueCase[] {
  // a stopped clock or a minimum period (public notice, probation) is never overdue
  const where: SQL[] = [
    sql`${deadlines.running} = 1`, // literal, so SQLite can use the partial index deadlines_unit_running_due
    eq(deadlines.period, false),
    isNull(deadlines.suspendedAt),
    inArray(deadlines.status, ['pending', 'overdue']),
    lt(deadlines.dueAt, now),
  ];
  if (filter.unit) where.push(eq(deadlines.unit, filter.unit));
  if (filter.type) where.push(eq(deadlines.caseType, filter.type));
  if (filter.notAbout) where.push(or(isNull(cases.subjectId), not(isOfficial(cases.subjectId, filter.notAbout)))!);
  return db
    .select({
      caseId: cases.id,
      type: cases.type,
      state: cases.state,
      unit: cases.unit,
      assignee: cases.assignee,
      deadlineId: deadlines.id,
      deadlineKind: deadlines.kind,
      dueAt: deadlines.dueAt,
      warning: deadlines.warning,
      escalationLevel: deadlines.escalationLevel,
    })
    .from(deadlines)
    .innerJoin(cases, eq(cases.id, deadlines.caseId))
    .where(and(...where))
    .orderBy(asc(deadlines.dueAt), asc(deadlines.id))
    .limit(Math.min(Math.max(filter.limit ?? 100, 1), 1000))
    .all()
    .map((r) => ({ ...r, dueAt: new Date(r.dueAt).toISOString(), latenessMs: now - r.dueAt }));
}

export interface Escalation {
  caseId: string;
  deadlineId: string;
  unit: string | null;
  step: string;
  issuedAt: string;
}

/** Red cards (escalations) issued in a period, newest first. */
export function escalations(db: CaseflowDb, period: Period, filter: { unit?: string; limit?: number; notAbout?: string } = {}): Escalation[] {
  const where: SQL[] = [eq(warningCards.warning, 'red'), gte(warningCards.issuedAt, period.since), lt(warningCards.issuedAt, period.until)];
  if (filter.unit) where.push(eq(warningCards.unit, filter.unit));
  if (filter.notAbout) where.push(notInArray(warningCards.caseId, db.select({ id: cases.id }).from(cases).where(isOfficial(cases.subjectId, filter.notAbout))));
  return db
    .select({ caseId: warningCards.caseId, deadlineId: warningCards.deadlineId, unit: warningCards.unit, step: warningCards.step, issuedAt: warningCards.issuedAt })
    .from(warningCards)
    .where(and(...where))
    .orderBy(desc(warningCards.issuedAt))
    .limit(Math.min(Math.max(filter.limit ?? 100, 1), 1000))
    .all()
    .map((r) => ({ ...r, issuedAt: new Date(r.issuedAt).toISOString() }));
}

export interface OnTimeRate {
  unit: string | null;
  met: number;
  late: number;
  /** met / (met + late), or null when nothing closed in the period. */
  rate: number | null;
}

/** Per unit: of the deadlines closed in the period, how many were met on time (按时办结率). */
export function onTimeRates(db: CaseflowDb, period: Period, filter: { unit?: string } = {}): OnTimeRate[] {
  // `running = 0` written literally, so SQLite can use the partial index deadlines_closed
  const where: SQL[] = [
    sql`${deadlines.running} = 0`,
    gte(deadlines.closedAt, period.since),
    lt(deadlines.closedAt, period.until),
  ];
  if (filter.unit) where.push(eq(deadlines.unit, filter.unit));
  return db
    .select({
      unit: deadlines.unit,
      met: sql<number>`sum(case when ${deadlines.status} = 'met' then 1 else 0 end)`,
      late: sql<number>`sum(case when ${deadlines.status} = 'overdue' then 1 else 0 end)`,
    })
    .from(deadlines)
    .where(and(...where))
    .groupBy(deadlines.unit)
    .orderBy(asc(deadlines.unit))
    .all()
    // cancelled deadlines count as neither met nor late, so a unit may have none of either
    .filter((r) => r.met + r.late > 0)
    .map((r) => ({ ...r, rate: r.met / (r.met + r.late) }));
}

export interface WarningCardCount {
  unit: string | null;
  blue: number;
  yellow: number;
  red: number;
}

/** Per unit: blue, yellow and red cards issued in the period. */
export function warningCardCounts(db: CaseflowDb, period: Period, filter: { unit?: string } = {}): WarningCardCount[] {
  const where: SQL[] = [gte(warningCards.issuedAt, period.since), lt(warningCards.issuedAt, period.until)];
  if (filter.unit) where.push(eq(warningCards.unit, filter.unit));
  const card = (colour: string) => sql<number>`sum(case when ${warningCards.warning} = ${colour} then 1 else 0 end)`;
  return db
    .select({ unit: warningCards.unit, blue: card('blue'), yellow: card('yellow'), red: card('red') })
    .from(warningCards)
    .where(and(...where))
    .groupBy(warningCards.unit)
    .orderBy(asc(warningCards.unit))
    .all();
}

export interface StateCount {
  type: string;
  state: string;
  count: number;
}

/** How many open cases stand in each state, by case type. */
export function countsByState(db: CaseflowDb, filter: { type?: string } = {}): StateCount[] {
  const where: SQL[] = [eq(cases.status, 'open')];
  if (filter.type) where.push(eq(cases.type, filter.type));
  return db
    .select({ type: cases.type, state: cases.state, count: count() })
    .from(cases)
    .where(and(...where))
    .groupBy(cases.type, cases.state)
    .orderBy(asc(cases.type), asc(cases.state))
    .all();
}
