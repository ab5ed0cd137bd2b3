/**
 * Supervisors' read model on PostgreSQL: overdue deadlines, escalations, closed deadlines and cards
 * per unit, open cases per state. `running = true/false` is written literally to match the partial
 * indexes; sums and counts come back as int8, read as numbers.
 */
import { and, asc, count, desc, eq, gte, inArray, isNull, lt, ne, notInArray, or, sql, type SQL } from 'drizzle-orm';
import type { SupervisionReadModel } from '../port';
import type { PostgresDb } from './connection';
import { NOT_A_PERIOD, RUNNING } from './conditions';
import { cases, deadlines, warningCards } from './schema';

/** How many rows meet `condition`, as a number. */
const countWhere = (condition: SQL) => sql<number>`count(*) filter (where ${condition})`.mapWith(Number);
/** Units in SQLite's order: no unit first. */
const byUnit = (unit: typeof deadlines.unit | typeof warningCards.unit) => sql`${unit} asc nulls first`;

/** The supervision read model on one connection or transaction. */
export function postgresSupervision(db: PostgresDb): SupervisionReadModel {
  return {
    overdue: async (now, filter) => {
      // a stopped clock or a minimum period (public notice, probation) is never overdue; one that
      // lapsed stays listed after an extension (status overdue, due again later)
      const where: SQL[] = [
        RUNNING,
        NOT_A_PERIOD,
        isNull(deadlines.suspendedAt),
        inArray(deadlines.status, ['pending', 'overdue']),
        or(lt(deadlines.dueAt, now), eq(deadlines.status, 'overdue'))!,
      ];
      if (filter.unit) where.push(eq(deadlines.unit, filter.unit));
      if (filter.type) where.push(eq(deadlines.caseType, filter.type));
      if (filter.warning) where.push(eq(deadlines.warning, filter.warning));
      if (filter.escalationLevel !== undefined) where.push(eq(deadlines.escalationLevel, filter.escalationLevel));
      if (filter.notAbout) where.push(or(isNull(cases.subjectId), ne(cases.subjectId, filter.notAbout))!);
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
          originalDueAt: deadlines.originalDueAt,
          warning: deadlines.warning,
          escalationLevel: deadlines.escalationLevel,
          spec: deadlines.spec,
          timeZone: deadlines.timeZone,
        })
        .from(deadlines)
        .innerJoin(cases, eq(cases.id, deadlines.caseId))
        .where(and(...where))
        .orderBy(asc(deadlines.dueAt), asc(deadlines.id))
        .limit(filter.limit);
    },

    escalations: async (period, filter) => {
      const where: SQL[] = [eq(warningCards.warning, 'red'), gte(warningCards.issuedAt, period.since), lt(warningCards.issuedAt, period.until)];
      if (filter.unit) where.push(eq(warningCards.unit, filter.unit));
      if (filter.notAbout) where.push(notInArray(warningCards.caseId, db.select({ id: cases.id }).from(cases).where(eq(cases.subjectId, filter.notAbout))));
      return db
        .select({ caseId: warningCards.caseId, deadlineId: warningCards.deadlineId, unit: warningCards.unit, step: warningCards.step, issuedAt: warningCards.issuedAt })
        .from(warningCards)
        .where(and(...where))
        .orderBy(desc(warningCards.issuedAt))
        .limit(filter.limit);
    },

    closedDeadlineCounts: async (period, filter) => {
      const where: SQL[] = [sql`${deadlines.running} = false`, gte(deadlines.closedAt, period.since), lt(deadlines.closedAt, period.until)];
      if (filter.unit) where.push(eq(deadlines.unit, filter.unit), eq(deadlines.owner, 'unit'));
      // the office's own limits form one row of their own, whichever unit the case is about
      const party = sql<string>`case when ${deadlines.owner} = 'office' then '' else coalesce(${deadlines.unit}, '') end`;
      const rows = await db
        .select({
          owner: deadlines.owner,
          unit: party,
          met: countWhere(sql`${deadlines.status} = 'met'`),
          late: countWhere(sql`${deadlines.status} = 'overdue'`),
        })
        .from(deadlines)
        .where(and(...where))
        .groupBy(deadlines.owner, party)
        .orderBy(desc(deadlines.owner), sql`${party} collate "C" asc`);
      // cancelled deadlines count as neither met nor late, so a unit may have none of either
      return rows.filter((r) => r.met + r.late > 0).map((r) => ({ ...r, unit: r.unit === '' ? null : r.unit }));
    },

    warningCardCounts: async (period, filter) => {
      const where: SQL[] = [gte(warningCards.issuedAt, period.since), lt(warningCards.issuedAt, period.until)];
      if (filter.unit) where.push(eq(warningCards.unit, filter.unit));
      const cards = (colour: 'blue' | 'yellow' | 'red') => countWhere(sql`${warningCards.warning} = ${colour}`);
      return db
        .select({ unit: warningCards.unit, blue: cards('blue'), yellow: cards('yellow'), red: cards('red') })
        .from(warningCards)
        .where(and(...where))
        .groupBy(warningCards.unit)
        .orderBy(byUnit(warningCards.unit));
    },

    stateCounts: async (filter) => {
      const where: SQL[] = [eq(cases.status, 'open')];
      if (filter.type) where.push(eq(cases.type, filter.type));
      return db
        .select({ type: cases.type, state: cases.state, count: count() })
        .from(cases)
        .where(and(...where))
        .groupBy(cases.type, cases.state)
        .orderBy(asc(cases.type), asc(cases.state));
    },
  };
}
