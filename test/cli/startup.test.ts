/**
 * `caseflow --help` and `caseflow show` start fast because they load only what they use: neither
 * loads the web app, the HTTP server, BullMQ, Redis, the PostgreSQL driver or argon2. The compiled
 * CLI (dist/, what the package bin runs after `npm ci`) answers like the TypeScript one.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
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

  it('caseflow show loads SQLite and the machines, but not the web app, BullMQ, pg or argon2', async () => {
    const input = JSON.stringify({ unit: 'Housing Bureau', report: 'Seeing: stamps take weeks', airedAt: '2026-11-25T20:00:00+08:00' });
    const { stdout } = await run(process.execPath, [CLI, '--json', 'create', 'rectification', '--as', 'li.wei:supervisor', '--input', input], { env });
    const { id } = JSON.parse(stdout) as { id: string };
    const loaded = await packagesLoadedBy(['show', id, '--as', 'li.wei:supervisor'], env);
    expect(loaded).toEqual(expect.arrayContaining(['better-sqlite3', 'xstate', 'drizzle-orm']));
    for (const heavy of HEAVY) expect(loaded).not.toContain(heavy);
  });
});
