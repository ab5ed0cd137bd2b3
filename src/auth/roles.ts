/**
 * Which roles people hold and what each group of roles may do through the API. The machines'
 * per-event role lists stay the engine's business; these are the reading and admin rules around them.
 */
import { ROLES, type CaseType, type Role } from '../../machines/types';
import { InvalidPayloadError } from '../errors';

/** Roles that are not people's accounts: the deadline worker and the public. */
const NON_USER_ROLES = ['system', 'reporter'] as const;
export type UserRole = Exclude<Role, (typeof NON_USER_ROLES)[number]>;

/** Every role a user account can hold. */
export const USER_ROLES: readonly UserRole[] = ROLES.filter((r): r is UserRole => !(NON_USER_ROLES as readonly string[]).includes(r));

/**
 * Roles that reach the routes that read cases, their history and lists. `official` is left out: an
 * official opens their own self-recommendation but reads no casework. Which cases each reader sees
 * there is decided case by case in caseAccess.ts (`ASSIGNED_CASES_ONLY`, and nobody's own case).
 */
export const CASE_READERS: readonly UserRole[] = [
  'intakeClerk',
  'verifier',
  'organizationDepartment',
  'disciplineCommission',
  'conferenceChair',
  'supervisor',
  'unitLiaison',
  'admin',
];

/**
 * Readers who see only the cases assigned to them (the case's assignee is their user name), and
 * only of these types; every other case is "not found" for them. A unit liaison answers for their
 * unit on the rectifications they were notified of, and sees nothing else.
 */
export const ASSIGNED_CASES_ONLY: Readonly<Partial<Record<UserRole, readonly CaseType[]>>> = {
  unitLiaison: ['rectification'],
};

/** Roles that see what reporters add to a clue: those who handle clues. */
export const REPORTER_MESSAGE_READERS: readonly UserRole[] = ['intakeClerk', 'verifier', 'conferenceChair', 'disciplineCommission'];

/** Roles that read the supervision reports. */
export const SUPERVISORS: readonly UserRole[] = ['supervisor', 'admin'];

/** Roles that manage users and other people's tokens. */
export const ACCOUNT_ADMINS: readonly UserRole[] = ['admin'];

/** `text` as a user role, or INVALID_PAYLOAD naming the roles there are. */
export function parseUserRole(text: string, path = 'role'): UserRole {
  const found = USER_ROLES.find((r) => r === text);
  if (!found) throw new InvalidPayloadError('role', [{ path, message: `"${text}" is not a user role; roles: ${USER_ROLES.join(', ')}` }]);
  return found;
}
