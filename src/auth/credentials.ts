/**
 * Checking a user name and password, for the web sign-in and for `caseflow login`: the same answer
 * (SignInFailedError) for an unknown name, a disabled user, a user without a password and a wrong
 * password, and the same hashing work for each, so neither the answer nor its timing tells them apart.
 */
import type { Store } from '../../db/port';
import type { UserRecord } from '../../db/records';
import { canonicalOfficialId, officialIdProblem } from '../../machines/officials';
import { SignInFailedError } from './errors';
import { decoyHash, verifyPassword } from './passwords';
import { isInternalRole, RoleNotClaimableError } from './roles';

/** Checks passwords against their stored Argon2id hashes. */
export class PasswordCheck {
  private decoy: Promise<string> | null = null;

  constructor(private readonly store: Store) {}

  /** The active user `name` names when `password` is theirs; otherwise SignInFailedError. */
  async userFor(name: string, password: string): Promise<UserRecord> {
    const key = officialIdProblem(name) ? null : canonicalOfficialId(name);
    const found = key
      ? await this.store.read(async (tx) => {
          const user = await tx.accounts.userByName(key);
          return user && user.disabledAt === null ? { user, hash: await tx.accounts.passwordHashOf(user.id) } : undefined;
        })
      : undefined;
    // a missing user or password costs one hash check too, so timing does not tell which it was
    const ok = await verifyPassword(found?.hash ?? (await (this.decoy ??= decoyHash())), password);
    if (!found?.hash || !ok) throw new SignInFailedError();
    // an account row holding one of caseflow's own roles (written to the file by hand) signs nobody in
    if (isInternalRole(found.user.role)) throw new RoleNotClaimableError(found.user.role, 'sign in as');
    return found.user;
  }
}
