/**
 * Sign-in and sign-out pages. A sign-in opens a session and sets its cookie; a failed one shows the
 * error on the form; attempts are rate-limited per client address.
 */
import { asCaseflowError } from '../../errors';
import type { Web } from '../context';
import { cookieOptions, SESSION_COOKIE, signedIn } from '../session';

/** Only a path on this site is followed after sign-in, never another origin. */
const localPath = (next: unknown): string => (typeof next === 'string' && /^\/(?![/\\])/.test(next) ? next : '/');

/** Registers GET/POST /login and POST /logout. */
export function registerSignInPages(web: Web): void {
  web.app.get('/login', async (request, reply) => {
    const { next } = request.query as { next?: string };
    return web.page(request, reply, 'signIn', { title: web.t(request)('signIn.title'), next: localPath(next), name: '', error: null });
  });

  web.app.post(
    '/login',
    { config: { rateLimit: { max: web.signInMax ?? 10, timeWindow: web.signInWindowMs ?? 600_000 } } },
    async (request, reply) => {
      const body = request.body as { name?: string; password?: string; next?: string };
      const name = String(body.name ?? '');
      try {
        const opened = await web.sessions.signIn(name, String(body.password ?? ''));
        void reply.setCookie(SESSION_COOKIE, opened.sessionId, cookieOptions(request));
        return reply.redirect(localPath(body.next), 303);
      } catch (error) {
        const known = asCaseflowError(error);
        if (!known || known.code !== 'UNAUTHENTICATED') throw error;
        reply.code(401);
        return web.page(request, reply, 'signIn', { title: web.t(request)('signIn.title'), next: localPath(body.next), name, error: known.toJSON() });
      }
    },
  );

  web.app.post('/logout', async (request, reply) => {
    const id = request.cookies[SESSION_COOKIE];
    if (id && signedIn(request)) await web.sessions.signOut(id);
    void reply.clearCookie(SESSION_COOKIE, cookieOptions(request));
    return reply.redirect('/login', 303);
  });
}
