/**
 * Users and their API tokens. A token is random, shown once when created, and stored only as its
 * SHA-256 hash; authenticating looks the hash up.
 */
import { randomBytes } from 'node:crypto';
import { and, asc, eq, isNull } from 'drizzle-orm';
import type { CaseflowDb } from '../../db';
import { apiTokens, users, type UserRow } from '../../db/schema';
import type { Actor } from '../../machines/types';
import type { Clock } from '../clock';
import { InvalidPayloadError } from '../errors';
import { TokenNotFoundError, UserNotFoundError } from './errors';
import { isOfficial, officialKey } from './officials';
import { parseUserRole, type UserRole } from './roles';
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

/**
 * User names are actor ids, compared with a case's subject and assignee: letters, digits, dot, dash,
 * underscore. They are stored as `officialKey` gives them (trimmed, lower case) and looked up the same way.
 */
const USER_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

const iso = (ms: number): string => new Date(ms).toISOString();
const toUser = (row: UserRow): ApiUser => ({ name: row.name, role: parseUserRole(row.role), createdAt: iso(row.createdAt) });

/** The actor a user acts as. */
export const actorOf = (user: ApiUser): Actor => ({ id: user.name, role: user.role });

/** Users and API tokens in the caseflow database. */
export class Accounts {
  constructor(
    private readonly db: CaseflowDb,
    private readonly clock: Clock,
  ) {}

  /** Adds a user with one role; the name, stored in lower case, must be new whatever its case. */
  addUser(name: string, role: string): ApiUser {
    const key = officialKey(name);
    if (!USER_NAME.test(key)) {
      throw new InvalidPayloadError('user', [
        { path: 'name', message: 'a user name is 1–64 letters, digits, dots, dashes or underscores, e.g. wang.fang' },
      ]);
    }
    const checkedRole = parseUserRole(role);
    if (this.findRow(key)) throw new InvalidPayloadError('user', [{ path: 'name', message: `a user named "${key}" already exists` }]);
    const row = this.db.insert(users).values({ name: key, role: checkedRole, createdAt: this.clock.now() }).returning().get();
    return toUser(row);
  }

  /** The user named `name`, or NOT_FOUND. */
  user(name: string): ApiUser {
    return toUser(this.requireRow(name));
  }

  /** Every user, by name. */
  listUsers(): ApiUser[] {
    return this.db.select().from(users).orderBy(asc(users.name)).all().map(toUser);
  }

  /** Disables a user: none of their tokens works any more, and the name stays taken. */
  disableUser(name: string): ApiUser {
    const row = this.requireRow(name);
    if (row.disabledAt === null) this.db.update(users).set({ disabledAt: this.clock.now() }).where(eq(users.id, row.id)).run();
    return toUser(row);
  }

  /** Creates a token for `userName`; the returned secret is never shown again. */
  createToken(userName: string, label?: string): IssuedToken {
    const user = this.requireRow(userName);
    const token = newApiToken();
    const now = this.clock.now();
    const id = `tok_${randomBytes(8).toString('hex')}`;
    this.db
      .insert(apiTokens)
      .values({ id, userId: user.id, tokenHash: apiTokenHash(token), label: label?.trim() || null, createdAt: now })
      .run();
    return { id, token, user: user.name, label: label?.trim() || null, createdAt: iso(now) };
  }

  /** The user a token belongs to, or null when it is unknown, revoked or its user is disabled. */
  authenticate(token: string): ApiUser | null {
    const found = this.db
      .select({ user: users })
      .from(apiTokens)
      .innerJoin(users, eq(users.id, apiTokens.userId))
      .where(and(eq(apiTokens.tokenHash, apiTokenHash(token)), isNull(apiTokens.revokedAt), isNull(users.disabledAt)))
      .get();
    return found ? toUser(found.user) : null;
  }

  /** The token's public facts (never its secret), or NOT_FOUND. */
  token(id: string): TokenInfo {
    const found = this.db
      .select({ token: apiTokens, user: users.name })
      .from(apiTokens)
      .innerJoin(users, eq(users.id, apiTokens.userId))
      .where(eq(apiTokens.id, id))
      .get();
    if (!found) throw new TokenNotFoundError(id);
    const t = found.token;
    return { id: t.id, user: found.user, label: t.label, createdAt: iso(t.createdAt), revokedAt: t.revokedAt === null ? null : iso(t.revokedAt) };
  }

  /** Revokes a token; revoking twice keeps the first revocation time. */
  revokeToken(id: string): TokenInfo {
    this.token(id);
    this.db.update(apiTokens).set({ revokedAt: this.clock.now() }).where(and(eq(apiTokens.id, id), isNull(apiTokens.revokedAt))).run();
    return this.token(id);
  }

  /** The user `name` names, compared as official ids are (a name stored before names were lower-cased is found too). */
  private findRow(name: string): UserRow | undefined {
    return this.db.select().from(users).where(isOfficial(users.name, name)).orderBy(asc(users.id)).get();
  }

  private requireRow(name: string): UserRow {
    const row = this.findRow(name);
    if (!row) throw new UserNotFoundError(name);
    return row;
  }
}
