/**
 * Which roles people's accounts can hold, and the roles that are caseflow's own. What each role may
 * do is the access policy's (src/engine/policy.ts).
 */
import { ROLES, type Role } from '../../machines/types';
import { CaseflowError, InvalidPayloadError } from '../errors';

/**
 * Roles no person can hold or claim: the deadline worker and linked-case rules (`system`), the public
 * (`reporter`, who acts with a receipt code, never an account) and the operator at the data file.
 */
export const INTERNAL_ROLES = ['system', 'reporter', 'operator'] as const;
export type InternalRole = (typeof INTERNAL_ROLES)[number];
export type UserRole = Exclude<Role, InternalRole>;

/** Every role a user account can hold. */
export const USER_ROLES: readonly UserRole[] = ROLES.filter((r): r is UserRole => !(INTERNAL_ROLES as readonly string[]).includes(r));

/** True for one of caseflow's own roles. */
export const isInternalRole = (role: string): role is InternalRole => (INTERNAL_ROLES as readonly string[]).includes(role);

/** Someone named one of caseflow's own roles for a person: an account, a token, a sign-in or a command. */
export class RoleNotClaimableError extends CaseflowError {
  constructor(role: InternalRole, where: string) {
    super(
      'ROLE_NOT_CLAIMABLE',
      `The role "${role}" is caseflow's own (${INTERNAL_ROLE_MEANING[role]}): no person can ${where} it. Roles people hold: ${USER_ROLES.join(', ')}.`,
      { role, internalRoles: INTERNAL_ROLES, userRoles: USER_ROLES },
    );
  }
}

/** A caller asked to act in a role their account does not hold. */
export class RoleNotHeldError extends CaseflowError {
  constructor(user: string, role: string, held: readonly string[]) {
    super('ROLE_NOT_HELD', `${user} does not hold the role "${role}"; they act as ${held.join(', ')}. Ask an administrator for that role, or leave out --role.`, {
      user,
      role,
      held,
    });
  }
}

const INTERNAL_ROLE_MEANING: Readonly<Record<InternalRole, string>> = {
  system: 'the deadline workers and the linked-case rules',
  reporter: 'the public, who act with a receipt code',
  operator: 'a person working on the data file itself, recorded as such',
};

/** `text` as a user role: ROLE_NOT_CLAIMABLE for caseflow's own roles, INVALID_PAYLOAD naming the roles there are for anything else. */
export function parseUserRole(text: string, path = 'role', where = 'be given'): UserRole {
  if (isInternalRole(text)) throw new RoleNotClaimableError(text, where);
  const found = USER_ROLES.find((r) => r === text);
  if (!found) throw new InvalidPayloadError('role', [{ path, message: `"${text}" is not a user role; roles: ${USER_ROLES.join(', ')}` }]);
  return found;
}
