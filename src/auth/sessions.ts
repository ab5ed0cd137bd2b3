/**
 * Web sign-in sessions. Signing in checks the password against its Argon2id hash and opens a session
 * row; the browser holds only a random session id (in an HttpOnly cookie), the database only its
 * SHA-256 hash. A session ends at sign-out, when its user gets a new password or is disabled, and when
 * it has been idle longer than the idle limit, measured on the injected clock.
 */
import { randomBytes } from 'node:crypto';
import type { Store } from '../../db/port';
import type { Clock } from '../clock';
import { toUser, type ApiUser } from './accounts';
import { PasswordCheck } from './credentials';
import { sha256 } from './secrets';

/** How sessions behave; every field has a default. */
export interface SessionSettings {
  /** A session not used for this long is over, in milliseconds. @defaultValue 1800000 (30 minutes) */
  idleMs: number;
  /** A request refreshes the session's last use only when the last refresh is older than this, in milliseconds (saves a write per page). @defaultValue 60000 */
  touchEveryMs: number;
}

export const DEFAULT_SESSION_SETTINGS: SessionSettings = { idleMs: 30 * 60_000, touchEveryMs: 60_000 };

/** A session just opened: the id goes into the cookie, and is never seen again after this. */
export interface OpenedSession {
  sessionId: string;
  user: ApiUser;
  csrfToken: string;
}

/** A session a request came with, still valid. */
export interface ActiveSession {
  user: ApiUser;
  /** The token each form of this session must send back. */
  csrfToken: string;
}

/** The stored form of a session id. */
const sessionIdHash = (sessionId: string): string => sha256(`caseflow-session:${sessionId}`);
const randomToken = (): string => randomBytes(32).toString('base64url');

/** Signs people in and out of the web app. */
export class WebSessions {
  private readonly settings: SessionSettings;
  private readonly passwords: PasswordCheck;

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    settings: Partial<SessionSettings> = {},
  ) {
    this.settings = { ...DEFAULT_SESSION_SETTINGS, ...settings };
    this.passwords = new PasswordCheck(store);
  }

  /** Opens a session for `name` when `password` is theirs; otherwise SignInFailedError, the same for every reason. */
  async signIn(name: string, password: string): Promise<OpenedSession> {
    const user = await this.passwords.userFor(name, password);
    const sessionId = randomToken();
    const csrfToken = randomToken();
    const now = this.clock.now();
    await this.store.withTransaction((tx) => tx.accounts.insertSession({ idHash: sessionIdHash(sessionId), userId: user.id, csrfToken, createdAt: now, lastSeenAt: now }));
    return { sessionId, user: toUser(user), csrfToken };
  }

  /** The session of this cookie value, or null when it is unknown, ended or idle too long (an idle one is removed). */
  async resume(sessionId: string): Promise<ActiveSession | null> {
    const idHash = sessionIdHash(sessionId);
    const found = await this.store.read((tx) => tx.accounts.sessionByIdHash(idHash));
    if (!found) return null;
    const now = this.clock.now();
    const idle = now - found.session.lastSeenAt;
    if (idle > this.settings.idleMs) {
      await this.store.withTransaction((tx) => tx.accounts.deleteSession(idHash));
      return null;
    }
    if (idle >= this.settings.touchEveryMs) await this.store.withTransaction((tx) => tx.accounts.touchSession(idHash, now));
    return { user: toUser(found.user), csrfToken: found.session.csrfToken };
  }

  /** Ends the session of this cookie value (nothing happens when there is none). */
  async signOut(sessionId: string): Promise<void> {
    await this.store.withTransaction((tx) => tx.accounts.deleteSession(sessionIdHash(sessionId)));
  }
}
