/**
 * The on-time rollup, decided purely: the met and late counts a command's deadline closings add to
 * the office day they closed on (written by the one writer, in the same transaction), and how a
 * reporting period splits into whole office days (read from the rollup) and the partial days at
 * either end (counted from the closed deadlines themselves).
 */
import { DateTime } from 'luxon';
import type { DeadlineClosing, DeadlineRecord, OnTimeCountRecord, OnTimeDayRecord, PeriodQuery } from '../../db/port';
import { DEFAULT_TIME_ZONE } from '../../machines/types';

/** The office's time zone: its days are the rollup's days, as they are the ledger's. */
export const OFFICE_TIME_ZONE = DEFAULT_TIME_ZONE;

/** The office day last asked for, [start, end) in epoch ms: closings come in runs on one day. */
let lastDay = { start: 0, end: 0 };

/** The start (epoch ms) of the office day that `at` falls on. */
export function officeDayStart(at: number): number {
  if (at >= lastDay.start && at < lastDay.end) return lastDay.start;
  const day = DateTime.fromMillis(at, { zone: OFFICE_TIME_ZONE }).startOf('day');
  lastDay = { start: day.toMillis(), end: day.plus({ days: 1 }).toMillis() };
  return lastDay.start;
}

/** The office zone's offset from UTC at `at`, in ms (the rollup rebuild counts days at it). */
export const officeUtcOffsetMs = (at: number): number => DateTime.fromMillis(at, { zone: OFFICE_TIME_ZONE }).offset * 60_000;

/**
 * The rollup rows `closings` add: per office day, owner and unit, how many closed met and how many
 * late (a deadline extended after it lapsed closes as overdue: late stays late). The office's own
 * limits count for the office, whichever unit the case is about.
 */
export function onTimeTallies(rows: readonly DeadlineRecord[], closings: readonly DeadlineClosing[]): OnTimeDayRecord[] {
  const byId = new Map(rows.map((row) => [row.id, row]));
  const tallies = new Map<string, OnTimeDayRecord>();
  for (const closing of closings) {
    const row = byId.get(closing.id);
    if (!row || closing.status === 'cancelled') continue;
    const dayStart = officeDayStart(closing.closedAt);
    const unit = row.owner === 'office' ? '' : (row.unit ?? '');
    const key = `${dayStart}|${row.owner}|${unit}`;
    let tally = tallies.get(key);
    if (!tally) tallies.set(key, (tally = { dayStart, owner: row.owner, unit, met: 0, late: 0 }));
    if (closing.status === 'met') tally.met++;
    else tally.late++;
  }
  return [...tallies.values()];
}

/** A period split at office midnights: the whole days inside it (or null), and the parts of a day before and after them. */
export function splitAtOfficeDays(period: PeriodQuery): { days: PeriodQuery | null; partialDays: PeriodQuery[] } {
  const firstDay = officeDayStart(period.since);
  const since = firstDay === period.since ? firstDay : DateTime.fromMillis(firstDay, { zone: OFFICE_TIME_ZONE }).plus({ days: 1 }).toMillis();
  const until = officeDayStart(period.until);
  if (since >= until) return { days: null, partialDays: period.since < period.until ? [period] : [] };
  const partialDays = [
    { since: period.since, until: since },
    { since: until, until: period.until },
  ].filter((part) => part.since < part.until);
  return { days: { since, until }, partialDays };
}

/** Adds up counts of the same owner and unit, in the rollup's order: units by name (none first), the office last. */
export function sumCounts(parts: readonly (readonly OnTimeCountRecord[])[]): OnTimeCountRecord[] {
  const sums = new Map<string, OnTimeCountRecord>();
  for (const part of parts) {
    for (const row of part) {
      const key = `${row.owner}|${row.unit ?? ''}`;
      const sum = sums.get(key);
      if (sum) {
        sum.met += row.met;
        sum.late += row.late;
      } else sums.set(key, { ...row });
    }
  }
  const order = (r: OnTimeCountRecord) => `${r.owner === 'office' ? 1 : 0}${r.unit ?? ''}`;
  return [...sums.values()].sort((a, b) => (order(a) < order(b) ? -1 : order(a) > order(b) ? 1 : 0));
}
