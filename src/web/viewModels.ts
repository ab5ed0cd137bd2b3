/**
 * View models: what the pages show, computed from what the engine and the reports answer. No
 * access decision is taken here; the engine has taken it before these functions see anything.
 */
import type { CaseDefinition } from '../../machines/types';
import type { WarningColour } from '../../db/records';
import type { OverdueCase } from '../engine/supervision';
import { localDateOf, type WorkingDayCalendar } from '../time';
import { duration, localTime } from './format';
import { caseTypeTitle, type Translate } from './i18n';

/** One row of the overdue board. */
export interface BoardRow {
  caseId: string;
  deadlineId: string;
  type: string;
  state: string;
  unit: string;
  deadlineKind: string;
  due: string;
  /** Lateness as the limit counts it: working days for a working-day limit, else hours. */
  lateness: string;
  latenessMs: number;
  warning: string;
  escalationLevel: number;
  /** Set when the due moment counts working days in a year the calendar does not cover yet: the lateness is provisional. */
  provisional: string | null;
}

/** The board's filters, as the query string gives them. */
export interface BoardFilter {
  unit?: string;
  type?: string;
  warning?: WarningColour;
  level?: number;
}

/** Overdue deadlines (already filtered and ordered by the query) as board rows: times and working days in each case's zone, most late first. */
export function boardRows(overdue: readonly OverdueCase[], now: number, definitionOf: (type: string) => CaseDefinition, calendar: WorkingDayCalendar, t: Translate): BoardRow[] {
  return overdue
    .map((o) => {
      const definition = definitionOf(o.type);
      const lateness =
        o.limitKind === 'workingDays'
          ? t('time.workingDaysLate', { n: calendar.countWorkingDays(localDateOf(Date.parse(o.dueAt), o.timeZone), localDateOf(now, o.timeZone)) })
          : t('time.hoursLate', { hours: (o.latenessMs / 3_600_000).toFixed(1), span: duration(o.latenessMs, t) });
      return {
        caseId: o.caseId,
        deadlineId: o.deadlineId,
        type: caseTypeTitle(definition, t),
        state: o.state,
        unit: o.unit ?? '—',
        deadlineKind: o.deadlineKind,
        due: localTime(o.dueAt, o.timeZone),
        lateness,
        latenessMs: o.latenessMs,
        warning: o.warning,
        escalationLevel: o.escalationLevel,
        provisional: o.provisional,
      };
    })
    .sort((a, b) => b.latenessMs - a.latenessMs);
}
