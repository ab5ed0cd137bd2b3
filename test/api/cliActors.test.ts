/**
 * Actors who are who they say: the CLI's caseworker commands act through a real `caseflow serve` as
 * the person their token belongs to. Nobody claims `system` (the deadline worker), another person,
 * or a role their account does not hold; `--as` is refused with the new way; a bad token gets the
 * server's answer in caseflow's words; and the stored case is unchanged by every refusal.
 */
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { hashPassword } from '../../src/auth/passwords';
import { createTestDatabase, type TestDatabase } from '../support/backend';
import { runCli, seedUsers, startServer, type LiveServer } from '../support/liveServer';

// every command is a process of its own (about 1–2 s each on a shared machine)
jest.setTimeout(180_000);

/** A port nothing listens on: one the system just handed out and took back. */
const closedPort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const probe = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
    probe.on('error', reject);
  });

describe('the CLI acts as the person its token belongs to', () => {
  let db: TestDatabase;
  let server: LiveServer;
  let tokens: Record<string, string>;
  let home: string;
  /** `caseflow ARGS` with `user`'s token (or `token` as given), signed in nowhere else. */
  const as = (user: string | { token: string }, ...args: string[]) =>
    runCli(['--json', ...args], {
      cwd: home,
      env: { ...process.env, ...db.env, XDG_CONFIG_HOME: home, CASEFLOW_URL: server.url, CASEFLOW_TOKEN: typeof user === 'string' ? tokens[user]! : user.token },
    });
  const operator = (...args: string[]) => runCli([...db.args, ...args], { cwd: home, env: { ...process.env, ...db.env, XDG_CONFIG_HOME: home } });
  const history = async (caseId: string) => JSON.parse((await as('li.wei', 'history', caseId)).stdout) as { type: string; version: number; actor: { id: string; role: string } }[];

  beforeAll(async () => {
    db = await createTestDatabase();
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'caseflow-actors-'));
    const store = await db.openStore();
    try {
      tokens = await seedUsers(store, { 'li.wei': 'supervisor', 'zhou.min': 'unitLiaison', 'wang.fang': 'intakeClerk', 'root.admin': 'admin' });
    } finally {
      await store.close();
    }
    server = await startServer(db.args, { cwd: home, env: { ...process.env, ...db.env } });
  }, 60_000);
  afterAll(async () => {
    await server?.stop();
    await db.drop();
    fs.rmSync(home, { recursive: true, force: true });
  });

  /** A rectification li.wei opened and sent to zhou.min's unit, in planDue. */
  const rectificationInPlanDue = async (): Promise<string> => {
    const airedAt = new Date(Math.floor(Date.now() / 60_000) * 60_000 - 60_000).toISOString();
    const created = await as('li.wei', 'create', 'rectification', '--input', JSON.stringify({ unit: 'Housing Bureau', report: 'Seeing: stamps take weeks', airedAt, planDueMinutes: 60 }));
    expect(created.code).toBe(0);
    const { id } = JSON.parse(created.stdout) as { id: string };
    expect((await as('li.wei', 'send', id, 'NOTIFY_UNIT', 'liaisonId=zhou.min')).code).toBe(0);
    return id;
  };

  it('an event sent with a token lands with that token’s user and role as its actor', async () => {
    const id = await rectificationInPlanDue();
    const sent = await as('zhou.min', 'send', id, 'SUBMIT_PLAN', '--payload', JSON.stringify({ plan: 'Stamps within three days', measures: ['a second counter'], completionDueAt: '2027-01-31T00:00:00+08:00' }));
    expect(sent.stderr).toBe('');
    expect(JSON.parse(sent.stdout)).toMatchObject({ event: { type: 'SUBMIT_PLAN', actor: { id: 'zhou.min', role: 'unitLiaison' } } });
    expect((await history(id)).map((e) => [e.type, e.actor.id, e.actor.role])).toEqual([
      ['CASE_OPENED', 'li.wei', 'supervisor'],
      ['NOTIFY_UNIT', 'li.wei', 'supervisor'],
      ['SUBMIT_PLAN', 'zhou.min', 'unitLiaison'],
    ]);
    // --role naming the role the token's user holds is accepted
    expect((await as('li.wei', 'show', id, '--role', 'supervisor')).code).toBe(0);
  });

  it('nobody sends an event as system, as a role their token does not hold, or with --as; the case stays as it was', async () => {
    const id = await rectificationInPlanDue();
    const before = await history(id);

    const asSystem = await as('li.wei', 'send', id, 'DEADLINE_MISSED', '--role', 'system');
    expect(asSystem.code).toBe(1);
    expect(JSON.parse(asSystem.stderr)).toMatchObject({ code: 'ROLE_NOT_CLAIMABLE', details: { role: 'system' } });
    expect(JSON.parse(asSystem.stderr).message).toContain('The role "system" is caseflow\'s own');

    const notHeld = await as('zhou.min', 'send', id, 'NOTIFY_UNIT', 'liaisonId=zhou.min', '--role', 'supervisor');
    expect(notHeld.code).toBe(1);
    expect(JSON.parse(notHeld.stderr)).toMatchObject({ code: 'ROLE_NOT_HELD', details: { user: 'zhou.min', role: 'supervisor', held: ['unitLiaison'] } });

    const claimed = await as('li.wei', 'send', id, 'DEADLINE_MISSED', '--as', 'mallory:system');
    expect(claimed.code).toBe(1);
    const refusal = JSON.parse(claimed.stderr) as { code: string; message: string };
    expect(refusal.code).toBe('ACTOR_NOT_CLAIMABLE');
    expect(refusal.message).toContain('no longer takes --as');
    expect(refusal.message).toContain('caseflow login --url URL');

    // the worker's event, sent by the supervisor in their own role: refused by the machine's catalogue
    const workersEvent = await as('li.wei', 'send', id, 'DEADLINE_MISSED');
    expect(JSON.parse(workersEvent.stderr)).toMatchObject({ code: 'FORBIDDEN_ROLE' });

    // and straight over HTTP, past the CLI's own check: the server refuses the claimed role itself
    for (const role of ['system', 'operator', 'reporter']) {
      const direct = await fetch(`${server.url}/cases/${id}/events`, {
        method: 'POST',
        headers: { authorization: `Bearer ${tokens['li.wei']}`, 'content-type': 'application/json', 'x-caseflow-role': role },
        body: JSON.stringify({ type: 'DEADLINE_MISSED', payload: {} }),
      });
      expect(direct.status).toBe(403);
      expect(await direct.json()).toMatchObject({ code: 'ROLE_NOT_CLAIMABLE', details: { role } });
    }
    expect(await history(id)).toEqual(before);
  });

  it('a wrong or revoked token gets the server’s answer in caseflow’s words; without a server or token the CLI says how to sign in', async () => {
    const wrong = await runCli(['create', 'clue', '--input', '{}'], { cwd: home, env: { ...process.env, XDG_CONFIG_HOME: home, CASEFLOW_URL: server.url, CASEFLOW_TOKEN: 'cf_not-a-token' } });
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toBe('UNAUTHENTICATED: The API token is not valid: it is unknown, revoked, or its user is disabled. Ask an administrator for a new one.\n');

    const issued = JSON.parse((await operator('--json', 'token', 'create', '--user', 'wang.fang')).stdout) as { id: string; token: string };
    expect((await as({ token: issued.token }, 'list')).code).toBe(0);
    expect((await operator('token', 'revoke', issued.id)).code).toBe(0);
    const revoked = await as({ token: issued.token }, 'list');
    expect(revoked.code).toBe(1);
    expect(JSON.parse(revoked.stderr)).toMatchObject({ code: 'UNAUTHENTICATED', details: { reason: 'invalid' } });

    const nowhere = await runCli(['list'], { cwd: home, env: { ...process.env, XDG_CONFIG_HOME: path.join(home, 'nobody'), CASEFLOW_URL: '', CASEFLOW_TOKEN: '' } });
    expect(nowhere.code).toBe(1);
    expect(nowhere.stderr).toMatch(/^NOT_SIGNED_IN: .*Sign in with `caseflow login --url URL`, or set CASEFLOW_URL and CASEFLOW_TOKEN/);
    const closed = `http://127.0.0.1:${await closedPort()}`;
    const noServer = await runCli(['list'], { cwd: home, env: { ...process.env, XDG_CONFIG_HOME: home, CASEFLOW_URL: closed, CASEFLOW_TOKEN: tokens['li.wei'] } });
    expect(noServer.stderr).toMatch(/^SERVER_UNREACHABLE: No caseflow server answers at http:\/\/127\.0\.0\.1:\d+ \(ECONNREFUSED\)/);
  });

  it('no account, token or sign-in holds one of caseflow’s own roles', async () => {
    const added = await operator('user', 'add', 'mallory', '--role', 'system');
    expect(added.code).toBe(1);
    expect(added.stderr).toMatch(/^ROLE_NOT_CLAIMABLE: The role "system" is caseflow's own .*no person can be given it/);
    for (const role of ['system', 'operator', 'reporter']) {
      const headers = { authorization: `Bearer ${tokens['root.admin']}`, 'content-type': 'application/json' };
      const overHttp = await fetch(`${server.url}/auth/users`, { method: 'POST', headers, body: JSON.stringify({ name: 'mallory', role }) });
      expect(overHttp.status).toBe(403);
      expect(await overHttp.json()).toMatchObject({ code: 'ROLE_NOT_CLAIMABLE', details: { role } });
    }
    expect((await operator('--json', 'user', 'list')).stdout).not.toContain('mallory');

    // an account row given `system` behind caseflow's back (SQL on the data file) signs nobody in
    const store = await db.openStore();
    try {
      const hash = await hashPassword('a long passphrase');
      await store.withTransaction(async (tx) => {
        const row = await tx.accounts.insertUser({ name: 'mallory', role: 'system', createdAt: Date.now() });
        await tx.accounts.setPasswordHash(row.id, hash, Date.now());
      });
    } finally {
      await store.close();
    }
    const signIn = await runCli(['login', '--url', server.url, '--user', 'mallory', '--password', 'a long passphrase'], { cwd: home, env: { ...process.env, XDG_CONFIG_HOME: home } });
    expect(signIn.code).toBe(1);
    expect(signIn.stderr).toMatch(/^ROLE_NOT_CLAIMABLE: The role "system" is caseflow's own .*no person can sign in as it/);
    expect(fs.existsSync(path.join(home, 'caseflow', 'login.json'))).toBe(false);
    const token = await operator('token', 'create', '--user', 'mallory');
    expect(token.stderr).toMatch(/^ROLE_NOT_CLAIMABLE: .*no person can hold a token in it/);
  });
});
