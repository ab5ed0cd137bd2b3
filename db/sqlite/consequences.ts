/**
 * Card consequences on SQLite: the supervision actions a unit's cards triggered, with the status of
 * the case that carries each out. SQLite's write transactions already take turns, so holding a
 * unit needs no lock of its own.
 */
import { and, asc, desc, eq, gte, lt, max, sql, type SQL } from 'drizzle-orm';
import type { CardConsequenceRow } from '../records';
import type { ConsequenceRepository } from '../port';
import type { SqliteDb } from './connection';
import { cardConsequences, cases, deadlines, warningCards } from './schema';

/** The card consequences over one connection. */
export function sqliteConsequences(db: SqliteDb): ConsequenceRepository {
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
  // the reads every red or yellow card makes inside its firing transaction: prepared once per connection
  const p = sql.placeholder;
  const cardsOfUnit = db
    .select()
    .from(warningCards)
    .where(and(eq(warningCards.unit, p('unit')), gte(warningCards.issuedAt, p('since')), lt(warningCards.issuedAt, p('until'))))
    .orderBy(asc(warningCards.issuedAt), asc(warningCards.id))
    .prepare();
  const lastMetAt = db
    .select({ at: max(deadlines.closedAt) })
    .from(deadlines)
    .where(and(eq(deadlines.unit, p('unit')), sql`${deadlines.status} = 'met'`)) // a literal, so the partial index deadlines_unit_met serves it
    .prepare();
  const ofUnit = rows(eq(cardConsequences.unit, p('unit'))).orderBy(asc(cardConsequences.createdAt), asc(cardConsequences.caseId)).prepare();
  return {
    holdUnit: async () => undefined,
    cardsOfUnit: async (unit, since, until) => cardsOfUnit.all({ unit, since, until }),
    lastMetAt: async (unit) => lastMetAt.all({ unit })[0]?.at ?? null,
    insert: async (row) => {
      db.insert(cardConsequences).values(row).run();
    },
    ofUnit: async (unit) => ofUnit.all({ unit }).map(flat),
    list: async (period, filter) => {
      const where: SQL[] = [gte(cardConsequences.createdAt, period.since), lt(cardConsequences.createdAt, period.until)];
      if (filter.unit) where.push(eq(cardConsequences.unit, filter.unit));
      return rows(and(...where)).orderBy(desc(cardConsequences.createdAt), desc(cardConsequences.caseId)).limit(filter.limit).all().map(flat);
    },
  };
}
