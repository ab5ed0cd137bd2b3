/**
 * When each rung of a deadline's escalation ladder fires, derived from the deadline's base and
 * due moments: step times are never stored, so extending or suspending a deadline moves them all.
 */
import type { DeadlineSpec, EscalationStep } from '../../machines/types';
import { computeDueAt, computeStepAt, type WorkingDayCalendar } from '../time';

/** The facts of a deadline row the ladder needs. */
export interface LadderInput {
  spec: DeadlineSpec;
  baseAt: number;
  dueAt: number;
  timeZone: string;
}

/** The moment held in an ISO date-time field of the case context. */
export function contextMoment(context: unknown, field: string): number {
  const value = (context as Record<string, unknown>)[field];
  const ms = typeof value === 'string' ? Date.parse(value) : NaN;
  if (Number.isNaN(ms)) throw new Error(`deadline field "${field}" holds no date-time (${String(value)})`);
  return ms;
}

/** The due moment of a deadline declared by `spec`, counted from `baseAt` (or read from the context). */
export function dueMoment(spec: DeadlineSpec, baseAt: number, timeZone: string, calendar: WorkingDayCalendar, context: unknown): number {
  if (spec.limit.kind === 'until') return Math.max(baseAt, contextMoment(context, spec.limit.contextField));
  return computeDueAt(spec.limit, baseAt, timeZone, calendar);
}

/** The moment each ladder step fires, in ladder order. */
export function stepMoments(input: LadderInput, calendar: WorkingDayCalendar): number[] {
  return input.spec.ladder.map((s: EscalationStep) => computeStepAt(s.timing, input.baseAt, input.dueAt, input.timeZone, calendar));
}

/** The moment step `index` fires, or null when the ladder has no such step. */
export function stepMoment(input: LadderInput, index: number, calendar: WorkingDayCalendar): number | null {
  const s = input.spec.ladder[index];
  return s ? computeStepAt(s.timing, input.baseAt, input.dueAt, input.timeZone, calendar) : null;
}
