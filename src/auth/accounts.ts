/**
 * Users and their API tokens. A token is random, shown once when created, and stored only as its
 * SHA-256 hash; authenticating looks the hash up.
 */
import { randomBytes } from 'node:crypto';
import type { AccountRepository, Store } from '../../db/port';
import type { UserRecord as UserRow } from '../../db/records';
import { canonicalOfficialId, officialIdProblem } from '../../machines/officials';
import type { Actor } from '../../machines/types';
import type { Clock } from '../clock';
import { InvalidPayloadError } from '../errors';
import { PasswordCheck } from './credentials';
import { TokenNotFoundError, UserNotFoundError } from './errors';
import { hashPassword } from './passwords';
import { isInternalRole, parseUserRole, RoleNotClaimableError, type UserRole } from './roles';
import { apiTokenHash, newApiToken } from './secrets';

/** A user account as the API sees it. `name` is the actor id recorded on every event they send. */
export interface ApiUser {
  name: string;
  role: UserRole;
  createdAt: string;
}

/** A token just created: the only moment the secret is available. */
export interface IssuedToken {
  id: string;
  token: string;
  user: string;
  label: string | null;
  createdAt: string;
}

/** What is kept about a token: never the secret. */
export interface TokenInfo {
  id: string;
  user: string;
  label: string | null;
  createdAt: string;
  revokedAt: string | null;
}

/*
 * User names are official ids, compared with a case's subject and assignee: stored in the one
 * canonical form (machines/officials.ts) and looked up the same way.
 */

const iso = (ms: number): string => new Date(ms).toISOString();
/** A stored user row as the API shows it. */
export const toUser = (row: UserRow): ApiUser => ({ name: row.name, role: parseUserRole(row.role), createdAt: iso(row.createdAt) });

/** The actor a user acts as. */
export const actorOf = (user: ApiUser): Actor => ({ id: user.name, role: user.role });

/** Users and API tokens in the caseflow database. */
export class Accounts {
  private readonly passwords: PasswordCheck;

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
  ) {
    this.passwords = new PasswordCheck(store);
  }

  /** Adds a user with one role; the name, stored in its canonical form, must be new however it is spelled. */
  async addUser(name: string, role: string): Promise<ApiUser> {
    const problem = officialIdProblem(name);
    if (problem) throw new InvalidPayloadError('user', [{ path: 'name', message: `a user name is an official id, e.g. wang.fang: ${problem}` }]);
    const key = canonicalOfficialId(name);
    const checkedRole = parseUserRole(role, 'role', 'be given');
    return this.store.withTransaction(async (tx) => {
      if (await tx.accounts.userByName(key)) throw new InvalidPayloadError('user', [{ path: 'name', message: `a user named "${key}" already exists` }]);
      return toUser(await tx.accounts.insertUser({ name: key, role: checkedRole, createdAt: this.clock.now() }));
    });
  }

  /** The user named `name`, or NOT_FOUND. */
  async user(name: string): Promise<ApiUser> {
    return toUser(await this.store.read((tx) => this.requireRow(tx.accounts, name)));
  }

  /** Every user, by name. */
  async listUsers(): Promise<ApiUser[]> {
    return (await this.store.read((tx) => tx.accounts.listUsers())).map(toUser);
  }

  /** Disables a user: none of their tokens works any more, and the name stays taken. */
  disableUser(name: string): Promise<ApiUser> {
    return this.store.withTransaction(async (tx) => {
      const row = await this.requireRow(tx.accounts, name);
      await tx.accounts.disableUser(row.id, this.clock.now());
      return toUser(row);
    });
  }

  /** Sets the user's web sign-in password (Argon2id-hashed) and ends their open sessions. */
  async setPassword(name: string, password: string): Promise<ApiUser> {
    const hash = await hashPassword(password);
    return this.store.withTransaction(async (tx) => {
      const row = await this.requireRow(tx.accounts, name);
      await tx.accounts.setPasswordHash(row.id, hash, this.clock.now());
      await tx.accounts.deleteSessionsOf(row.id);
      return toUser(row);
    });
  }

  /** Creates a token for `userName`; the returned secret is never shown again. */
  createToken(userName: string, label?: string): Promise<IssuedToken> {
    return this.store.withTransaction(async (tx) => {
      const user = await this.requireRow(tx.accounts, userName);
      // an account row given one of caseflow's own roles behind its back gets no token
      if (isInternalRole(user.role)) throw new RoleNotClaimableError(user.role, 'hold a token in');
      const token = newApiToken();
      const now = this.clock.now();
      const id = `tok_${randomBytes(8).toString('hex')}`;
      await tx.accounts.insertToken({ id, userId: user.id, tokenHash: apiTokenHash(token), label: label?.trim() || null, createdAt: now });
      return { id, token, user: user.name, label: label?.trim() || null, createdAt: iso(now) };
    });
  }

  /** A new token for `name` when `password` is their web password (`caseflow login`); otherwise UNAUTHENTICATED, the same for every reason. */
  async signInForToken(name: string, password: string, label?: string): Promise<IssuedToken> {
    const user = await this.passwords.userFor(name, password);
    return this.createToken(user.name, label);
  }

  /** The user a token belongs to, or null when it is unknown, revoked or its user is disabled. */
  async authenticate(token: string): Promise<ApiUser | null> {
    const found = await this.store.read((tx) => tx.accounts.activeUserByTokenHash(apiTokenHash(token)));
    return found ? toUser(found) : null;
  }

  /** The token's public facts (never its secret), or NOT_FOUND. */
  token(id: string): Promise<TokenInfo> {
    return this.store.read((tx) => this.tokenInfo(tx.accounts, id));
  }

  /** Revokes a token; revoking twice keeps the first revocation time. */
  revokeToken(id: string): Promise<TokenInfo> {
    return this.store.withTransaction(async (tx) => {
      await this.tokenInfo(tx.accounts, id);
      await tx.accounts.revokeToken(id, this.clock.now());
      return this.tokenInfo(tx.accounts, id);
    });
  }

  private async tokenInfo(accounts: AccountRepository, id: string): Promise<TokenInfo> {
    const found = await accounts.tokenById(id);
    if (!found) throw new TokenNotFoundError(id);
    const t = found.token;
    return { id: t.id, user: found.userName, label: t.label, createdAt: iso(t.createdAt), revokedAt: t.revokedAt === null ? null : iso(t.revokedAt) };
  }

  private async requireRow(accounts: AccountRepository, name: string): Promise<UserRow> {
    const row = await accounts.userByName(canonicalOfficialId(name));
    if (!row) throw new UserNotFoundError(name);
    return row;
  }
}
