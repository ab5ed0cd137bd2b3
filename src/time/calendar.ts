/**
 * Working-day calendars: which local dates are working days for counting time limits.
 *
 * A calendar is a weekly weekend (ISO weekdays, Saturday and Sunday by default), a list of public
 * holidays (days off even on a weekday) and a list of make-up working days (调休: a weekend day
 * declared a working day in exchange for a longer holiday). Make-up days count as working days;
 * holidays do not.
 *
 * Holiday data is finite: a year with no holiday or make-up day listed is treated as an ordinary
 * year (weekends off, no holidays). `dataYears` says which years the data covers, so a caller can
 * warn when a deadline runs into a year nobody has entered yet.
 */
import { readFileSync } from 'node:fs';
import cnMainland from './calendars/cn.json';
import { fromEpochDay, isoWeekday, parseLocalDate, toEpochDay, yearOf, type LocalDate } from './localDate';

/** ISO weekdays off in an ordinary week when a definition names none: Saturday and Sunday. */
export const DEFAULT_WEEKEND: readonly number[] = Object.freeze([6, 7]);

/** The data a calendar is built from; also the shape of a calendar JSON file (see `loadCalendar`). */
export interface CalendarDefinition {
  /** A name for messages and logs, e.g. "cn-mainland". */
  name: string;
  /** ISO weekdays (1 = Monday … 7 = Sunday) off every week. @defaultValue [6, 7] */
  weekend?: readonly number[];
  /** Public holidays, 'YYYY-MM-DD': days off even when they fall on a weekday. @defaultValue [] */
  holidays?: readonly LocalDate[];
  /** Make-up working days (调休), 'YYYY-MM-DD': weekend days that are working days. @defaultValue [] */
  makeupWorkdays?: readonly LocalDate[];
  /** Free text: where the data comes from, when it was last checked. */
  note?: string;
  /** The first year the holiday data covers. @defaultValue the earliest year with a holiday or make-up day */
  firstYear?: number;
  /** The last year the holiday data covers: a working day counted after it is provisional. @defaultValue the latest year with a holiday or make-up day */
  lastYear?: number;
}

/** Which local dates are working days, and counting in working days. Dates are 'YYYY-MM-DD'. */
export interface WorkingDayCalendar {
  readonly name: string;
  /** ISO weekdays off every week. */
  readonly weekend: readonly number[];
  /** Years with at least one holiday or make-up day listed, ascending; other years are ordinary. */
  readonly dataYears: readonly number[];
  /** The last year whose official holidays are loaded, or null when none are: a working-day count that runs past it is provisional. */
  readonly lastYear: number | null;
  /** Whether `date` is a working day: a make-up day, or neither a holiday nor a weekend day. */
  isWorkingDay(date: LocalDate): boolean;
  /** The `days`-th working day after `date` (`date` itself never counts); `date` itself when `days` is 0. */
  addWorkingDays(date: LocalDate, days: number): LocalDate;
  /** How many working days lie after `after` up to and including `through` (0 if `through` is not later). */
  countWorkingDays(after: LocalDate, through: LocalDate): number;
}

/** A calendar definition or file that cannot be used; `problems` lists every fault found. */
export class CalendarDefinitionError extends Error {
  constructor(
    readonly source: string,
    readonly problems: readonly string[],
  ) {
    super(`${source} is not a valid working-day calendar:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'CalendarDefinitionError';
  }
}

const DEFAULT_SOURCE = 'calendar definition';
const KNOWN_FIELDS = ['name', 'weekend', 'holidays', 'makeupWorkdays', 'note', 'firstYear', 'lastYear'] as const;
const WEEKDAY_NAMES = ['', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Checks the dates of one list, reporting each bad entry; returns the valid ones as epoch days. */
function checkDates(value: unknown, field: string, problems: string[]): number[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) {
    problems.push(`${field} must be a list of dates 'YYYY-MM-DD'; got ${JSON.stringify(value)}`);
    return [];
  }
  const days: number[] = [];
  value.forEach((entry: unknown, i) => {
    const day = parseLocalDate(entry);
    if (day === null) problems.push(`${field}[${i}] ${JSON.stringify(entry)} is not a real calendar date in the form YYYY-MM-DD`);
    else days.push(day);
  });
  return days;
}

/** Checks a calendar definition (from code or a parsed file) and returns it typed; throws listing every fault. */
export function validateCalendarDefinition(value: unknown, source = DEFAULT_SOURCE): CalendarDefinition {
  if (!isRecord(value)) {
    throw new CalendarDefinitionError(source, [
      `expected an object { name, weekend, holidays, makeupWorkdays }; got ${Array.isArray(value) ? 'a list' : JSON.stringify(value)}`,
    ]);
  }
  const problems: string[] = [];
  const named = typeof value.name === 'string' && value.name.trim() ? `calendar "${value.name}"` : null;
  const where = named === null ? source : source === DEFAULT_SOURCE ? named : `${named} from ${source}`;

  for (const key of Object.keys(value)) {
    if (!(KNOWN_FIELDS as readonly string[]).includes(key)) {
      problems.push(`unknown field "${key}" (the fields are: ${KNOWN_FIELDS.join(', ')})`);
    }
  }
  if (typeof value.name !== 'string' || !value.name.trim()) {
    problems.push(`name must be a non-empty text; got ${JSON.stringify(value.name)}`);
  }
  if (value.note !== undefined && typeof value.note !== 'string') {
    problems.push(`note must be a text; got ${JSON.stringify(value.note)}`);
  }

  let weekend: readonly number[] = DEFAULT_WEEKEND;
  let weekendOk = true;
  if (value.weekend !== undefined) {
    if (!Array.isArray(value.weekend)) {
      problems.push(`weekend must be a list of ISO weekdays (1 = Monday … 7 = Sunday); got ${JSON.stringify(value.weekend)}`);
      weekendOk = false;
    } else {
      const list: unknown[] = value.weekend;
      for (const d of list) {
        if (typeof d !== 'number' || !Number.isInteger(d) || d < 1 || d > 7) {
          problems.push(`weekend day ${JSON.stringify(d)} is not an ISO weekday (1 = Monday … 7 = Sunday)`);
          weekendOk = false;
        }
      }
      if (weekendOk) {
        weekend = list as number[];
        if (new Set(weekend).size === 7) {
          problems.push('weekend lists all seven weekdays: there would be no working days at all');
        }
      }
    }
  }

  for (const field of ['firstYear', 'lastYear'] as const) {
    const year = value[field];
    if (year !== undefined && (typeof year !== 'number' || !Number.isInteger(year) || year < 1949 || year > 2200)) {
      problems.push(`${field} must be a year like 2027; got ${JSON.stringify(year)}`);
    }
  }
  if (typeof value.firstYear === 'number' && typeof value.lastYear === 'number' && value.firstYear > value.lastYear) {
    problems.push(`firstYear ${value.firstYear} is after lastYear ${value.lastYear}`);
  }
  const holidays = checkDates(value.holidays, 'holidays', problems);
  const makeup = checkDates(value.makeupWorkdays, 'makeupWorkdays', problems);
  const holidaySet = new Set(holidays);
  for (const day of new Set(makeup)) {
    if (holidaySet.has(day)) {
      problems.push(`${fromEpochDay(day)} is listed both as a holiday and as a make-up working day; keep it in one list only`);
    } else if (weekendOk && !weekend.includes(isoWeekday(day))) {
      problems.push(
        `make-up working day ${fromEpochDay(day)} is a ${WEEKDAY_NAMES[isoWeekday(day)]}, already a working day; ` +
          `make-up days fall on weekend days (${weekend.map((d) => WEEKDAY_NAMES[d]).join(', ')})`,
      );
    }
  }

  const covered = (day: number) =>
    (typeof value.firstYear !== 'number' || yearOf(day) >= value.firstYear) && (typeof value.lastYear !== 'number' || yearOf(day) <= value.lastYear);
  for (const [field, days] of [['holidays', holidays], ['makeupWorkdays', makeup]] as const) {
    for (const day of days) if (!covered(day)) problems.push(`${field}: ${fromEpochDay(day)} lies outside the years the calendar says it covers (firstYear–lastYear)`);
  }
  if (problems.length > 0) throw new CalendarDefinitionError(where, problems);
  return value as unknown as CalendarDefinition;
}

class DefinedCalendar implements WorkingDayCalendar {
  readonly name: string;
  readonly weekend: readonly number[];
  readonly dataYears: readonly number[];
  readonly lastYear: number | null;
  private readonly holidays: ReadonlySet<number>;
  private readonly makeup: ReadonlySet<number>;

  constructor(definition: CalendarDefinition) {
    this.name = definition.name;
    this.weekend = Object.freeze([...new Set(definition.weekend ?? DEFAULT_WEEKEND)].sort((a, b) => a - b));
    this.holidays = new Set((definition.holidays ?? []).map((d) => toEpochDay(d)));
    this.makeup = new Set((definition.makeupWorkdays ?? []).map((d) => toEpochDay(d)));
    const years = new Set([...this.holidays, ...this.makeup].map(yearOf));
    this.dataYears = Object.freeze([...years].sort((a, b) => a - b));
    this.lastYear = definition.lastYear ?? this.dataYears.at(-1) ?? null;
  }

  private worksOn(epochDay: number): boolean {
    if (this.makeup.has(epochDay)) return true;
    if (this.holidays.has(epochDay)) return false;
    return !this.weekend.includes(isoWeekday(epochDay));
  }

  isWorkingDay(date: LocalDate): boolean {
    return this.worksOn(toEpochDay(date));
  }

  addWorkingDays(date: LocalDate, days: number): LocalDate {
    let day = toEpochDay(date);
    if (typeof days !== 'number' || !Number.isSafeInteger(days) || days < 0) {
      throw new RangeError(`a number of working days must be a whole number 0 or more; got ${String(days)}`);
    }
    // Terminates: at least one weekday is not a weekend day, and holidays are finite.
    for (let left = days; left > 0; ) {
      day += 1;
      if (this.worksOn(day)) left -= 1;
    }
    return fromEpochDay(day);
  }

  countWorkingDays(after: LocalDate, through: LocalDate): number {
    const from = toEpochDay(after);
    const to = toEpochDay(through);
    let count = 0;
    for (let day = from + 1; day <= to; day++) if (this.worksOn(day)) count += 1;
    return count;
  }
}

/** Builds a working-day calendar from a definition; throws `CalendarDefinitionError` listing every fault. */
export function createCalendar(definition: CalendarDefinition): WorkingDayCalendar {
  return new DefinedCalendar(validateCalendarDefinition(definition));
}

/** Reads a calendar JSON file of the `CalendarDefinition` shape (an office's own calendar); throws naming the file. */
export function loadCalendar(file: string): WorkingDayCalendar {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new Error(`Cannot read calendar file "${file}": ${err instanceof Error ? err.message : String(err)}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new CalendarDefinitionError(`calendar file "${file}"`, [
      `it is not valid JSON (${err instanceof Error ? err.message : String(err)})`,
    ]);
  }
  return new DefinedCalendar(validateCalendarDefinition(parsed, `file "${file}"`));
}

/**
 * The official calendar of mainland China (State Council holiday notices), data in ./calendars/cn.json.
 * It covers 2004 to its `lastYear` (2026), generated from the chinese-days package (MIT, see
 * calendars/chinese-days.LICENSE) by bin/cn-calendar-from-chinese-days.js. A later year counts as
 * ordinary (weekends off) and every working day counted in it is provisional until that year's notice
 * is imported. An office with a different calendar supplies its own file through `loadCalendar`.
 */
export const CHINA_MAINLAND_CALENDAR: WorkingDayCalendar = createCalendar(cnMainland);

/** The definition the official calendar is built from (a live calendar lays imported years over it). */
export const CHINA_MAINLAND_DEFINITION: CalendarDefinition = validateCalendarDefinition(cnMainland);

/** The calendar a case uses when none is configured: the official mainland China calendar. */
export function defaultCalendar(): WorkingDayCalendar {
  return CHINA_MAINLAND_CALENDAR;
}
