/**
 * The web app's sign-in state on each request: the session cookie, the signed-in account, and the
 * CSRF token every form carries. Signed in, the token is the session's own; before sign-in (the
 * sign-in and reporter forms) it is a random value in a cookie of its own that the form repeats.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { CookieSerializeOptions } from '@fastify/cookie';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ApiUser } from '../auth/accounts';
import { CsrfRejectedError } from '../auth/errors';
import type { ActiveSession, WebSessions } from '../auth/sessions';

declare module 'fastify' {
  interface FastifyRequest {
    /** The web session the request came with, when it is valid. */
    webSession: ActiveSession | null;
  }
}

/** The cookie that holds the session id. */
export const SESSION_COOKIE = 'cf_session';
/** The cookie that holds the CSRF token of forms sent before sign-in. */
export const FORM_COOKIE = 'cf_form';
/** The form field (or `x-csrf-token` header, for htmx) that carries the token back. */
export const CSRF_FIELD = '_csrf';

/** HttpOnly, SameSite=Lax, whole site; Secure when the request came over TLS (or a trusted proxy says it did). */
export const cookieOptions = (request: FastifyRequest): CookieSerializeOptions => ({ path: '/', httpOnly: true, sameSite: 'lax', secure: request.protocol === 'https' });

/** Reads the session cookie into `request.webSession`. */
export async function loadSession(sessions: WebSessions, request: FastifyRequest): Promise<void> {
  const id = request.cookies[SESSION_COOKIE];
  request.webSession = id ? await sessions.resume(id) : null;
}

/** The signed-in account, or null. */
export const signedIn = (request: FastifyRequest): ApiUser | null => request.webSession?.user ?? null;

/** The token this request's forms must carry (sets the form cookie first when there is none). */
export function csrfTokenFor(request: FastifyRequest, reply: FastifyReply): string {
  if (request.webSession) return request.webSession.csrfToken;
  const existing = request.cookies[FORM_COOKIE];
  if (existing) return existing;
  const token = randomBytes(32).toString('base64url');
  void reply.setCookie(FORM_COOKIE, token, cookieOptions(request));
  request.cookies[FORM_COOKIE] = token;
  return token;
}

const same = (a: string, b: string): boolean => {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
};

/** Refuses a form whose CSRF token is missing or not this session's (or this browser's, before sign-in). */
export function checkCsrf(request: FastifyRequest): void {
  const body = request.body as Record<string, unknown> | undefined;
  const header = request.headers['x-csrf-token'];
  const sent = typeof body?.[CSRF_FIELD] === 'string' ? (body[CSRF_FIELD]) : typeof header === 'string' ? header : '';
  const expected = request.webSession?.csrfToken ?? request.cookies[FORM_COOKIE] ?? '';
  if (!sent || !expected || !same(sent, expected)) throw new CsrfRejectedError();
}
