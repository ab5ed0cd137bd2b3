/**
 * The urging (催办) ladder, as hotline-style supervision does it, folded into a deadline's own
 * escalation ladder when the deadline opens (office policy `urging`): the blue `remind` rung is also
 * the urging reminder, a formal urging notice follows the due moment, and a public-criticism flag if
 * the deadline is still running later. Pure.
 */
import type { DeadlineSpec, EscalationStep, StepTiming } from '../../machines/types';
import type { UrgingPolicy } from '../officePolicy';
import type { WorkingDayCalendar } from '../time';
import { stepMoments } from './ladder';

/** The ladder step timing of a moment after the due time, as the policy writes it. */
const timingOf = (after: UrgingPolicy['formalNotice']['after']): StepTiming =>
  after.kind === 'workingDays' ? { kind: 'afterDueWorkingDays', days: after.days } : { kind: 'afterDue', minutes: after.minutes };

/**
 * The spec with the urging rungs the policy asks for, in the order they fire for a deadline based at
 * `baseAt` and due at `dueAt` (a rung firing with a ladder rung comes after it). A minimum period
 * (public notice, probation) is never late, so it is never urged.
 */
export function withUrging(spec: DeadlineSpec, urging: UrgingPolicy, at: { baseAt: number; dueAt: number; timeZone: string }, calendar: WorkingDayCalendar): DeadlineSpec {
  if (!urging.enabled || spec.period === true) return spec;
  const ladder: EscalationStep[] = spec.ladder.map((s) => (urging.reminder.enabled && s.name === 'remind' ? { ...s, urging: 'reminder' as const } : s));
  if (urging.formalNotice.enabled) {
    ladder.push({ name: 'formalUrging', timing: timingOf(urging.formalNotice.after), notify: ['assignee', 'unitSupervisor'], urging: 'formalNotice' });
  }
  if (urging.publicCriticism.enabled) {
    ladder.push({ name: 'publicCriticism', timing: timingOf(urging.publicCriticism.after), notify: ['unitSupervisor', 'disciplineCommission'], urging: 'publicCriticism' });
  }
  const moments = stepMoments({ spec: { ...spec, ladder }, ...at }, calendar);
  const order = ladder.map((step, i) => ({ step, at: moments[i]!, i })).sort((a, b) => a.at - b.at || a.i - b.i);
  return { ...spec, ladder: order.map((o) => o.step) };
}
