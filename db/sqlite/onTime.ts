/**
 * The on-time rollup on SQLite: one row per office day, owner and unit, added to by the writer as it
 * closes deadlines, summed over the days of a period by the supervisors' rates.
 */
import { and, asc, desc, eq, gte, lt, sql, type SQL } from 'drizzle-orm';
import type { OnTimeRollupRepository } from '../port';
import type { SqliteDb } from './connection';
import { onTimeDays } from './schema';

const p = sql.placeholder;

/** The on-time rollup over one connection. */
export function sqliteOnTime(db: SqliteDb): OnTimeRollupRepository {
  // the supervisors' read, prepared once per connection: building it on every call costs more than running it
  const counted = (...where: SQL[]) =>
    db
      .select({
        owner: onTimeDays.owner,
        unit: onTimeDays.unit,
        met: sql<number>`sum(${onTimeDays.met})`,
        late: sql<number>`sum(${onTimeDays.late})`,
      })
      .from(onTimeDays)
      .where(and(gte(onTimeDays.dayStart, sql.placeholder('since')), lt(onTimeDays.dayStart, sql.placeholder('until')), ...where))
      .groupBy(onTimeDays.owner, onTimeDays.unit)
      .orderBy(desc(onTimeDays.owner), asc(onTimeDays.unit))
      .prepare();
  const ofAll = counted();
  const ofUnit = counted(eq(onTimeDays.unit, sql.placeholder('unit')), eq(onTimeDays.owner, 'unit'));
  // the writer's upsert, prepared once per connection too: it runs for every closing of a deadline
  const add = db
    .insert(onTimeDays)
    .values({ dayStart: p('dayStart'), owner: p('owner'), unit: p('unit'), met: p('met'), late: p('late') })
    .onConflictDoUpdate({
      target: [onTimeDays.dayStart, onTimeDays.owner, onTimeDays.unit],
      set: { met: sql`${onTimeDays.met} + excluded.met`, late: sql`${onTimeDays.late} + excluded.late` },
    })
    .prepare();
  return {
    add: async (rows) => {
      for (const row of rows) add.run({ ...row });
    },

    counts: async (days, filter) => {
      const rows = filter.unit ? ofUnit.all({ ...days, unit: filter.unit }) : ofAll.all({ since: days.since, until: days.until });
      return rows.filter((r) => r.met + r.late > 0).map((r) => ({ ...r, unit: r.unit === '' ? null : r.unit }));
    },

    rebuild: async (utcOffsetMs) => {
      // the offset is bound as a float: the day is cut with integer division after an explicit cast
      db.delete(onTimeDays).run();
      const result = db.run(sql`
        INSERT INTO on_time_days (day_start, owner, unit, met, late)
        SELECT (CAST(closed_at + ${utcOffsetMs} AS INTEGER) / 86400000) * 86400000 - ${utcOffsetMs}, owner,
               CASE WHEN owner = 'office' THEN '' ELSE coalesce(unit, '') END,
               sum(CASE WHEN status = 'met' THEN 1 ELSE 0 END), sum(CASE WHEN status = 'overdue' THEN 1 ELSE 0 END)
        FROM deadlines
        WHERE running = 0 AND closed_at IS NOT NULL AND status IN ('met', 'overdue')
        GROUP BY 1, 2, 3`);
      return result.changes;
    },
  };
}
