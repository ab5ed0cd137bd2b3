/**
 * Calendars that learn new years: a year of official holidays and make-up working days, validated,
 * laid over the shipped definition; and a live calendar that every part of a process holds, which
 * switches to the new data when a year is imported (or read back from the database at start).
 */
import { createCalendar, type CalendarDefinition, type WorkingDayCalendar } from './calendar';
import { toEpochDay, type LocalDate } from './localDate';

/** One year of official data, as `caseflow calendar import FILE` reads it. */
export interface CalendarYear {
  year: number;
  /** Public holidays of the year, 'YYYY-MM-DD'. */
  holidays: readonly LocalDate[];
  /** Make-up working days (调休) of the year: weekend days that are working days. */
  makeupWorkdays: readonly LocalDate[];
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** The faults of a year file (empty when it is usable): every date real, in the year, and listed once; make-up days on a weekend. */
export function calendarYearProblems(raw: unknown, weekend: readonly number[]): { path: string; message: string }[] {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return [{ path: '', message: 'expected an object { year, holidays, makeupWorkdays }' }];
  const value = raw as Record<string, unknown>;
  const problems: { path: string; message: string }[] = [];
  for (const key of Object.keys(value)) {
    if (!['calendar', 'year', 'holidays', 'makeupWorkdays', 'source'].includes(key)) problems.push({ path: key, message: 'unknown field (the fields are: calendar, year, holidays, makeupWorkdays, source)' });
  }
  const year = value.year;
  if (typeof year !== 'number' || !Number.isInteger(year) || year < 2004 || year > 2200) problems.push({ path: 'year', message: 'must be a whole year from 2004 to 2200' });
  const seen = new Set<string>();
  for (const field of ['holidays', 'makeupWorkdays'] as const) {
    const list = value[field];
    if (!Array.isArray(list)) {
      problems.push({ path: field, message: "must be a list of dates 'YYYY-MM-DD'" });
      continue;
    }
    list.forEach((day: unknown, i) => {
      const at = `${field}.${i}`;
      const match = typeof day === 'string' ? DATE.exec(day) : null;
      let epochDay: number | null = null;
      try {
        epochDay = match ? toEpochDay(day as string) : null;
      } catch {
        epochDay = null;
      }
      if (epochDay === null) return problems.push({ path: at, message: `${JSON.stringify(day)} is not a date 'YYYY-MM-DD'` });
      if (Number(match![1]) !== year) problems.push({ path: at, message: `${day as string} is not in ${String(year)}` });
      if (seen.has(day as string)) problems.push({ path: at, message: `${day as string} is listed twice` });
      seen.add(day as string);
      const weekday = ((((epochDay + 3) % 7) + 7) % 7) + 1;
      if (field === 'makeupWorkdays' && !weekend.includes(weekday)) problems.push({ path: at, message: `${day as string} is a weekday already: a make-up working day falls on a weekend` });
      return undefined;
    });
  }
  return problems;
}

/**
 * The definition with `years` laid over it: their dates replace the definition's for those years,
 * and the covered years run on through each next year imported (a year after a gap is not covered).
 */
export function definitionWithYears(base: CalendarDefinition, years: readonly CalendarYear[]): CalendarDefinition {
  const imported = new Map(years.map((y) => [y.year, y]));
  const keep = (day: LocalDate) => !imported.has(Number(day.slice(0, 4)));
  let lastYear = base.lastYear ?? createCalendar(base).lastYear ?? 0;
  while (imported.has(lastYear + 1)) lastYear += 1;
  return {
    ...base,
    holidays: [...(base.holidays ?? []).filter(keep), ...years.flatMap((y) => y.holidays)].sort(),
    makeupWorkdays: [...(base.makeupWorkdays ?? []).filter(keep), ...years.flatMap((y) => y.makeupWorkdays)].sort(),
    lastYear,
  };
}

/** A working-day calendar that switches to newly imported years: one object every part of a process holds. */
export class LiveCalendar implements WorkingDayCalendar {
  private current: WorkingDayCalendar;
  private imported: readonly CalendarYear[] = [];

  constructor(private readonly base: CalendarDefinition) {
    this.current = createCalendar(base);
  }

  get name(): string {
    return this.current.name;
  }
  get weekend(): readonly number[] {
    return this.current.weekend;
  }
  get dataYears(): readonly number[] {
    return this.current.dataYears;
  }
  get lastYear(): number | null {
    return this.current.lastYear;
  }
  /** The years imported so far, ascending. */
  get importedYears(): readonly CalendarYear[] {
    return this.imported;
  }

  /** The calendar this one would be with `years` imported (nothing changes until `adopt`). */
  withYears(years: readonly CalendarYear[]): WorkingDayCalendar {
    return createCalendar(definitionWithYears(this.base, years));
  }

  /** Switches to the shipped data with `years` laid over it. */
  adopt(years: readonly CalendarYear[]): void {
    this.current = this.withYears(years);
    this.imported = [...years].sort((a, b) => a.year - b.year);
  }

  isWorkingDay(date: LocalDate): boolean {
    return this.current.isWorkingDay(date);
  }
  addWorkingDays(date: LocalDate, days: number): LocalDate {
    return this.current.addWorkingDays(date, days);
  }
  countWorkingDays(after: LocalDate, through: LocalDate): number {
    return this.current.countWorkingDays(after, through);
  }
}
