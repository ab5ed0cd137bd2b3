/**
 * Deadline arithmetic: when a limit falls due, when each escalation step fires, and how a
 * suspension ("stopping the clock") moves a due time. Pure functions of their arguments: the
 * base moment is passed in, the wall clock is never read. Times are epoch milliseconds.
 *
 * Rules, as caseworkers count them:
 * - duration: base + minutes of calendar time (a DST change does not stretch or shrink it).
 * - localTime "HH:mm" (+ dayOffset): that wall-clock time on the base's local day plus dayOffset
 *   days, in the case's time zone. If that moment is not after the base, the limit falls at the
 *   same wall time one day later ("aired 23:30, a 21:00 limit falls the next evening").
 *   A wall time skipped by a DST change is moved forward by the gap (02:30 → 03:30); a wall time
 *   that occurs twice falls at its later occurrence (the doubt goes to whoever must act).
 * - workingDays N: the day of receipt does not count; counting starts with the first working day
 *   after the base's local day, and the limit ends at the END of the N-th working day, 23:59:59.999
 *   local time. N = 0 means "the same day" (当日): the end of the base's local day.
 */
import type { DeadlineLimit, StepTiming } from '../../machines/types';
import type { WorkingDayCalendar } from './calendar';
import {
  assertInstant,
  endOfLocalDay,
  fromEpochDay,
  localEpochDay,
  timeZoneOf,
  toEpochDay,
  wallTimeToInstant,
  yearOf,
  type LocalDate,
} from './localDate';
import type { IANAZone } from 'luxon';

const MS_PER_MINUTE = 60_000;
const TIME_PATTERN = /^([01]\d|2[0-3]):([0-5]\d)$/;

/** Minutes after midnight of an 'HH:mm' time (00:00 to 23:59); throws naming the value otherwise. */
export function parseTimeOfDay(time: string): number {
  const match = typeof time === 'string' ? TIME_PATTERN.exec(time) : null;
  if (!match) throw new RangeError(`time ${JSON.stringify(time)} is not a time of day in the form HH:mm (00:00 to 23:59)`);
  return Number(match[1]) * 60 + Number(match[2]);
}

function wholeDays(value: unknown, what: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw new RangeError(`${what} must be a whole number of days, 0 or more; got ${JSON.stringify(value)}`);
  }
  return value;
}

function minutesToMs(value: unknown, what: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new RangeError(`${what} must be a number of minutes, 0 or more; got ${JSON.stringify(value)}`);
  }
  return Math.round(value * MS_PER_MINUTE);
}

/** The end (23:59:59.999 local) of the `days`-th working day after the local day of `ms`. */
function endOfWorkingDaysAfter(ms: number, days: number, zone: IANAZone, calendar: WorkingDayCalendar): number {
  const from = fromEpochDay(localEpochDay(ms, zone));
  return endOfLocalDay(toEpochDay(calendar.addWorkingDays(from, days)), zone);
}

/** When a limit falls due (epoch ms), counted from `baseMs` in `timeZone` with `calendar`; throws on invalid input. */
export function computeDueAt(limit: DeadlineLimit, baseMs: number, timeZone: string, calendar: WorkingDayCalendar): number {
  assertInstant(baseMs, 'base time');
  const zone = timeZoneOf(timeZone);
  switch (limit.kind) {
    case 'duration':
      return baseMs + minutesToMs(limit.minutes, 'a duration limit');
    case 'localTime': {
      const minuteOfDay = parseTimeOfDay(limit.time);
      const offset = wholeDays(limit.dayOffset ?? 0, 'the dayOffset of a localTime limit');
      const day = localEpochDay(baseMs, zone) + offset;
      const due = wallTimeToInstant(day, minuteOfDay, zone, 'later');
      return due > baseMs ? due : wallTimeToInstant(day + 1, minuteOfDay, zone, 'later');
    }
    case 'workingDays':
      return endOfWorkingDaysAfter(baseMs, wholeDays(limit.days, 'a workingDays limit'), zone, calendar);
    default: {
      const unknown: never = limit;
      throw new RangeError(`unknown deadline limit kind ${JSON.stringify((unknown as { kind?: unknown }).kind)}`);
    }
  }
}

/**
 * When an escalation step fires (epoch ms), for a deadline based at `baseMs` and due at `dueMs`:
 * fractionOfLimit f → base + f·(due − base); afterDue m → due + m minutes;
 * afterDueWorkingDays n → end (23:59:59.999 local) of the n-th working day after the due's local day.
 */
export function computeStepAt(
  timing: StepTiming,
  baseMs: number,
  dueMs: number,
  timeZone: string,
  calendar: WorkingDayCalendar,
): number {
  assertInstant(baseMs, 'base time');
  assertInstant(dueMs, 'due time');
  const zone = timeZoneOf(timeZone);
  switch (timing.kind) {
    case 'fractionOfLimit': {
      const f = timing.fraction;
      if (typeof f !== 'number' || !Number.isFinite(f) || f < 0 || f > 1) {
        throw new RangeError(`the fraction of a fractionOfLimit step must be between 0 and 1; got ${JSON.stringify(f)}`);
      }
      if (dueMs < baseMs) {
        throw new RangeError(
          `due time ${new Date(dueMs).toISOString()} is before base time ${new Date(baseMs).toISOString()}: no fraction of the limit can be taken`,
        );
      }
      return baseMs + Math.round(f * (dueMs - baseMs));
    }
    case 'afterDue':
      return dueMs + minutesToMs(timing.minutes, 'an afterDue step');
    case 'afterDueWorkingDays':
      return endOfWorkingDaysAfter(dueMs, wholeDays(timing.days, 'an afterDueWorkingDays step'), zone, calendar);
    default: {
      const unknown: never = timing;
      throw new RangeError(`unknown step timing kind ${JSON.stringify((unknown as { kind?: unknown }).kind)}`);
    }
  }
}

/** A period during which a deadline's clock stood still (epoch ms): from `suspendedAt` until `resumedAt`. */
export interface Suspension {
  suspendedAt: number;
  resumedAt: number;
}

function checkSuspension(suspension: Suspension): void {
  assertInstant(suspension.suspendedAt, 'suspension start');
  assertInstant(suspension.resumedAt, 'suspension end');
  if (suspension.resumedAt < suspension.suspendedAt) {
    throw new RangeError(
      `a suspension cannot end (${new Date(suspension.resumedAt).toISOString()}) before it starts (${new Date(suspension.suspendedAt).toISOString()})`,
    );
  }
}

/**
 * Working days a suspension took away: those after the local day it began, up to and including the
 * local day it ended. The day the clock stops still counts against the limit; the day it restarts
 * does not (like a day of receipt). A suspension within one day takes away none.
 */
export function suspendedWorkingDays(suspension: Suspension, timeZone: string, calendar: WorkingDayCalendar): number {
  checkSuspension(suspension);
  const zone = timeZoneOf(timeZone);
  const from: LocalDate = fromEpochDay(localEpochDay(suspension.suspendedAt, zone));
  const through: LocalDate = fromEpochDay(localEpochDay(suspension.resumedAt, zone));
  return calendar.countWorkingDays(from, through);
}

/**
 * The due time of a deadline after one suspension ("stopping the clock"); apply once per suspension.
 * - duration and localTime limits: due + (resumedAt − suspendedAt), calendar time.
 * - workingDays limits: the due moves to the end of the k-th working day after its local day, where
 *   k = `suspendedWorkingDays(...)`; unchanged when k = 0.
 * A suspension that begins at or after the due time does not move it: the limit had already run out.
 */
export function dueAfterSuspension(
  limit: DeadlineLimit,
  dueMs: number,
  suspension: Suspension,
  timeZone: string,
  calendar: WorkingDayCalendar,
): number {
  assertInstant(dueMs, 'due time');
  checkSuspension(suspension);
  const zone = timeZoneOf(timeZone);
  if (suspension.suspendedAt >= dueMs) return dueMs;
  switch (limit.kind) {
    case 'duration':
    case 'localTime':
      return dueMs + (suspension.resumedAt - suspension.suspendedAt);
    case 'workingDays': {
      const lost = suspendedWorkingDays(suspension, timeZone, calendar);
      return lost === 0 ? dueMs : endOfWorkingDaysAfter(dueMs, lost, zone, calendar);
    }
    default: {
      const unknown: never = limit;
      throw new RangeError(`unknown deadline limit kind ${JSON.stringify((unknown as { kind?: unknown }).kind)}`);
    }
  }
}

/**
 * A wall-clock rule ("the 21:00 rule"): due at `time` (HH:mm) local time on the base's local day in
 * `timeZone`, and at least `atLeastMinutes` after the base — whichever is later. Aired at 20:00, a
 * 21:00 / 60-minute rule falls due at 21:00; aired at 20:30, at 21:30; aired at 23:00, at 00:00.
 */
export function computeWallClockDue(baseMs: number, time: string, atLeastMinutes: number, timeZone: string): number {
  assertInstant(baseMs, 'base time');
  const zone = timeZoneOf(timeZone);
  const onTheDay = wallTimeToInstant(localEpochDay(baseMs, zone), parseTimeOfDay(time), zone, 'later');
  return Math.max(onTheDay, baseMs + minutesToMs(atLeastMinutes, 'the least time after the base'));
}

/**
 * The flag of a due moment counted in working days past the last year the calendar covers, e.g.
 * "provisional: the 2027 calendar is not loaded"; null when the moment is firm (or not counted in
 * working days). Such a moment counts the unknown year as plain Monday–Friday weeks.
 */
export function provisionalNote(limit: { kind: string }, dueAt: number, timeZone: string, calendar: WorkingDayCalendar): string | null {
  if (limit.kind !== 'workingDays' || calendar.lastYear === null) return null;
  const year = yearOf(localEpochDay(dueAt, timeZoneOf(timeZone)));
  return year > calendar.lastYear ? `provisional: the ${calendar.lastYear + 1} calendar is not loaded` : null;
}
