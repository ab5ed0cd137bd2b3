/**
 * Signing in to the web app over HTTP: a password checked against its Argon2id hash opens a session
 * whose random id only the cookie holds (HttpOnly, SameSite=Lax, Secure behind TLS); every form needs
 * its CSRF token; the session ends at sign-out and after 30 idle minutes on the injected clock;
 * attempts are rate-limited; API tokens keep working, and a cookie alone opens no API route.
 */
import { composeApi } from '../../app/compose';
import { createApiLogger } from '../../src/api/logging';
import { startApi, type ApiFixture } from '../api/support/server';
import { engineFixture } from '../support/engine';
import { PASSWORD, WebClient, signedInAs, startWeb } from './support/web';

const MINUTE = 60_000;

describe('web sign-in', () => {
  let api: ApiFixture;
  beforeEach(async () => {
    api = await startWeb();
  });
  afterEach(() => api.close());

  test('the right password opens a session: a 303 to the board and an HttpOnly, SameSite=Lax cookie whose id is stored only as a hash', async () => {
    const browser = new WebClient(api.url);
    const form = await browser.get('/login');
    expect(form.status).toBe(200);
    expect(form.html).toContain('<label for="password">Password</label>');
    const signedIn = await browser.post('/login', { name: 'LI.WEI', password: PASSWORD });
    expect(signedIn.status).toBe(303);
    expect(signedIn.location).toBe('/');
    const cookie = signedIn.headers.getSetCookie().find((c) => c.startsWith('cf_session='))!;
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);
    expect(cookie).not.toMatch(/Secure/);
    const sessionId = browser.cookies.get('cf_session')!;
    expect(sessionId).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect((await browser.get('/')).location).toBe('/board');
    expect((await browser.get('/board')).html).toContain('li.wei (supervisor)');

    const dump = await api.dump();
    expect(dump.web_sessions).toHaveLength(1);
    expect(JSON.stringify(dump)).not.toContain(sessionId);
    const [password] = dump.user_passwords as { hash: string }[];
    expect(password!.hash).toMatch(/^\$argon2id\$v=19\$m=19456,p=1,t=2\$/);
    expect(JSON.stringify(dump)).not.toContain(PASSWORD);
  });

  test('a wrong password, an unknown name and a user without a password get the same refusal, and no session', async () => {
    await api.accounts.addUser('new.comer', 'verifier');
    const before = await api.dump();
    const answers = [];
    for (const [name, password] of [['li.wei', 'not the password'], ['no.body', PASSWORD], ['new.comer', PASSWORD]] as const) {
      const browser = new WebClient(api.url);
      await browser.get('/login');
      const page = await browser.post('/login', { name, password });
      expect(page.status).toBe(401);
      expect(browser.cookies.has('cf_session')).toBe(false);
      answers.push(/<p role="alert"[^>]*>([^<]*)<\/p>/.exec(page.html)?.[1]);
    }
    expect(new Set(answers).size).toBe(1);
    expect(answers[0]).toContain('The user name or the password is not right');
    expect(await api.dump()).toEqual(before);
  });

  test('a form without its CSRF token is refused in caseflow’s error shape and changes nothing; so is one with another session’s token', async () => {
    const browser = new WebClient(api.url);
    await browser.get('/login');
    const before = await api.dump();
    const noToken = await fetch(`${api.url}/login`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' }, body: new URLSearchParams({ name: 'li.wei', password: PASSWORD }) });
    expect(noToken.status).toBe(403);
    expect(await noToken.json()).toEqual({ code: 'CSRF_REJECTED', message: 'This form has expired or did not come from caseflow. Reload the page and send it again.', details: { field: '_csrf' } });
    const asPage = await browser.post('/login', { name: 'li.wei', password: PASSWORD }, { csrf: false });
    expect(asPage.status).toBe(403);
    expect(asPage.html).toContain('data-code="CSRF_REJECTED"');
    expect(await api.dump()).toEqual(before);

    const li = await signedInAs(api, 'supervisor');
    const wang = await signedInAs(api, 'clerk');
    li.csrf = wang.csrf;
    const sessions = (await api.dump()).web_sessions;
    expect((await li.post('/logout', {})).status).toBe(403);
    expect((await api.dump()).web_sessions).toEqual(sessions);
  });

  test('sign-out ends the session: its row is gone, its cookie cleared, and the pages ask to sign in again', async () => {
    const browser = await signedInAs(api, 'supervisor');
    const stolen = browser.cookies.get('cf_session')!;
    const out = await browser.post('/logout', {});
    expect(out.status).toBe(303);
    expect(out.location).toBe('/login');
    expect(browser.cookies.has('cf_session')).toBe(false);
    expect((await api.dump()).web_sessions).toEqual([]);
    const replayed = await fetch(`${api.url}/board`, { redirect: 'manual', headers: { cookie: `cf_session=${stolen}` } });
    expect(replayed.status).toBe(303);
    expect(replayed.headers.get('location')).toBe('/login?next=%2Fboard');
  });

  test('a session idle for more than 30 minutes is over; one used every 20 minutes lives on', async () => {
    const busy = await signedInAs(api, 'supervisor');
    const idle = await signedInAs(api, 'clerk');
    for (let i = 0; i < 3; i++) {
      api.clock.advance(20 * MINUTE);
      expect((await busy.get('/board')).status).toBe(200);
    }
    const expired = await idle.get('/inbox');
    expect(expired.status).toBe(303);
    expect(expired.location).toBe('/login?next=%2Finbox');
    expect((await api.dump()).web_sessions).toHaveLength(1);
  });

  test('a new password signs the user out everywhere; the new one works and the old one no longer does', async () => {
    const browser = await signedInAs(api, 'supervisor');
    await api.accounts.setPassword('li.wei', 'a brand new passphrase');
    expect((await browser.get('/board')).status).toBe(303);
    expect((await new WebClient(api.url).signIn('li.wei')).status).toBe(401);
    expect((await new WebClient(api.url).signIn('li.wei', 'a brand new passphrase')).status).toBe(303);
  });

  test('API tokens keep working beside sessions, and a session cookie alone opens no API route', async () => {
    const browser = await signedInAs(api, 'supervisor');
    expect((await api.request('GET', '/auth/me', { as: 'supervisor' })).body).toMatchObject({ name: 'li.wei' });
    const cookieOnly = await fetch(`${api.url}/auth/me`, { headers: { cookie: `cf_session=${browser.cookies.get('cf_session')!}` } });
    expect(cookieOnly.status).toBe(401);
  });

  test('behind a trusted proxy that says the request came over TLS, the cookies are Secure', async () => {
    const fixture = await engineFixture();
    const server = await composeApi(fixture.cf, { logger: createApiLogger({ level: 'silent' }), trustProxy: true });
    try {
      await fixture.cf.accounts.addUser('li.wei', 'supervisor');
      await fixture.cf.accounts.setPassword('li.wei', PASSWORD);
      const url = await server.listen({ port: 0, host: '127.0.0.1' });
      const browser = new WebClient(url);
      const overTls = { 'x-forwarded-proto': 'https' };
      const form = await browser.get('/login', overTls);
      expect(form.headers.getSetCookie().find((c) => c.startsWith('cf_form='))).toMatch(/; HttpOnly; Secure; SameSite=Lax/);
      const signedIn = await browser.post('/login', { name: 'li.wei', password: PASSWORD }, { headers: overTls });
      expect(signedIn.status).toBe(303);
      expect(signedIn.headers.getSetCookie().find((c) => c.startsWith('cf_session='))).toMatch(/; Path=\/; HttpOnly; Secure; SameSite=Lax/);
    } finally {
      await server.close();
      await fixture.cleanup();
    }
  });
});

describe('web sign-in rate limit', () => {
  test('the fourth attempt within the window from one address is refused with RATE_LIMITED', async () => {
    const api = await startApi({ signInMax: 3 });
    try {
      const browser = new WebClient(api.url);
      await browser.get('/login');
      for (let i = 0; i < 3; i++) expect((await browser.post('/login', { name: 'li.wei', password: 'wrong password!' })).status).toBe(401);
      const refused = await fetch(`${api.url}/login`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json', cookie: `cf_form=${browser.cookies.get('cf_form')!}` }, body: new URLSearchParams({ _csrf: browser.csrf, name: 'li.wei', password: 'x' }) });
      expect(refused.status).toBe(429);
      expect(((await refused.json()) as { code: string }).code).toBe('RATE_LIMITED');
    } finally {
      await api.close();
    }
  });
});
