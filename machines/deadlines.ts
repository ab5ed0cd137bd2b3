/**
 * Shared deadline and escalation definitions: the standard ladders every case type reuses.
 * Steps follow local supervision practice: a blue card when the limit is near, a yellow card
 * at the due time (overdue, the unit's supervisor is told), a red card after a grace period
 * (escalated to the next level).
 */
import type { DeadlineSpec, EscalationStep, LimitOwner, Recipient, StepTiming } from './types';

/** Options of the standard ladder; every field has a domain default. */
export interface StandardLadderOptions {
  /** Share of the limit elapsed when the assignee is reminded. @defaultValue 0.75 */
  remindAt?: number;
  /** Grace after the due time before escalation. @defaultValue 60 minutes */
  grace?: StepTiming;
  /** Who hears of the escalation. @defaultValue ['disciplineCommission'] */
  escalateTo?: readonly Recipient[];
  /** Machine event sent at the due time, so the machine records what overdue means there. */
  missedEvent?: string;
  /** Machine event sent with the red card, so the machine moves the case as escalation means there. */
  escalatedEvent?: string;
}

/** The remind → overdue → escalate ladder, with blue, yellow and red cards. */
export function standardLadder(options: StandardLadderOptions = {}): EscalationStep[] {
  const remindAt = options.remindAt ?? 0.75;
  if (!(remindAt > 0 && remindAt < 1)) throw new Error('remindAt must be between 0 and 1 (exclusive)');
  return [
    { name: 'remind', timing: { kind: 'fractionOfLimit', fraction: remindAt }, warning: 'blue', notify: ['assignee'] },
    {
      name: 'overdue',
      timing: { kind: 'afterDue', minutes: 0 },
      warning: 'yellow',
      notify: ['assignee', 'unitSupervisor'],
      marksOverdue: true,
      ...(options.missedEvent ? { sendsEvent: options.missedEvent } : {}),
    },
    {
      name: 'escalate',
      timing: options.grace ?? { kind: 'afterDue', minutes: 60 },
      warning: 'red',
      notify: options.escalateTo ?? ['disciplineCommission'],
      ...(options.escalatedEvent ? { sendsEvent: options.escalatedEvent } : {}),
    },
  ];
}

/** The event a worker sends into a machine when a deadline with a `missedEvent` passes. */
export const DEADLINE_MISSED = 'DEADLINE_MISSED';

/** The event a worker sends into a machine with the red card of a deadline with an `escalatedEvent`. */
export const DEADLINE_ESCALATED = 'DEADLINE_ESCALATED';

/** Options of a period's ladder. */
export interface PeriodLadderOptions {
  /** Machine event sent when the period ends, so the case records it. */
  endEvent?: string;
  /** Who is told the period ended. @defaultValue ['assignee'] */
  notify?: readonly Recipient[];
  /** If the case is still in the state this long after the end, a yellow card follows. */
  followUp?: StepTiming;
}

/** The ladder of a minimum period: its end is announced (no card); a follow-up card if nobody acts. */
export function periodLadder(options: PeriodLadderOptions = {}): EscalationStep[] {
  const notify = options.notify ?? ['assignee'];
  const steps: EscalationStep[] = [
    {
      name: 'periodEnded',
      timing: { kind: 'afterDue', minutes: 0 },
      notify,
      ...(options.endEvent ? { sendsEvent: options.endEvent } : {}),
    },
  ];
  if (options.followUp) steps.push({ name: 'followUp', timing: options.followUp, warning: 'yellow', notify });
  return steps;
}

/**
 * One time limit of `days` working days, owned by `owner`, on the standard ladder, escalated a working day after it;
 * `ladder` adds the ladder's events and whom it escalates to.
 */
export function workingDaysLimit(kind: string, basis: string, days: number, owner: LimitOwner, ladder: Omit<StandardLadderOptions, 'grace'> = {}): DeadlineSpec[] {
  return [{ kind, basis, owner, limit: { kind: 'workingDays', days }, ladder: standardLadder({ ...ladder, grace: { kind: 'afterDueWorkingDays', days: 1 } }) }];
}

/** An ISO time `minutes` later (calendar time), for due moments a machine computes from its input. */
export const addMinutes = (iso: string, minutes: number): string => new Date(Date.parse(iso) + minutes * 60_000).toISOString();
