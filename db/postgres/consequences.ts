/**
 * Card consequences on PostgreSQL: the supervision actions a unit's cards triggered, with the status
 * of the case that carries each out. Holding a unit is a transaction advisory lock on its name, so
 * two transactions deciding the same unit's consequences take turns (READ COMMITTED would otherwise
 * let each count the cards without the other's).
 */
import { and, asc, desc, eq, gte, lt, max, sql, type SQL } from 'drizzle-orm';
import type { CardConsequenceRow } from '../records';
import type { ConsequenceRepository } from '../port';
import type { PostgresDb } from './connection';
import { cardConsequences, cases, deadlines, warningCards } from './schema';

/** The card consequences on one connection or transaction. */
export function postgresConsequences(db: PostgresDb): ConsequenceRepository {
  const rows = (where: SQL | undefined) =>
    db
      .select({ consequence: cardConsequences, status: cases.status, closedAt: cases.closedAt })
      .from(cardConsequences)
      .innerJoin(cases, eq(cases.id, cardConsequences.caseId))
      .where(where)
      .$dynamic();
  const flat = (r: { consequence: typeof cardConsequences.$inferSelect; status: 'open' | 'closed'; closedAt: number | null }): CardConsequenceRow => ({
    ...r.consequence,
    status: r.status,
    closedAt: r.closedAt,
  });
  return {
    holdUnit: async (unit) => {
      await db.execute(sql`SELECT pg_advisory_xact_lock(hashtextextended(${`caseflow:card-consequences:${unit}`}, 0))`);
    },
    cardsOfUnit: async (unit, since, until) =>
      db
        .select()
        .from(warningCards)
        .where(and(eq(warningCards.unit, unit), gte(warningCards.issuedAt, since), lt(warningCards.issuedAt, until)))
        .orderBy(asc(warningCards.issuedAt), asc(warningCards.id)),
    lastMetAt: async (unit) => {
      const [row] = await db
        .select({ at: max(deadlines.closedAt) })
        .from(deadlines)
        .where(and(eq(deadlines.unit, unit), sql`${deadlines.status} = 'met'`)) // a literal, so the partial index deadlines_unit_met serves it;
      return row?.at ?? null;
    },
    insert: async (row) => {
      await db.insert(cardConsequences).values(row);
    },
    ofUnit: async (unit) => (await rows(eq(cardConsequences.unit, unit)).orderBy(asc(cardConsequences.createdAt), asc(cardConsequences.caseId))).map(flat),
    list: async (period, filter) => {
      const where: SQL[] = [gte(cardConsequences.createdAt, period.since), lt(cardConsequences.createdAt, period.until)];
      if (filter.unit) where.push(eq(cardConsequences.unit, filter.unit));
      return (await rows(and(...where)).orderBy(desc(cardConsequences.createdAt), desc(cardConsequences.caseId)).limit(filter.limit)).map(flat);
    },
  };
}
