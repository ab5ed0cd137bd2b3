/**
 * The on-time rollup on PostgreSQL: one row per office day, owner and unit, added to by the writer
 * as it closes deadlines, summed over the days of a period by the supervisors' rates.
 */
import { and, desc, eq, gte, lt, sql, type SQL } from 'drizzle-orm';
import type { OnTimeRollupRepository } from '../port';
import type { PostgresDb } from './connection';
import { onTimeDays } from './schema';

/** The on-time rollup on one connection or transaction. */
export function postgresOnTime(db: PostgresDb): OnTimeRollupRepository {
  return {
    add: async (rows) => {
      for (const row of rows) {
        await db
          .insert(onTimeDays)
          .values(row)
          .onConflictDoUpdate({
            target: [onTimeDays.dayStart, onTimeDays.owner, onTimeDays.unit],
            set: { met: sql`${onTimeDays.met} + excluded.met`, late: sql`${onTimeDays.late} + excluded.late` },
          });
      }
    },

    counts: async (days, filter) => {
      const where: SQL[] = [gte(onTimeDays.dayStart, days.since), lt(onTimeDays.dayStart, days.until)];
      if (filter.unit) where.push(eq(onTimeDays.unit, filter.unit), eq(onTimeDays.owner, 'unit'));
      const rows = await db
        .select({
          owner: onTimeDays.owner,
          unit: onTimeDays.unit,
          met: sql<number>`sum(${onTimeDays.met})`.mapWith(Number),
          late: sql<number>`sum(${onTimeDays.late})`.mapWith(Number),
        })
        .from(onTimeDays)
        .where(and(...where))
        .groupBy(onTimeDays.owner, onTimeDays.unit)
        .orderBy(desc(onTimeDays.owner), sql`${onTimeDays.unit} collate "C" asc`);
      return rows.filter((r) => r.met + r.late > 0).map((r) => ({ ...r, unit: r.unit === '' ? null : r.unit }));
    },

    rebuild: async (utcOffsetMs) => {
      await db.delete(onTimeDays);
      const offset = sql`${utcOffsetMs}::bigint`;
      const result = await db.execute(sql`
        INSERT INTO on_time_days (day_start, owner, unit, met, late)
        SELECT ((closed_at + ${offset}) / 86400000) * 86400000 - ${offset}, owner,
               CASE WHEN owner = 'office' THEN '' ELSE coalesce(unit, '') END,
               count(*) FILTER (WHERE status = 'met'), count(*) FILTER (WHERE status = 'overdue')
        FROM deadlines
        WHERE running = false AND closed_at IS NOT NULL AND status IN ('met', 'overdue')
        GROUP BY 1, 2, 3`);
      return result.rowCount ?? 0;
    },
  };
}
