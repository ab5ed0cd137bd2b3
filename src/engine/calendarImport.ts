/**
 * Importing a year of official holidays and make-up working days: validated, stored (calendar_years),
 * adopted by the live calendar every part of this process holds, and every provisional deadline it
 * covers computed again and re-scheduled as an audited `DEADLINE_RECOMPUTED` entry in its case log —
 * all in one transaction through the one writer. Other processes read the stored years when they open.
 */
import type { CalendarYearRecord } from '../../db/records';
import type { Actor, DeadlineSpec } from '../../machines/types';
import { CaseflowError, ForbiddenRoleError, InvalidPayloadError } from '../errors';
import { calendarYearProblems, computeDueAt, LiveCalendar, provisionalNote, type CalendarYear } from '../time';
import { canonicalActor, type EngineCore } from './core';
import { planClockChange } from './deadlinePlans';
import { emptyPlan, mergePlans } from './plan';
import { CALENDAR_IMPORTERS } from './policy';

/** A deadline the import moved (or confirmed), or one it left alone because its due time was changed by hand. */
export interface RecomputedDeadline {
  caseId: string;
  deadlineId: string;
  kind: string;
  from: string;
  to: string;
}

/** What an import did. */
export interface CalendarImportResult {
  calendar: string;
  year: number;
  /** The last year the calendar covers now. */
  lastYear: number | null;
  recomputed: RecomputedDeadline[];
  /** Provisional deadlines extended or stopped by hand: their due time stays; caseworkers review them. */
  leftAsSet: { caseId: string; deadlineId: string; kind: string; dueAt: string }[];
}

const iso = (ms: number): string => new Date(ms).toISOString();
const DAY_MS = 86_400_000;

const fromRecord = (row: CalendarYearRecord): CalendarYear => ({
  year: row.year,
  holidays: JSON.parse(row.holidays) as string[],
  makeupWorkdays: JSON.parse(row.makeupWorkdays) as string[],
});

/** Imports calendar years and reads them back at start. */
export class CalendarImports {
  constructor(private readonly core: EngineCore) {}

  private live(): LiveCalendar {
    const calendar = this.core.calendar;
    if (!(calendar instanceof LiveCalendar)) {
      throw new CaseflowError('INVALID_PAYLOAD', `This caseflow runs on the fixed calendar "${calendar.name}"; years can be imported only into the official calendar.`, { calendar: calendar.name });
    }
    return calendar;
  }

  /** Reads the years imported into the database so far and switches the live calendar to them; returns its last covered year. */
  async load(): Promise<number | null> {
    const calendar = this.core.calendar;
    if (!(calendar instanceof LiveCalendar)) return calendar.lastYear;
    const rows = await this.core.store.read((tx) => tx.calendarYears.ofCalendar(calendar.name));
    calendar.adopt(rows.map(fromRecord));
    return calendar.lastYear;
  }

  /**
   * Imports one year (an admin, or the operator): refused with INVALID_PAYLOAD naming each fault, or for a year
   * after a gap. Every running deadline whose working-day count was provisional is computed again
   * with the new data and re-scheduled, each an audited entry in its case log.
   */
  async importYear(raw: unknown, actor: Actor): Promise<CalendarImportResult> {
    const admin = canonicalActor(actor);
    if (!CALENDAR_IMPORTERS.includes(admin.role)) throw new ForbiddenRoleError('import a calendar year', admin.role, CALENDAR_IMPORTERS);
    const live = this.live();
    const problems = calendarYearProblems(raw, live.weekend);
    const value = raw as { calendar?: unknown; year: number; holidays: string[]; makeupWorkdays: string[]; source?: unknown };
    if (!problems.length && value.calendar !== undefined && value.calendar !== live.name) problems.push({ path: 'calendar', message: `this caseflow's calendar is "${live.name}"` });
    if (!problems.length && typeof value.source !== 'string') problems.push({ path: 'source', message: 'name where the data comes from, e.g. the State Council notice' });
    if (problems.length) throw new InvalidPayloadError('calendar year', problems);
    const year: CalendarYear = { year: value.year, holidays: [...value.holidays], makeupWorkdays: [...value.makeupWorkdays] };

    const { result, plan, years } = await this.core.store.withTransaction(async (tx) => {
      const stored = (await tx.calendarYears.ofCalendar(live.name)).map(fromRecord).filter((y) => y.year !== year.year);
      const covered = live.withYears(stored).lastYear ?? year.year - 1;
      if (year.year > covered + 1) {
        throw new InvalidPayloadError('calendar year', [{ path: 'year', message: `the calendar covers up to ${covered}: import ${covered + 1} first` }]);
      }
      const now = this.core.clock.now();
      const years = [...stored, year];
      await tx.calendarYears.put({
        calendar: live.name,
        year: year.year,
        holidays: JSON.stringify(year.holidays),
        makeupWorkdays: JSON.stringify(year.makeupWorkdays),
        source: value.source as string,
        importedBy: admin.id,
        importedAt: now,
      });
      const before = live.withYears(stored);
      const after = live.withYears(years);
      const plan = emptyPlan();
      const result: CalendarImportResult = { calendar: live.name, year: year.year, lastYear: after.lastYear, recomputed: [], leftAsSet: [] };
      // a provisional count ends after the last covered year; a day's margin covers every time zone
      const from = Date.UTC((before.lastYear ?? year.year - 1) + 1, 0, 1) - DAY_MS;
      for (const row of await tx.deadlines.runningDueFrom(from)) {
        const spec = JSON.parse(row.spec) as DeadlineSpec;
        if (spec.limit.kind !== 'workingDays' || provisionalNote(spec.limit, row.dueAt, row.timeZone, before) === null) continue;
        if (row.suspendedAt !== null || row.dueAt !== row.originalDueAt) {
          result.leftAsSet.push({ caseId: row.caseId, deadlineId: row.id, kind: row.kind, dueAt: iso(row.dueAt) });
          continue;
        }
        const dueAt = computeDueAt(spec.limit, row.baseAt, row.timeZone, after);
        const caseRow = (await tx.cases.byId(row.caseId))!;
        const payload = { from: iso(row.dueAt), to: iso(dueAt), calendar: live.name, year: year.year, source: value.source, provisional: provisionalNote(spec.limit, dueAt, row.timeZone, after) };
        mergePlans(plan, planClockChange(row, caseRow, { kind: 'deadlineRecomputed', dueAt, suspendedAt: null, payload }, admin, now, after).plan);
        result.recomputed.push({ caseId: row.caseId, deadlineId: row.id, kind: row.kind, from: payload.from, to: payload.to });
      }
      await this.core.write(tx, plan);
      return { result, plan, years };
    });
    live.adopt(years);
    this.core.announce(plan);
    this.core.signal({ kind: 'calendarChanged' });
    return result;
  }
}
