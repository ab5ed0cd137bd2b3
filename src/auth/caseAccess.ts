/**
 * Which cases a user may read: the one rule behind every route that reads a case (the case, its
 * history, its reporter messages, lists, and the case an event answers with). The route's role list
 * (roles.ts) decides who reaches the route at all; this decides which cases they see there.
 *
 * - A reader limited to assigned cases (`ASSIGNED_CASES_ONLY`, the unit liaison) sees only cases of
 *   the listed types whose assignee is them; every other case is CASE_NOT_FOUND, worded exactly as
 *   for a case that does not exist, so its existence is not revealed.
 * - Nobody reads a case about themselves (FORBIDDEN_ROLE, rule subjectOfCase).
 *
 * Names are compared with `sameOfficial` (trimmed, case-insensitive).
 */
import type { CaseFilter } from '../engine/queries';
import { CaseNotFoundError, SubjectOfCaseError } from '../errors';
import type { ApiUser } from './accounts';
import { sameOfficial } from './officials';
import { ASSIGNED_CASES_ONLY } from './roles';

/** What the rule looks at on a case. */
export interface CaseAccessFacts {
  id: string;
  type: string;
  assignee: string | null;
  subjectId: string | null;
}

/** Why `user` may not see the case, or null when they may. */
function refusal(user: ApiUser, facts: CaseAccessFacts): 'notTheirs' | 'aboutThem' | null {
  const onlyTypes: readonly string[] | undefined = ASSIGNED_CASES_ONLY[user.role];
  if (onlyTypes && !(onlyTypes.includes(facts.type) && sameOfficial(facts.assignee, user.name))) return 'notTheirs';
  if (sameOfficial(facts.subjectId, user.name)) return 'aboutThem';
  return null;
}

/**
 * Throws unless `user` may see the case: CASE_NOT_FOUND outside an assigned-only reader's cases,
 * FORBIDDEN_ROLE (subjectOfCase) on a case about them. `what` words the refusal, e.g. "read".
 */
export function authorizeCaseRead(user: ApiUser, facts: CaseAccessFacts, what = 'read'): void {
  const why = refusal(user, facts);
  if (why === 'notTheirs') throw new CaseNotFoundError(facts.id);
  if (why === 'aboutThem') throw new SubjectOfCaseError(facts.id, user.name, what);
}

/** True when `authorizeCaseRead` lets `user` see the case. */
export const mayReadCase = (user: ApiUser, facts: CaseAccessFacts): boolean => refusal(user, facts) === null;

/**
 * `filter` narrowed in SQL towards the cases `user` may read, or null when it can match none of
 * them. The narrowing is a superset: `mayReadCase` still decides each row.
 */
export function readableCaseFilter(user: ApiUser, filter: CaseFilter): CaseFilter | null {
  const onlyTypes: readonly string[] | undefined = ASSIGNED_CASES_ONLY[user.role];
  let narrowed: CaseFilter = { ...filter, notAbout: user.name };
  if (onlyTypes) {
    if (filter.type !== undefined && !onlyTypes.includes(filter.type)) return null;
    if (filter.type === undefined && onlyTypes.length === 1) narrowed = { ...narrowed, type: onlyTypes[0] };
  }
  return narrowed;
}
