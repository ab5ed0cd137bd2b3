/**
 * `caseflow --help` and `caseflow show` start fast because they load only what they use: neither
 * loads the web app, the HTTP server, BullMQ, Redis, the PostgreSQL driver or argon2, and `show`
 * (a caseworker command, through the HTTP API) does not even open a database.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { openSqliteStore } from '../../db/sqlite/store';
import { runCli, seedUsers, startServer, type LiveServer } from '../support/liveServer';
import { CLI } from '../support/processes';

const run = promisify(execFile);
const REPORT = path.join(__dirname, '..', 'support', 'reportLoadedPackages.js');
const HEAVY = ['fastify', '@fastify/static', '@fastify/view', 'eta', '@dagrejs/dagre', 'bullmq', 'ioredis', 'pg', 'argon2', 'pino', 'prom-client'];

/** The npm packages `caseflow …args` loaded, from the TypeScript sources. */
async function packagesLoadedBy(args: string[], env: NodeJS.ProcessEnv): Promise<string[]> {
  const { stderr } = await run(process.execPath, ['-r', REPORT, CLI, ...args], { env: { ...env, CASEFLOW_FROM_SOURCE: '1' } });
  const line = /LOADED PACKAGES: (.*)/.exec(stderr);
  if (!line) throw new Error(`no report of loaded packages: ${stderr}`);
  return line[1]!.split(' ');
}

describe('the CLI loads only what a command uses', () => {
  let dir: string;
  let env: NodeJS.ProcessEnv;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'caseflow-startup-'));
    env = { ...process.env, CASEFLOW_DB: path.join(dir, 'startup.sqlite') };
    delete env.DATABASE_URL;
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('caseflow --help loads neither the database nor the web app, BullMQ, pg or argon2', async () => {
    const loaded = await packagesLoadedBy(['--help'], env);
    expect(loaded).toContain('commander');
    for (const heavy of [...HEAVY, 'better-sqlite3', 'xstate']) expect(loaded).not.toContain(heavy);
  });

  it('caseflow show asks the server: it loads neither SQLite nor the web app, BullMQ, pg or argon2', async () => {
    const file = path.join(dir, 'served.sqlite');
    const store = openSqliteStore(file);
    const tokens = await seedUsers(store, { 'li.wei': 'supervisor' });
    await store.close();
    let server: LiveServer | null = null;
    try {
      server = await startServer(['--db', file], { cwd: dir, env });
      const withToken = { ...env, XDG_CONFIG_HOME: dir, CASEFLOW_URL: server.url, CASEFLOW_TOKEN: tokens['li.wei']! };
      const input = JSON.stringify({ unit: 'Housing Bureau', report: 'Seeing: stamps take weeks', airedAt: '2026-11-25T20:00:00+08:00' });
      const created = await runCli(['--json', 'create', 'rectification', '--input', input], { cwd: dir, env: withToken });
      expect(created.code).toBe(0);
      const { id } = JSON.parse(created.stdout) as { id: string };
      const loaded = await packagesLoadedBy(['show', id], withToken);
      expect(loaded).toContain('commander');
      for (const heavy of [...HEAVY, 'better-sqlite3', 'drizzle-orm']) expect(loaded).not.toContain(heavy);
    } finally {
      await server?.stop();
    }
  });
});
