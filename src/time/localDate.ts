/**
 * Local calendar dates ('YYYY-MM-DD', no time, no zone) and the wall-clock arithmetic of a time zone.
 * Dates are handled as epoch days (days since 1970-01-01) with integer arithmetic, so nothing here
 * depends on the host's time zone or clock. Zones come from luxon's IANA database.
 */
import { IANAZone } from 'luxon';

/** A local calendar date, 'YYYY-MM-DD'. */
export type LocalDate = string;

const MS_PER_DAY = 86_400_000;
const MS_PER_MINUTE = 60_000;
const DATE_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil). */
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const mp = (month + 9) % 12;
  const doy = Math.floor((153 * mp + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146_097 + doe - 719_468;
}

/** The proleptic Gregorian date of an epoch day (H. Hinnant's civil_from_days). */
function civilFromDays(epochDay: number): { year: number; month: number; day: number } {
  const z = epochDay + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  const year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  return { year, month, day };
}

/** The epoch day of a 'YYYY-MM-DD' string, or null if it is not a real date in that format. */
export function parseLocalDate(text: unknown): number | null {
  if (typeof text !== 'string') return null;
  const match = DATE_PATTERN.exec(text);
  if (!match) return null;
  const year = Number(match[1]);
  const month = Number(match[2]);
  const day = Number(match[3]);
  if (month < 1 || month > 12 || day < 1 || day > 31) return null;
  const epochDay = daysFromCivil(year, month, day);
  const back = civilFromDays(epochDay);
  return back.year === year && back.month === month && back.day === day ? epochDay : null;
}

/** The epoch day of a 'YYYY-MM-DD' string; throws naming `what` and the value if it is not a real date. */
export function toEpochDay(text: LocalDate, what = 'date'): number {
  const epochDay = parseLocalDate(text);
  if (epochDay === null) {
    throw new RangeError(`${what} ${JSON.stringify(text)} is not a real calendar date in the form YYYY-MM-DD`);
  }
  return epochDay;
}

/** The 'YYYY-MM-DD' string of an epoch day. */
export function fromEpochDay(epochDay: number): LocalDate {
  const { year, month, day } = civilFromDays(epochDay);
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/** The ISO weekday (1 = Monday … 7 = Sunday) of an epoch day. */
export function isoWeekday(epochDay: number): number {
  // 1970-01-01 was a Thursday (ISO 4).
  return ((((epochDay + 3) % 7) + 7) % 7) + 1;
}

/** The calendar year of an epoch day. */
export function yearOf(epochDay: number): number {
  return civilFromDays(epochDay).year;
}

/** Zones already checked: validating one builds an Intl formatter, far too slow for every deadline. */
const knownZones = new Map<string, IANAZone>();

/** A validated IANA time zone; throws naming the value if luxon does not know it. */
export function timeZoneOf(timeZone: string): IANAZone {
  const known = knownZones.get(timeZone);
  if (known) return known;
  if (typeof timeZone !== 'string' || !IANAZone.isValidZone(timeZone)) {
    throw new RangeError(`time zone ${JSON.stringify(timeZone)} is not a known IANA time zone (e.g. "Asia/Shanghai")`);
  }
  const zone = IANAZone.create(timeZone);
  knownZones.set(timeZone, zone);
  return zone;
}

/** Throws naming `what` and the value unless `ms` is a finite epoch-millisecond instant. */
export function assertInstant(ms: number, what: string): void {
  if (typeof ms !== 'number' || !Number.isFinite(ms)) {
    throw new RangeError(`${what} ${String(ms)} is not a finite epoch-millisecond time`);
  }
}

const MS_PER_HOUR = 3_600_000;
/** Hours remembered per zone before its cache starts afresh (about 11 years of hours). */
const HOURS_KEPT = 100_000;

/** Per zone, the offset of each UTC hour in which it does not change. */
const hourOffsets = new Map<string, Map<number, number>>();

const luxonOffsetMs = (zone: IANAZone, ms: number): number => Math.round(zone.offset(ms) * MS_PER_MINUTE);

/**
 * The offset (ms) of `zone` from UTC at the instant `ms`. Asking luxon builds the parts of an Intl
 * date each time, so the offset is remembered per zone and UTC hour, but only for an hour whose
 * first and last milliseconds have the same offset: an hour in which the zone changes its offset
 * (a DST switch, or a historical change at an odd minute) is asked of luxon at every instant.
 */
export function zoneOffsetMs(zone: IANAZone, ms: number): number {
  const hour = Math.floor(ms / MS_PER_HOUR);
  let hours = hourOffsets.get(zone.name);
  if (!hours) hourOffsets.set(zone.name, (hours = new Map<number, number>()));
  const known = hours.get(hour);
  if (known !== undefined) return known;
  const start = hour * MS_PER_HOUR;
  const offset = luxonOffsetMs(zone, start);
  if (luxonOffsetMs(zone, start + MS_PER_HOUR - 1) !== offset) return luxonOffsetMs(zone, ms);
  if (hours.size >= HOURS_KEPT) hours.clear();
  hours.set(hour, offset);
  return offset;
}

const offsetMs = zoneOffsetMs;

/** The local epoch day in `zone` of the instant `ms`. */
export function localEpochDay(ms: number, zone: IANAZone): number {
  return Math.floor((ms + offsetMs(zone, ms)) / MS_PER_DAY);
}

/**
 * The instant at which the wall clock in `zone` shows `minuteOfDay` on `epochDay`.
 * A wall time skipped by a DST change (spring forward) is moved forward by the gap (02:30 → 03:30);
 * a wall time that occurs twice (autumn fall back) resolves to the earlier or later occurrence as asked.
 */
export function wallTimeToInstant(epochDay: number, minuteOfDay: number, zone: IANAZone, prefer: 'earlier' | 'later'): number {
  const wall = epochDay * MS_PER_DAY + minuteOfDay * MS_PER_MINUTE;
  const offsets = new Set<number>();
  for (let k = -2; k <= 2; k++) offsets.add(offsetMs(zone, wall + k * 12 * 3_600_000));
  const candidates = [...offsets].map((o) => wall - o);
  const valid = candidates.filter((t) => t + offsetMs(zone, t) === wall);
  if (valid.length > 0) return prefer === 'earlier' ? Math.min(...valid) : Math.max(...valid);
  // In a gap the offset rises; the instant computed with the offset from before the gap is the
  // wall time moved forward by the gap.
  return Math.max(...candidates);
}

/** The first instant of local day `epochDay` in `zone`. */
export function startOfLocalDay(epochDay: number, zone: IANAZone): number {
  return wallTimeToInstant(epochDay, 0, zone, 'earlier');
}

/** The last millisecond (23:59:59.999 local) of local day `epochDay` in `zone`. */
export function endOfLocalDay(epochDay: number, zone: IANAZone): number {
  return startOfLocalDay(epochDay + 1, zone) - 1;
}

/** The local date ('YYYY-MM-DD') in `timeZone` of the instant `ms`. */
export function localDateOf(ms: number, timeZone: string): LocalDate {
  assertInstant(ms, 'time');
  return fromEpochDay(localEpochDay(ms, timeZoneOf(timeZone)));
}
