/**
 * Which roles people hold and what each group of roles may do through the API. Who reads cases and
 * which ones is the engine's access policy (src/engine/policy.ts); these are the other route rules.
 */
import { ROLES, type Role } from '../../machines/types';
import { InvalidPayloadError } from '../errors';

/** Roles that are not people's accounts: the deadline worker and the public. */
const NON_USER_ROLES = ['system', 'reporter'] as const;
export type UserRole = Exclude<Role, (typeof NON_USER_ROLES)[number]>;

/** Every role a user account can hold. */
export const USER_ROLES: readonly UserRole[] = ROLES.filter((r): r is UserRole => !(NON_USER_ROLES as readonly string[]).includes(r));

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
