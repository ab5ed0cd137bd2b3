/**
 * The server commands as real processes: `user add`, `token create` (printed once, stored as a
 * hash), and `serve`, which answers over HTTP and stops cleanly on SIGTERM. On the run's backend:
 * a SQLite file (`--db`) or a PostgreSQL database (`--database-url`).
 */
import { execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { createTestDatabase, type TestDatabase } from '../support/backend';
import { publicClue } from './support/server';
import { WebSessions } from '../../src/auth/sessions';
import { systemClock } from '../../src/clock';

const run = promisify(execFile);
const SCRIPT = path.join(__dirname, 'support', 'serverCli.ts');
const ROOT = path.join(__dirname, '..', '..');

describe('server commands', () => {
  let db: TestDatabase;
  const caseflow = async (...args: string[]) => {
    try {
      const { stdout, stderr } = await run(process.execPath, ['-r', 'tsx/cjs', SCRIPT, ...db.args, ...args], { cwd: ROOT });
      return { code: 0, stdout, stderr };
    } catch (error) {
      const e = error as { code: number; stdout: string; stderr: string };
      return { code: e.code, stdout: e.stdout, stderr: e.stderr };
    }
  };

  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(() => db.drop());

  test('user add, user list, token create: the token is printed once and only its hash is stored', async () => {
    expect((await caseflow('user', 'add', 'wang.fang', '--role', 'intakeClerk')).stdout).toContain('user wang.fang added with role intakeClerk');
    const wrongRole = await caseflow('user', 'add', 'li.wei', '--role', 'wizard');
    expect(wrongRole.code).toBe(1);
    expect(wrongRole.stderr).toMatch(/^INVALID_PAYLOAD: .*"wizard" is not a user role/);
    const twice = await caseflow('user', 'add', 'wang.fang', '--role', 'verifier');
    expect(twice.stderr).toContain('already exists');
    expect((await caseflow('--json', 'user', 'list')).stdout).toContain('"role": "intakeClerk"');

    const created = await caseflow('token', 'create', '--user', 'wang.fang', '--label', 'laptop');
    expect(created.code).toBe(0);
    const token = created.stdout.split('\n')[0]!;
    expect(token).toMatch(/^cf_[A-Za-z0-9_-]{43}$/);
    expect(created.stdout).toContain('only time it is shown');
    expect((await caseflow('user', 'disable', 'wang.fang')).stdout).toContain('user wang.fang disabled');
    const nobody = await caseflow('token', 'create', '--user', 'nobody');
    expect(nobody.stderr).toMatch(/^NOT_FOUND: No user is named "nobody"/);

    const store = await db.openStore();
    try {
      const dump = await store.dumpAll();
      const rows = dump.api_tokens as { token_hash: string }[];
      expect(rows).toHaveLength(1);
      expect(rows[0]!.token_hash).toMatch(/^[0-9a-f]{64}$/);
      expect(JSON.stringify(rows)).not.toContain(token);
      expect(JSON.stringify(dump)).not.toContain(token.slice(3));
    } finally {
      await store.close();
    }
    if (db.backend === 'sqlite') {
      // SQLite only: the file's bytes (a PostgreSQL server's files are not ours to read; the dump above covers every row)
      const { file } = db;
      const bytes = fs.readFileSync(file).toString('latin1') + (fs.existsSync(`${file}-wal`) ? fs.readFileSync(`${file}-wal`).toString('latin1') : '');
      expect(bytes).not.toContain(token.slice(3));
    }
  });

  test('user add --password and user password set an Argon2id web password; a too-short one is refused before anything is stored', async () => {
    const short = await caseflow('user', 'add', 'zhao.lei', '--role', 'verifier', '--password', 'short');
    expect(short.code).toBe(1);
    expect(short.stderr).toMatch(/^INVALID_PAYLOAD: .*a password needs 10 to 200 characters; this one has 5/);
    expect((await caseflow('user', 'add', 'zhao.lei', '--role', 'verifier', '--password', 'first passphrase')).stdout).toContain('user zhao.lei added with role verifier');
    expect((await caseflow('user', 'password', 'zhao.lei', '--password', 'second passphrase')).stdout).toContain('password of zhao.lei set');
    expect((await caseflow('user', 'password', 'no.body', '--password', 'second passphrase')).stderr).toMatch(/^NOT_FOUND: No user is named "no.body"/);
    const store = await db.openStore();
    try {
      const dump = await store.dumpAll();
      expect((dump.users as { name: string }[]).map((u) => u.name)).toContain('zhao.lei');
      const hashes = (dump.user_passwords as { hash: string }[]).map((p) => p.hash);
      expect(hashes).toEqual([expect.stringMatching(/^\$argon2id\$/)]);
      expect(JSON.stringify(dump)).not.toContain('passphrase');
      const sessions = new WebSessions(store, systemClock);
      await expect(sessions.signIn('zhao.lei', 'first passphrase')).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
      await expect(sessions.signIn('zhao.lei', 'second passphrase')).resolves.toMatchObject({ user: { name: 'zhao.lei', role: 'verifier' } });
    } finally {
      await store.close();
    }
  });

  test('serve answers over HTTP and stops cleanly on SIGTERM', async () => {
    await caseflow('user', 'add', 'li.wei', '--role', 'supervisor');
    const token = (await caseflow('token', 'create', '--user', 'li.wei')).stdout.split('\n')[0]!;
    const child = spawn(process.execPath, ['-r', 'tsx/cjs', SCRIPT, ...db.args, 'serve', '--port', '0'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      const until = Date.now() + 20_000;
      while (!/listening on (http:\/\/\S+)/.test(stdout)) {
        if (child.exitCode !== null || Date.now() > until) throw new Error(`serve did not start: ${stdout}${stderr}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      const url = /listening on (http:\/\/\S+)/.exec(stdout)![1]!;
      const me = await fetch(`${url}/auth/me`, { headers: { authorization: `Bearer ${token}` } });
      expect(me.status).toBe(200);
      expect(await me.json()).toMatchObject({ name: 'li.wei', role: 'supervisor' });
      const filed = await fetch(`${url}/public/clues`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(publicClue()) });
      expect(filed.status).toBe(201);
      const docs = await fetch(`${url}/docs`);
      expect(docs.headers.get('content-type')).toMatch(/^text\/html/);
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
    const log = stderr.trim().split('\n').map((line) => JSON.parse(line) as { msg: string; signal?: string });
    expect(log.slice(-2).map((e) => e.msg)).toEqual(['shutting down: finishing requests in flight', 'stopped']);
    expect(stderr).not.toContain(token);
  });
});
