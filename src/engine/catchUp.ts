/**
 * The database is the truth, Redis only wakes: before a caseworker's event is decided, every ladder
 * step of the case that came due and was not yet recorded (its wake-up was lost, late, or held by a
 * dead worker) is recorded first, with its card, notices and machine event, in the same
 * transaction. A plan submitted late while Redis was down still gets its overdue step and its
 * `DEADLINE_MISSED`, and the deadline closes as overdue.
 */
import type { DeadlineRecord } from '../../db/records';
import { DEADLINE_ESCALATED } from '../../machines/deadlines';
import { CaseflowError } from '../errors';
import type { WorkingDayCalendar } from '../time';
import { decideEvent, type CaseState, type DecideContext, type Transition } from './decide';
import { DEADLINE_WORKER, planLadderStep } from './deadlinePlans';
import { emptyPlan, mergePlans, type WritePlan } from './plan';

/** More steps than any ladder has: a guard against a schedule that never moves past `now`. */
const MAX_CATCH_UP_STEPS = 100;

/** A case being worked on within one transaction: its state after each decision, and the plan so far. */
export class CaseWork {
  readonly plan: WritePlan = emptyPlan();
  constructor(public state: CaseState) {}

  /** Takes a decided transition: the case, its snapshot and its running deadlines move on. */
  take(transition: Transition): void {
    const closed = new Set(transition.plan.closeDeadlines.map((c) => c.id));
    this.state = {
      ...this.state,
      row: transition.row,
      snapshot: transition.snapshot,
      running: [...this.state.running.filter((d) => !closed.has(d.id)), ...transition.plan.openDeadlines],
    };
    mergePlans(this.plan, transition.plan);
  }

  /** Replaces a running deadline by its state after a recorded step. */
  moved(after: DeadlineRecord): void {
    this.state = { ...this.state, running: this.state.running.map((d) => (d.id === after.id ? after : d)) };
  }
}

/** The running deadline whose next step came due earliest, if any is due at `now`. */
function earliestDue(running: readonly DeadlineRecord[], now: number): DeadlineRecord | undefined {
  let found: DeadlineRecord | undefined;
  for (const d of running) {
    if (d.suspendedAt !== null || d.nextFireAt === null || d.nextFireAt > now) continue;
    if (!found || d.nextFireAt < found.nextFireAt!) found = d;
  }
  return found;
}

/**
 * Records, in `work`, the ladder step of `row` that is due, and sends its machine event; a machine
 * that no longer takes the event leaves the case as it was, and the step is still recorded.
 * Returns the step's name, or null when the ladder has no further step.
 */
export function recordDueStep(ctx: DecideContext, calendar: WorkingDayCalendar, work: CaseWork, row: DeadlineRecord): string | null {
  const planned = planLadderStep(row, work.state.row, ctx.now, calendar);
  if (!planned) return null;
  mergePlans(work.plan, planned.plan);
  work.moved(planned.after);
  if (planned.step.sendsEvent) {
    try {
      // the red card tells the machine whom the rung escalates to, so the case moves as the ladder declares
      const escalatedTo = planned.step.sendsEvent === DEADLINE_ESCALATED ? { escalatedTo: [...planned.step.notify] } : {};
      work.take(decideEvent(ctx, work.state, { type: planned.step.sendsEvent, deadlineKind: row.kind, ...escalatedTo }, DEADLINE_WORKER));
    } catch (error) {
      if (!(error instanceof CaseflowError)) throw error;
    }
  }
  return planned.step.name;
}

/** Records every step of the case's running deadlines that is due at `ctx.now`, earliest first. */
export function catchUpDueSteps(ctx: DecideContext, calendar: WorkingDayCalendar, work: CaseWork): void {
  for (let i = 0; i < MAX_CATCH_UP_STEPS; i++) {
    const due = earliestDue(work.state.running, ctx.now);
    if (!due || recordDueStep(ctx, calendar, work, due) === null) return;
  }
}
