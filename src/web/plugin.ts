/**
 * The web app: server-rendered pages under `/` beside the API (which stays where it is). Its own
 * Fastify context holds what only pages need: cookies, form bodies, eta views, static assets from
 * node_modules (htmx, Chart.js) and src/web/assets — no CDN. Every page reads through the engine and the
 * reports with the signed-in account as the actor, so the access policy decides what it shows.
 */
import path from 'node:path';
import cookie from '@fastify/cookie';
import formBody from '@fastify/formbody';
import fastifyStatic from '@fastify/static';
import view from '@fastify/view';
import { Eta } from 'eta';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { SUPERVISORS } from '../engine/policy';
import { reportError } from '../api/errors';
import type { Web, WebDeps } from './context';
import { registerBoardPages } from './routes/board';
import { registerCasePages } from './routes/casePage';
import { registerIdentityPages } from './routes/identityPage';
import { registerInboxPages } from './routes/inbox';
import { registerLedgerPages } from './routes/ledger';
import { registerLivePages } from './routes/live';
import { registerMigrationPages } from './routes/migrations';
import { registerReporterPages } from './routes/reporter';
import { registerSignInPages } from './routes/signIn';
import { chooseLocale, DEFAULT_LOCALE, LOCALE_COOKIE, localeOf, translator, type Locale, type Translate } from './i18n';
import { checkCsrf, cookieOptions, csrfTokenFor, loadSession, signedIn } from './session';

declare module 'fastify' {
  interface FastifyRequest {
    /** The page language chosen for this request. */
    pageLocale: Locale;
  }
}

const TRANSLATORS: Readonly<Record<Locale, Translate>> = { 'zh-CN': translator('zh-CN'), en: translator('en') };
/** A path on this site to go back to (never another site), else the start page. */
const localBack = (back: unknown): string => (typeof back === 'string' && back.startsWith('/') && !back.startsWith('//') && !back.startsWith('/\\') ? back : '/');

const packageDir = (name: string): string => path.dirname(require.resolve(`${name}/package.json`));

/** Registers the web pages on `app`, in a context of their own. */
export async function registerWebApp(app: FastifyInstance, deps: WebDeps): Promise<void> {
  await app.register(async (scope) => {
    await scope.register(cookie);
    await scope.register(formBody, { bodyLimit: 64 * 1024 });
    await scope.register(view, { engine: { eta: new Eta() }, templates: path.join(__dirname, 'views'), viewExt: 'eta' });
    await scope.register(fastifyStatic, { root: path.join(__dirname, 'assets'), prefix: '/assets/' });
    await scope.register(fastifyStatic, { root: path.join(packageDir('htmx.org'), 'dist'), prefix: '/assets/htmx/', decorateReply: false });
    await scope.register(fastifyStatic, { root: path.dirname(require.resolve('chart.js')), prefix: '/assets/chart/', decorateReply: false });

    scope.decorateRequest('webSession', null);
    scope.decorateRequest('pageLocale', DEFAULT_LOCALE);
    scope.addHook('onRequest', async (request) => {
      if (request.url.startsWith('/assets/')) return;
      request.pageLocale = chooseLocale(request.cookies[LOCALE_COOKIE], request.headers['accept-language']);
      await loadSession(deps.sessions, request);
    });
    scope.addHook('preHandler', (request, _reply, done) => {
      if (request.method === 'POST') checkCsrf(request);
      done();
    });
    scope.setErrorHandler(async (error: unknown, request, reply) => {
      const { status, body } = reportError(error, request);
      if (status >= 500) request.log.error({ err: error, code: body.code }, 'page failed');
      reply.code(status);
      if (!(request.headers.accept ?? '').includes('text/html')) return reply.type('application/json; charset=utf-8').send(body);
      const t = web.t(request);
      return reply.type('text/html; charset=utf-8').send(await web.page(request, reply, 'error', { title: t('error.title'), heading: t('error.heading'), error: body }));
    });

    const web: Web = {
      ...deps,
      app: scope,
      page: (request: FastifyRequest, reply: FastifyReply, name: string, data: Record<string, unknown>) => {
        const user = signedIn(request);
        void reply.type('text/html; charset=utf-8');
        const locale = request.pageLocale;
        const other: Locale = locale === 'en' ? 'zh-CN' : 'en';
        const switchTo = { locale: other, label: other === 'en' ? 'English' : '中文', href: `/language?${new URLSearchParams({ to: other, back: request.url }).toString()}` };
        return reply.viewAsync(name, { ...data, user, t: TRANSLATORS[locale], locale, switchTo, csrf: csrfTokenFor(request, reply), nav: { board: user ? SUPERVISORS.includes(user.role) : false } });
      },
      t: (request) => TRANSLATORS[request.pageLocale],
      requireSignIn: (request, reply) => {
        const user = signedIn(request);
        if (!user) void reply.redirect(`/login?next=${encodeURIComponent(request.url)}`, 303);
        return user;
      },
    };

    scope.get('/', async (request, reply) => {
      const user = web.requireSignIn(request, reply);
      if (!user) return reply;
      return reply.redirect(SUPERVISORS.includes(user.role) ? '/board' : '/inbox', 303);
    });
    // the language switch: remembered in a cookie for a year, then back to the page it was pressed on
    scope.get('/language', async (request, reply) => {
      const { to, back } = request.query as { to?: unknown; back?: unknown };
      const locale = localeOf(typeof to === 'string' ? to : undefined) ?? DEFAULT_LOCALE;
      void reply.setCookie(LOCALE_COOKIE, locale, { ...cookieOptions(request), maxAge: 365 * 24 * 3600 });
      return reply.redirect(localBack(back), 303);
    });
    registerSignInPages(web);
    registerBoardPages(web);
    registerCasePages(web);
    registerIdentityPages(web);
    registerInboxPages(web);
    registerLivePages(web);
    registerLedgerPages(web);
    registerMigrationPages(web);
    registerReporterPages(web);
  });
}
