/**
 * Which roles people's accounts can hold. What each role may do is the access policy's
 * (src/engine/policy.ts).
 */
import { ROLES, type Role } from '../../machines/types';
import { InvalidPayloadError } from '../errors';

/** Roles that are not people's accounts: the deadline worker and the public. */
const NON_USER_ROLES = ['system', 'reporter'] as const;
export type UserRole = Exclude<Role, (typeof NON_USER_ROLES)[number]>;

/** Every role a user account can hold. */
export const USER_ROLES: readonly UserRole[] = ROLES.filter((r): r is UserRole => !(NON_USER_ROLES as readonly string[]).includes(r));

/** `text` as a user role, or INVALID_PAYLOAD naming the roles there are. */
export function parseUserRole(text: string, path = 'role'): UserRole {
  const found = USER_ROLES.find((r) => r === text);
  if (!found) throw new InvalidPayloadError('role', [{ path, message: `"${text}" is not a user role; roles: ${USER_ROLES.join(', ')}` }]);
  return found;
}
