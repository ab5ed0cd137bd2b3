/**
 * Time arithmetic for deadlines: working-day calendars (holidays and make-up days), due times,
 * escalation step times and suspensions. Everything is pure: the base moment is passed in.
 */
export {
  CHINA_MAINLAND_CALENDAR,
  CalendarDefinitionError,
  DEFAULT_WEEKEND,
  createCalendar,
  defaultCalendar,
  loadCalendar,
  validateCalendarDefinition,
  type CalendarDefinition,
  type WorkingDayCalendar,
} from './calendar';
export {
  computeDueAt,
  computeStepAt,
  computeWallClockDue,
  provisionalNote,
  dueAfterSuspension,
  parseTimeOfDay,
  suspendedWorkingDays,
  type Suspension,
} from './due';
export { localDateOf, type LocalDate } from './localDate';
export { CHINA_MAINLAND_DEFINITION } from './calendar';
export { calendarYearProblems, definitionWithYears, LiveCalendar, type CalendarYear } from './importedYears';
export { reportingPeriodOf, type PeriodLength, type ReportingPeriod } from './periods';
