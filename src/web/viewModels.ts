/**
 * View models: what the pages show, computed from what the engine and the reports answer. No
 * access decision is taken here; the engine has taken it before these functions see anything.
 */
import { DEFAULT_TIME_ZONE, type CaseDefinition, type DeadlineSpec, type StateMeta } from '../../machines/types';
import type { OverdueCase } from '../engine/supervision';
import { localDateOf, type WorkingDayCalendar } from '../time';
import { duration, localTime } from './format';
import { caseTypeTitle, type Translate } from './i18n';

/** The deadline a state declares under `kind`, searched through the whole machine. */
export function deadlineSpecOf(definition: CaseDefinition, kind: string): DeadlineSpec | undefined {
  const visit = (node: { meta?: unknown; states?: Record<string, unknown> }): DeadlineSpec | undefined => {
    const found = (node.meta as StateMeta | undefined)?.deadlines?.find((d) => d.kind === kind);
    if (found) return found;
    for (const child of Object.values(node.states ?? {})) {
      const inChild = visit(child as { meta?: unknown; states?: Record<string, unknown> });
      if (inChild) return inChild;
    }
    return undefined;
  };
  return visit(definition.machine.root);
}

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
}

/** The board's filters, as the query string gives them. */
export interface BoardFilter {
  unit?: string;
  type?: string;
  warning?: string;
  level?: number;
}

/** Overdue deadlines as board rows (times in the office's zone: the overdue report carries none per case), filtered by card colour and escalation level, most late first. */
export function boardRows(overdue: readonly OverdueCase[], filter: BoardFilter, now: number, definitionOf: (type: string) => CaseDefinition, calendar: WorkingDayCalendar, t: Translate): BoardRow[] {
  return overdue
    .filter((o) => (filter.warning ? o.warning === filter.warning : true) && (filter.level === undefined ? true : o.escalationLevel === filter.level))
    .map((o) => {
      const definition = definitionOf(o.type);
      const spec = deadlineSpecOf(definition, o.deadlineKind);
      const lateness =
        spec?.limit.kind === 'workingDays'
          ? t('time.workingDaysLate', { n: calendar.countWorkingDays(localDateOf(Date.parse(o.dueAt), DEFAULT_TIME_ZONE), localDateOf(now, DEFAULT_TIME_ZONE)) })
          : t('time.hoursLate', { hours: (o.latenessMs / 3_600_000).toFixed(1), span: duration(o.latenessMs, t) });
      return {
        caseId: o.caseId,
        deadlineId: o.deadlineId,
        type: caseTypeTitle(definition, t),
        state: o.state,
        unit: o.unit ?? '—',
        deadlineKind: o.deadlineKind,
        due: localTime(o.dueAt),
        lateness,
        latenessMs: o.latenessMs,
        warning: o.warning,
        escalationLevel: o.escalationLevel,
      };
    })
    .sort((a, b) => b.latenessMs - a.latenessMs);
}
