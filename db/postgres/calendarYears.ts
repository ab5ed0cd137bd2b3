/**
 * Imported calendar years on PostgreSQL: one row per calendar and year, replaced by a later import.
 */
import { asc, eq } from 'drizzle-orm';
import type { CalendarYearRepository } from '../port';
import type { PostgresDb } from './connection';
import { calendarYears } from './schema';

/** The imported calendar years on one connection or transaction. */
export function postgresCalendarYears(db: PostgresDb): CalendarYearRepository {
  return {
    ofCalendar: async (calendar) => db.select().from(calendarYears).where(eq(calendarYears.calendar, calendar)).orderBy(asc(calendarYears.year)),
    put: async (row) => {
      const { calendar: _c, year: _y, ...rest } = row;
      await db
        .insert(calendarYears)
        .values(row)
        .onConflictDoUpdate({ target: [calendarYears.calendar, calendarYears.year], set: rest });
    },
  };
}
