/**
 * A write plan: everything one command changes, computed purely by `decide…` and applied by the
 * one writer (writer.ts) in one transaction. Guarded updates come first; if any finds its row moved
 * on, the transaction is abandoned and nothing of the plan stays.
 */
import type {
  CardConsequenceRecord,
  CaseRecord,
  DeadlineClosing,
  DeadlineRecord,
  DeadlineRespec,
  DeadlineScheduleChange,
  NewCaseEvent,
  NewNotification,
  NewWarningCard,
  OnTimeDayRecord,
  ReporterIdentityRecord,
} from '../../db/records';

export interface WritePlan {
  /** New cases (opened, or linked cases a transition opened), inserted before anything that refers to them. */
  openCases: CaseRecord[];
  /** A case's next snapshot, written only where its version is still `expectedVersion`. */
  updateCase: { row: CaseRecord; expectedVersion: number } | null;
  /** Other cases the command moved (a set-aside clue a new clue woke), each written only where its version is still `expectedVersion`. */
  updateLinkedCases: { row: CaseRecord; expectedVersion: number }[];
  /** Deadline schedules moved, each only where its revision is still `expectedRev`. */
  reschedule: { id: string; expectedRev: number; change: DeadlineScheduleChange }[];
  /** Deadlines re-planned under a new machine version or policy (`migrate apply`), each only where its revision is still `expectedRev`. */
  respecify: { id: string; expectedRev: number; change: DeadlineRespec }[];
  /** Running deadlines closed (their state was left). */
  closeDeadlines: DeadlineClosing[];
  /** What those closings add to the on-time rollup (onTime.ts), written with them. */
  onTime: OnTimeDayRecord[];
  /** Deadlines opened (their state was entered). */
  openDeadlines: DeadlineRecord[];
  /** Entries appended to case logs, in order. */
  log: NewCaseEvent[];
  cards: NewWarningCard[];
  /** Card consequences the plan's cards triggered (src/engine/consequences.ts), written after the cases they open. */
  consequences: CardConsequenceRecord[];
  notifications: NewNotification[];
  reporters: ReporterIdentityRecord[];
  receipts: { codeHash: string; caseId: string; createdAt: number }[];
}

/** A plan that changes nothing. */
export const emptyPlan = (): WritePlan => ({
  openCases: [],
  updateCase: null,
  updateLinkedCases: [],
  reschedule: [],
  respecify: [],
  closeDeadlines: [],
  onTime: [],
  openDeadlines: [],
  log: [],
  cards: [],
  consequences: [],
  notifications: [],
  reporters: [],
  receipts: [],
});

/**
 * Appends `more` to `plan` (in place) and returns it. A plan updates at most one case; two updates
 * of it in a row (a deadline step's machine event, then the caseworker's event) become one, guarded
 * by the first expected version.
 */
export function mergePlans(plan: WritePlan, more: WritePlan): WritePlan {
  if (more.updateCase) {
    const first = plan.updateCase;
    if (first && (first.row.id !== more.updateCase.row.id || first.row.version !== more.updateCase.expectedVersion)) {
      throw new Error('a write plan updates one case, each update following the one before');
    }
    plan.updateCase = first ? { row: more.updateCase.row, expectedVersion: first.expectedVersion } : more.updateCase;
  }
  plan.openCases.push(...more.openCases);
  plan.updateLinkedCases.push(...more.updateLinkedCases);
  plan.reschedule.push(...more.reschedule);
  plan.respecify.push(...more.respecify);
  plan.closeDeadlines.push(...more.closeDeadlines);
  plan.onTime.push(...more.onTime);
  plan.openDeadlines.push(...more.openDeadlines);
  plan.log.push(...more.log);
  plan.cards.push(...more.cards);
  plan.consequences.push(...more.consequences);
  plan.notifications.push(...more.notifications);
  plan.reporters.push(...more.reporters);
  plan.receipts.push(...more.receipts);
  return plan;
}

/**
 * Appends the plan of a transition of another case (a linked one) to `plan`: its case update
 * becomes one of `updateLinkedCases`, everything else is merged as it is.
 */
export function mergeLinkedPlan(plan: WritePlan, linked: WritePlan): WritePlan {
  const { updateCase, ...rest } = linked;
  if (updateCase) plan.updateLinkedCases.push(updateCase);
  return mergePlans(plan, { ...rest, updateCase: null });
}

/** True when the plan moves a deadline schedule, so the wake-up outbox has work. */
export const movesDeadlines = (plan: WritePlan): boolean =>
  plan.openDeadlines.length + plan.closeDeadlines.length + plan.reschedule.length + plan.respecify.length > 0;

/**
 * A case's deadline rows as they stand once `plan` is written, from the rows read before it: the
 * writer's closings, reschedules and openings applied in memory, so that a command's answer needs
 * no second read. `before` is in the store's order (ofCase); opened rows come last, as they do there.
 */
export function deadlinesAfter(caseId: string, before: readonly DeadlineRecord[], plan: WritePlan): DeadlineRecord[] {
  const closings = new Map(plan.closeDeadlines.map((c) => [c.id, c]));
  const changes = new Map<string, Partial<DeadlineRecord>>([...plan.reschedule, ...plan.respecify].map((r) => [r.id, r.change]));
  const rows = before.map((row) => {
    const change = changes.get(row.id);
    const moved: DeadlineRecord = change ? { ...row, ...change, dispatchLeaseUntil: null } : row;
    const closing = closings.get(row.id);
    return closing
      ? { ...moved, running: false, status: closing.status, closedAt: closing.closedAt, latenessMs: closing.latenessMs, nextFireAt: null, updatedAt: closing.closedAt }
      : moved;
  });
  // a transition may open a linked case with deadlines of its own: those are not this case's
  return [...rows, ...plan.openDeadlines.filter((row) => row.caseId === caseId)];
}
