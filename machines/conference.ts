/**
 * The joint conference both the clue and the self-recommendation hold: the Organization Department
 * and the Discipline Inspection Commission each give a view (appended to the case's view log, the
 * latest one counting), each within its own limit, reminded and escalated; the decision records
 * which departments' recommendations it followed and any dissent. Pure data and functions.
 */
import { standardLadder, type StandardLadderOptions } from './deadlines';
import { sameOfficial } from './officials';
import type { DeadlineSpec } from './types';

export const DEPARTMENTS = ['organizationDepartment', 'disciplineCommission'] as const;
export type Department = (typeof DEPARTMENTS)[number];

/** The event each department records its view with. */
export const VIEW_EVENT: Readonly<Record<Department, 'RECORD_OD_VIEW' | 'RECORD_DIC_VIEW'>> = {
  organizationDepartment: 'RECORD_OD_VIEW',
  disciplineCommission: 'RECORD_DIC_VIEW',
};

const DEPARTMENT_NAMES: Readonly<Record<Department, string>> = {
  organizationDepartment: 'Organization Department',
  disciplineCommission: 'Discipline Inspection Commission',
};

type ViewsOf<V> = Readonly<Record<Department, V | null>>;

/** True unless the other department's view came from `actorId`: the two views come from two people. */
export function independentOfOtherView(views: ViewsOf<{ by: string }>, eventType: string, actorId: string): boolean {
  const other = eventType === VIEW_EVENT.organizationDepartment ? views.disciplineCommission : eventType === VIEW_EVENT.disciplineCommission ? views.organizationDepartment : null;
  return other === null || !sameOfficial(other.by, actorId);
}

/**
 * A department's view recorded: the latest for the decision, and appended to the view log (a view
 * recorded again keeps the earlier one). A snapshot from before the log existed starts it empty.
 */
export function appendView<V extends object>(
  context: { views: ViewsOf<V>; viewLog?: readonly (V & { department: Department })[] },
  department: Department,
  recorded: V | null,
): { views: Record<Department, V | null>; viewLog: (V & { department: Department })[] } | Record<string, never> {
  if (!recorded) return {};
  return { views: { ...context.views, [department]: recorded }, viewLog: [...(context.viewLog ?? []), { ...recorded, department }] };
}

/** What a view needs for the decision's record: who recommended what. */
export interface RecommendingView<O extends string> {
  by: string;
  recommendedOutcome?: O | null;
}

/** How a conference decision stands to the departments' recommendations. */
export interface ConferenceDecisionRecord<O extends string> {
  outcome: O;
  /** The departments whose recommended outcome the decision follows. */
  followed: Department[];
  /** The departments whose recommendation the decision departs from, with what they recommended. */
  departedFrom: { department: Department; recommendedOutcome: O; by: string }[];
  /** A dissent the chair records (a member's, or the minority view), or null. */
  dissent: string | null;
  by: string;
  at: string;
}

/** The record of a decision `outcome` against the views it was taken on. */
export function conferenceDecision<O extends string>(
  views: Readonly<Record<Department, RecommendingView<O> | null>>,
  decided: { outcome: O; dissent?: string | undefined; by: string; at: string },
): ConferenceDecisionRecord<O> {
  const followed: Department[] = [];
  const departedFrom: ConferenceDecisionRecord<O>['departedFrom'] = [];
  for (const department of DEPARTMENTS) {
    const recommended = views[department]?.recommendedOutcome;
    if (recommended === undefined || recommended === null) continue;
    if (recommended === decided.outcome) followed.push(department);
    else departedFrom.push({ department, recommendedOutcome: recommended, by: views[department]!.by });
  }
  return { outcome: decided.outcome, followed, departedFrom, dissent: decided.dissent?.trim() || null, by: decided.by, at: decided.at };
}

/**
 * The two view limits of a joint conference, `days` working days each from the conference's start:
 * owned by the office (the departments are part of it), met when the department records its view, reminded, marked overdue, and escalated to the department
 * (with `ladder.escalatedEvent`, the red card is also sent into the case).
 */
export function departmentViewLimits(prefix: string, days: number, what: string, ladder: Pick<StandardLadderOptions, 'escalatedEvent'> = {}): DeadlineSpec[] {
  return DEPARTMENTS.map((department) => ({
    kind: `${prefix}${department[0]!.toUpperCase()}${department.slice(1)}ViewDue`,
    basis: `The ${DEPARTMENT_NAMES[department]} gives its view to the joint conference on ${what} within ${days} working days (caseflow default)`,
    owner: 'office',
    limit: { kind: 'workingDays', days },
    metBy: [VIEW_EVENT[department]],
    ladder: standardLadder({ ...ladder, grace: { kind: 'afterDueWorkingDays', days: 1 }, escalateTo: [department] }),
  }));
}
