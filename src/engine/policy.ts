/**
 * The access policy: who may open a case, send an event, see a case, and move its deadlines. Pure:
 * the engine asks it inside the transaction that reads the case, before anything about the case
 * is revealed (its existence, version, state or allowed events).
 *
 * - Nobody acts on or reads a case about themselves (FORBIDDEN_ROLE, rule subjectOfCase). To a
 *   subject whose role neither reads nor opens the case's type (an official, on a clue about them)
 *   the case is hidden instead, so the refusal does not tell them it exists.
 * - A caller who may not see a case gets CASE_NOT_FOUND, worded exactly as for an unknown id:
 *   roles that read no casework (an official, the public) see no case, and a unit liaison sees only
 *   the rectifications assigned to them.
 * - A case type may name its readers (`CaseDefinition.readers`, data in machines/): a role it leaves
 *   out cannot tell such a case exists, in any read, list, inbox, supervision list or link.
 *   Self-recommendations are confidential (the channel holder keeps them so): read only by the
 *   channel holder they were given to (while assigned to them), the Organization Department, the
 *   Discipline Inspection Commission, the conference chair and admins.
 * - Supervisors do not read self-recommendations. Their lists that name cases (overdue limits,
 *   escalations) leave them out, and their deadlines are not theirs to extend or urge (the
 *   forwarding limit's red card goes to the Organization Department, which reads them). What they
 *   still see is counted, naming no case: a late forwarding limit counts in its unit's on-time
 *   rate and cards, and open cases per state count them. A count tells that some limit of a unit
 *   was late, never whose recommendation it was.
 * - Each event names the roles that may send it (the machines' catalogues).
 * - Deadlines are extended, suspended and resumed by supervisors, conference chairs and admins.
 * - The role groups the API's routes admit (supervision reports, reporters' messages, accounts) and
 *   who may act on someone else's API token.
 *
 * Officials are compared with `sameOfficial` (machines/officials.ts), the one normalisation.
 */
import type { CaseAccessFacts } from '../../db/records';
import { sameOfficial } from '../../machines/officials';
import { caseDefinitions } from '../../machines';
import type { Actor, CaseDefinition, CaseType, Role } from '../../machines/types';
import { CaseNotFoundError, DeadlineNotFoundError, ForbiddenRoleError, OpenerRefusedError, SubjectOfCaseError } from '../errors';

/**
 * Roles that read cases, their history and lists. `official` is left out: an official opens their
 * own self-recommendation but reads no casework. The deadline worker (`system`) sees every case.
 */
export const CASE_READERS: readonly Role[] = [
  'intakeClerk',
  'verifier',
  'organizationDepartment',
  'disciplineCommission',
  'conferenceChair',
  'supervisor',
  'unitLiaison',
  'partyOrganizationHead',
  'mainLeader',
  'admin',
];

/**
 * Readers who see only the cases assigned to them (the case's assignee is them), and only of these
 * types. A unit liaison answers for their unit on the rectifications they were notified of; the
 * holder of a self-recommendation channel sees the recommendations given to them to pass on.
 */
export const ASSIGNED_CASES_ONLY: Readonly<Partial<Record<Role, readonly CaseType[]>>> = {
  unitLiaison: ['rectification'],
  partyOrganizationHead: ['selfRecommendation'],
  mainLeader: ['selfRecommendation'],
};

/** The readers each built-in case type names (`CaseDefinition.readers`), by type. */
const TYPE_READERS: ReadonlyMap<string, readonly Role[]> = new Map(caseDefinitions.flatMap((d) => (d.readers ? [[d.type, d.readers] as const] : [])));

/** The roles that read cases of `type`: the readers its definition names, else every case reader. */
export function readersOf(type: string): readonly Role[] {
  return TYPE_READERS.get(type) ?? CASE_READERS;
}

/** Whether `role` reads cases of `type` at all (before the assigned-only rule and the subject rule). */
const readsType = (role: Role, type: string): boolean => CASE_READERS.includes(role) && readersOf(type).includes(role);

/** Roles that may extend, suspend or resume a deadline. */
export const DEADLINE_APPROVER_ROLES: readonly Role[] = ['supervisor', 'conferenceChair', 'admin'];

/** Roles that see what reporters add to a clue: those who handle clues. */
export const REPORTER_MESSAGE_READERS: readonly Role[] = ['intakeClerk', 'verifier', 'conferenceChair', 'disciplineCommission'];

/** Roles that read the supervision reports. */
export const SUPERVISORS: readonly Role[] = ['supervisor', 'admin'];

/** Whether every supervisor reads cases of `type`, so a supervision action (a card consequence) may name one. */
export const supervisorsRead = (type: string): boolean => SUPERVISORS.every((role) => readsType(role, type));

/** Roles that manage users and other people's tokens. */
export const ACCOUNT_ADMINS: readonly Role[] = ['admin'];

/** Who imports a calendar year: an admin over HTTP, or the operator at the data file (`caseflow calendar import`). */
export const CALENDAR_IMPORTERS: readonly Role[] = ['admin', 'operator'];

/** Roles that verify the case log's hash chains. */
export const AUDITORS: readonly Role[] = ['admin'];

/** Throws unless `actor` may create or revoke a token of `owner`: their own, or anyone's for an admin. */
export function authorizeTokenOwner(actor: Actor, owner: string, what: string): void {
  if (!sameOfficial(owner, actor.id) && !ACCOUNT_ADMINS.includes(actor.role)) throw new ForbiddenRoleError(`${what} another user’s token`, actor.role, ACCOUNT_ADMINS);
}

/**
 * Whether `actor` may know that a token of `owner` exists: their own, or anyone's for an admin.
 * To anyone else another person's token answers exactly as an unknown id does.
 */
export function seesToken(actor: Actor, owner: string): boolean {
  return sameOfficial(owner, actor.id) || ACCOUNT_ADMINS.includes(actor.role);
}

/** How a case stands for one actor. */
export type Visibility = 'visible' | 'aboutThem' | 'hidden';

/** The roles that open cases of each built-in type, by type. */
const TYPE_OPENERS: ReadonlyMap<string, readonly Role[]> = new Map(caseDefinitions.map((d) => [d.type, d.createRoles] as const));

/**
 * Whether `actor` may see the case: visible, about them (refused, by rule), or hidden (not found).
 * A case about someone whose role neither reads nor opens its type (an official, on a clue about
 * them) is hidden rather than refused: the refusal would tell them such a case exists.
 */
export function visibilityOf(actor: Actor, facts: CaseAccessFacts): Visibility {
  if (sameOfficial(facts.subjectId, actor.id)) {
    return readsType(actor.role, facts.type) || (TYPE_OPENERS.get(facts.type) ?? []).includes(actor.role) ? 'aboutThem' : 'hidden';
  }
  if (actor.role === 'system') return 'visible';
  if (!readsType(actor.role, facts.type)) return 'hidden';
  const onlyTypes = ASSIGNED_CASES_ONLY[actor.role];
  if (onlyTypes && !(onlyTypes.includes(facts.type as CaseType) && sameOfficial(facts.assignee, actor.id))) return 'hidden';
  return 'visible';
}

/**
 * Throws unless `actor` may see the case: CASE_NOT_FOUND when it is hidden from them (the same
 * answer as for an unknown id), FORBIDDEN_ROLE (subjectOfCase) when it is about them. `what` words
 * the refusal, e.g. "read" or "send DECIDE on".
 */
export function authorizeCase(actor: Actor, facts: CaseAccessFacts | undefined, caseId: string, what = 'read'): CaseAccessFacts {
  if (!facts) throw new CaseNotFoundError(caseId);
  const visibility = visibilityOf(actor, facts);
  if (visibility === 'aboutThem') throw new SubjectOfCaseError(facts.id, actor.id, what);
  if (visibility === 'hidden') throw new CaseNotFoundError(caseId);
  return facts;
}

/** Throws unless `actor`'s role may send `type` on cases of `definition` (an unknown type is the machine's to refuse). */
export function authorizeEvent(definition: CaseDefinition, actor: Actor, type: string): void {
  const spec = definition.events[type];
  if (spec && !spec.roles.includes(actor.role)) throw new ForbiddenRoleError(`send ${type}`, actor.role, spec.roles);
}

/** The events of `accepted` that `actor`'s role may send. */
export function sendableEvents(definition: CaseDefinition, accepted: readonly string[], actor: Actor): string[] {
  return accepted.filter((type) => definition.events[type]?.roles.includes(actor.role));
}

/** Throws unless `actor` may open a case of `definition`: by role, then (given the validated input) by the opener rule. */
export function authorizeOpen(definition: CaseDefinition, actor: Actor, input?: unknown): void {
  if (!definition.createRoles.includes(actor.role)) throw new ForbiddenRoleError(`open a ${definition.type} case`, actor.role, definition.createRoles);
  if (input === undefined) return;
  const refusal = definition.openerRule?.(input, actor);
  if (refusal) throw new OpenerRefusedError(definition.type, actor, refusal);
}

/** Throws unless `actor`'s role may move deadlines at all (checked before anything is read). */
export function authorizeDeadlineRole(actor: Actor, verb: string): void {
  if (!DEADLINE_APPROVER_ROLES.includes(actor.role)) throw new ForbiddenRoleError(`${verb} a deadline`, actor.role, DEADLINE_APPROVER_ROLES);
}

/** Throws unless `actor` may move a deadline of this case: DEADLINE_NOT_FOUND if hidden, FORBIDDEN_ROLE if about them. */
export function authorizeDeadlineChange(actor: Actor, facts: CaseAccessFacts | undefined, deadlineId: string, verb: string): void {
  authorizeDeadlineRole(actor, verb);
  const visibility = facts ? visibilityOf(actor, facts) : 'hidden';
  if (visibility === 'hidden' || !facts) throw new DeadlineNotFoundError(deadlineId);
  if (visibility === 'aboutThem') throw new SubjectOfCaseError(facts.id, actor.id, `${verb} a deadline of`);
}

/** Roles that decide identity-access requests: the custodians of reporters' identities. */
export const CUSTODIANS: readonly Role[] = ['custodian'];

/** Roles that may ask to see a named reporter's identity: those who handle clues, and custodians (another custodian decides). */
export const IDENTITY_REQUESTERS: readonly Role[] = ['intakeClerk', 'verifier', 'conferenceChair', 'disciplineCommission', 'custodian'];

/**
 * Throws unless `actor` may act on the identity of this case in one of `roles`: FORBIDDEN_ROLE for
 * other roles, CASE_NOT_FOUND when the case is hidden from them, FORBIDDEN_ROLE (subjectOfCase)
 * when it is about them. A custodian reads no casework, but may act on any case's identity requests.
 */
export function authorizeIdentityAccess(actor: Actor, facts: CaseAccessFacts | undefined, caseId: string, roles: readonly Role[], what: string): void {
  if (!roles.includes(actor.role)) throw new ForbiddenRoleError(what, actor.role, roles);
  if (!CUSTODIANS.includes(actor.role)) {
    authorizeCase(actor, facts, caseId, what);
    return;
  }
  if (!facts) throw new CaseNotFoundError(caseId);
  if (sameOfficial(facts.subjectId, actor.id)) throw new SubjectOfCaseError(facts.id, actor.id, what);
}

/** Who may urge a unit on a running deadline (催办). */
export const URGERS: readonly Role[] = SUPERVISORS;

/** Throws unless `actor` may urge on a deadline of this case: FORBIDDEN_ROLE for other roles, DEADLINE_NOT_FOUND if hidden, FORBIDDEN_ROLE if about them. */
export function authorizeUrge(actor: Actor, facts: CaseAccessFacts | undefined, deadlineId: string): void {
  if (!URGERS.includes(actor.role)) throw new ForbiddenRoleError('urge a unit on a deadline', actor.role, URGERS);
  const visibility = facts ? visibilityOf(actor, facts) : 'hidden';
  if (visibility === 'hidden' || !facts) throw new DeadlineNotFoundError(deadlineId);
  if (visibility === 'aboutThem') throw new SubjectOfCaseError(facts.id, actor.id, 'urge on a deadline of');
}

/**
 * A case-list query narrowed towards what `actor` may see, or null when they may see none: cases
 * about them are left out, a type they do not read gives none, an assigned-only reader's types
 * applied. Each row is still checked with `visibilityOf`.
 */
export function narrowCaseList<Q extends { type?: string; notAbout?: string }>(actor: Actor, query: Q): Q | null {
  if (actor.role === 'system') return { ...query, notAbout: actor.id };
  if (!CASE_READERS.includes(actor.role)) return null;
  if (query.type !== undefined && !readsType(actor.role, query.type)) return null;
  let narrowed: Q = { ...query, notAbout: actor.id };
  const onlyTypes = ASSIGNED_CASES_ONLY[actor.role];
  if (onlyTypes) {
    if (query.type !== undefined && !(onlyTypes as readonly string[]).includes(query.type)) return null;
    if (query.type === undefined && onlyTypes.length === 1) narrowed = { ...narrowed, type: onlyTypes[0] };
  }
  return narrowed;
}
