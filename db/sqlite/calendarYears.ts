/**
 * Imported calendar years on SQLite: one row per calendar and year, replaced by a later import.
 */
import { asc, eq } from 'drizzle-orm';
import type { CalendarYearRepository } from '../port';
import type { SqliteDb } from './connection';
import { calendarYears } from './schema';

/** The imported calendar years over one connection. */
export function sqliteCalendarYears(db: SqliteDb): CalendarYearRepository {
  return {
    ofCalendar: async (calendar) => db.select().from(calendarYears).where(eq(calendarYears.calendar, calendar)).orderBy(asc(calendarYears.year)).all(),
    put: async (row) => {
      const { calendar: _c, year: _y, ...rest } = row;
      db.insert(calendarYears)
        .values(row)
        .onConflictDoUpdate({ target: [calendarYears.calendar, calendarYears.year], set: rest })
        .run();
    },
  };
}
