/**
 * `npm run cluster:demo`: caseflow past one machine, on the local PostgreSQL and Redis. Two API
 * servers and two deadline workers run as separate processes on one database; the 20:00/21:00
 * scenario is played through both servers, and the workers enforce the deadline between them.
 * Time is compressed (one case-hour in 5 s) by the same clock settings in every process.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { Redis } from 'ioredis';
import { createDatabase, dropDatabase, serverAnswers } from '../db/postgres/admin';
import { redisAnswers } from './redisProbe';

const ROOT = path.join(__dirname, '..');
const CLI = path.join(ROOT, 'bin', 'caseflow.js');
const ADMIN_URL = process.env.CLUSTER_DEMO_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const ORIGIN = '2026-11-25T20:00:00+08:00';
const RATE = 720; // one case-hour in 5 real seconds
const AIRED = Date.parse(ORIGIN);

const log = (line: string) => process.stdout.write(`${line}\n`);
const caseTime = (ms: number) => new Date(ms).toLocaleString('sv-SE', { timeZone: 'Asia/Shanghai', hour12: false }).slice(11, 16);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A free TCP port on loopback. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/** Runs a CLI command to completion against the demo database; returns stdout. */
function cli(env: NodeJS.ProcessEnv, ...args: string[]): string {
  const run = spawnSync(process.execPath, [CLI, ...args], { cwd: ROOT, env, encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`caseflow ${args.join(' ')} failed: ${run.stderr}`);
  return run.stdout;
}

/** A long-running caseflow process whose output is kept, and whose key lines are echoed. */
function start(name: string, env: NodeJS.ProcessEnv, args: string[], echo: (line: string) => void): ChildProcess & { output: string[] } {
  const child = spawn(process.execPath, [CLI, ...args], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] }) as ChildProcess & { output: string[] };
  child.output = [];
  const take = (chunk: Buffer) => {
    for (const line of chunk.toString().split('\n').filter(Boolean)) {
      child.output.push(line);
      echo(line);
    }
  };
  child.stdout?.on('data', take);
  child.stderr?.on('data', take);
  child.on('exit', (code, signal) => child.output.push(`${name} exited (${code ?? signal})`));
  return child;
}

async function until(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

interface HistoryEntry {
  id: number;
  type: string;
  kind: string;
  at: string;
  actor: { id: string };
  fromState: string | null;
  toState: string | null;
  payload: { warning?: string };
}

async function main(): Promise<void> {
  if (!(await serverAnswers(ADMIN_URL))) {
    log(`No PostgreSQL answers at ${ADMIN_URL}: install and start one (apt-get install -y postgresql), or set CLUSTER_DEMO_DATABASE_URL.`);
    process.exitCode = 1;
    return;
  }
  if (!(await redisAnswers(REDIS_URL))) {
    log(`No Redis answers at ${REDIS_URL}: install and start one (apt-get install -y redis-server), or set REDIS_URL.`);
    process.exitCode = 1;
    return;
  }
  const database = `caseflow_cluster_demo_${process.pid}`;
  const url = await createDatabase(ADMIN_URL, database);
  const prefix = `{caseflow-cluster-demo-${process.pid}}`;
  const base: NodeJS.ProcessEnv = { ...process.env, DATABASE_URL: url, REDIS_URL, CASEFLOW_QUEUE_PREFIX: prefix };
  const children: ChildProcess[] = [];
  try {
    log(`caseflow on PostgreSQL (${database}) and Redis (${REDIS_URL}): 2 API servers, 2 deadline workers`);
    cli(base, 'init');
    for (const [name, role] of [['li.wei', 'supervisor'], ['zhou.min', 'unitLiaison'], ['he.ping', 'unitLiaison']]) cli(base, 'user', 'add', name!, '--role', role!);
    const token = (user: string) => (JSON.parse(cli(base, '--json', 'token', 'create', '--user', user)) as { token: string }).token;
    const tokens = { supervisor: token('li.wei'), housing: token('zhou.min'), transport: token('he.ping') };

    // every process reads 20:00 at the same real moment, a few seconds from now
    const realStart = Date.now() + 12_000;
    const clockEnv = { CASEFLOW_CLOCK_ORIGIN: ORIGIN, CASEFLOW_CLOCK_RATE: String(RATE), CASEFLOW_CLOCK_REAL_START: String(realStart) };
    const now = () => AIRED + (Date.now() - realStart) * RATE;
    const ports = [await freePort(), await freePort()];
    const servers = ports.map((port, i) =>
      start(`server ${i + 1}`, { ...base, ...clockEnv }, ['serve', '--port', String(port)], (line) => {
        if (line.startsWith('caseflow API listening')) log(`  server ${i + 1}: ${line}`);
      }),
    );
    const workers = [1, 2].map((n) =>
      start(`worker ${n}`, { ...base, ...clockEnv, CASEFLOW_DISPATCH_INTERVAL_MS: '200' }, ['worker'], (line) => {
        if (!line.includes('deadline step fired')) return;
        const { caseId, step } = JSON.parse(line) as { caseId: string; step: string };
        log(`  ${caseTime(now())}  worker ${n} (pid ${workers[n - 1]?.pid}) fired ${step} on ${caseId}`);
      }),
    );
    children.push(...servers, ...workers);
    await until('both servers', () => servers.every((s) => s.output.some((l) => l.includes('listening'))));
    await until('both workers', () => workers.every((w) => w.output.some((l) => l.includes('workers started'))));
    log(`  all four processes are up; case time starts at 20:00 in ${Math.max(0, Math.round((realStart - Date.now()) / 1000))} s`);
    await until('20:00', () => Date.now() >= realStart, 30_000);

    let turn = 0;
    /** Calls the API on the servers in turn, as a load balancer would. */
    const api = async <T>(method: string, route: string, who: keyof typeof tokens, body?: unknown): Promise<{ status: number; body: T; server: number }> => {
      const server = turn++ % 2;
      const reply = await fetch(`http://127.0.0.1:${ports[server]}${route}`, {
        method,
        headers: { authorization: `Bearer ${tokens[who]}`, ...(body ? { 'content-type': 'application/json' } : {}) },
        ...(body ? { body: JSON.stringify(body) } : {}),
      });
      return { status: reply.status, body: (await reply.json()) as T, server: server + 1 };
    };
    const open = async (unit: string, report: string, liaisonId: string) => {
      const created = await api<{ id: string }>('POST', '/cases', 'supervisor', { type: 'rectification', input: { unit, report, airedAt: ORIGIN } });
      log(`  ${caseTime(now())}  server ${created.server}: ${created.body.id} opened for ${unit}`);
      const notified = await api<{ case: { version: number } }>('POST', `/cases/${created.body.id}/events`, 'supervisor', {
        type: 'NOTIFY_UNIT',
        payload: { liaisonId },
        expectedVersion: 1,
      });
      log(`  ${caseTime(now())}  server ${notified.server}: ${unit} notified through ${liaisonId}; plan due 21:00`);
      return created.body.id;
    };
    const housing = await open('Municipal Housing Bureau', 'Seeing: stamps take weeks', 'zhou.min');
    const transport = await open('Municipal Transport Bureau', 'Seeing: bus-stop complaints unanswered', 'he.ping');

    await until('20:40', () => now() >= AIRED + 40 * 60_000);
    const submitted = await api<{ case: { state: string } }>('POST', `/cases/${housing}/events`, 'housing', {
      type: 'SUBMIT_PLAN',
      payload: { plan: 'Same-day stamps at every window', measures: ['a fast lane'], completionDueAt: '2026-12-10T18:00:00+08:00' },
      expectedVersion: 2,
    });
    log(`  ${caseTime(now())}  server ${submitted.server}: Housing submitted its plan → ${submitted.body.case.state}`);

    await until('21:35', () => now() >= AIRED + 95 * 60_000, 60_000);
    log('\n  Transport Bureau, as the log on the database has it:');
    const history = await api<{ events: HistoryEntry[] }>('GET', `/cases/${transport}/history`, 'supervisor');
    for (const e of history.body.events) {
      const card = e.kind === 'deadlineStep' && e.payload.warning ? ` [${e.payload.warning} card]` : '';
      log(`    ${caseTime(Date.parse(e.at))}  ${e.type}${card}  (${e.actor.id})`);
    }
    const overdue = await api<{ cases: { unit: string; deadlineKind: string; latenessMs: number; warning: string; escalationLevel: number }[] }>(
      'GET',
      '/supervision/overdue',
      'supervisor',
    );
    log(`\n  Supervisor view at ${caseTime(now())} (server ${overdue.server}):`);
    for (const o of overdue.body.cases) {
      log(`    overdue: ${o.unit} — ${o.deadlineKind} late by ${Math.round(o.latenessMs / 60_000)} min, card ${o.warning}, escalation level ${o.escalationLevel}`);
    }
  } finally {
    await Promise.all(
      children.map(
        (child) =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null) return resolve();
            child.once('exit', () => resolve());
            child.kill('SIGTERM');
          }),
      ),
    );
    const redis = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
    await redis.connect().catch(() => undefined);
    const keys = await redis.keys(`${prefix}*`).catch(() => [] as string[]);
    if (keys.length) await redis.del(...keys).catch(() => 0);
    redis.disconnect();
    await dropDatabase(ADMIN_URL, database);
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`cluster demo failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
