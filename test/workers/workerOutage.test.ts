/**
 * `caseflow worker` and a Redis outage, as real processes on a private redis-server: starting never
 * waits on Redis, SIGTERM ends the process within its shutdown timeout whether Redis answers or not,
 * and nothing is lost: once Redis is back, a new worker fires every step, each once.
 */
import { randomUUID } from 'node:crypto';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { startPrivateRedis } from '../../app/redisProbe';
import { systemClock } from '../../src/clock';
import { engineFixture, type EngineFixture } from '../support/engine';
import { spawnWorker, stopProcess, workerStarted } from '../support/processes';
import { waitFor, openCasesDueSoon } from '../support/workers';

const SHUTDOWN_TIMEOUT_MS = 3000;
/** Leeway beyond the shutdown timeout for the process itself to wind down (close the database, exit). */
const EXIT_LEEWAY_MS = 2000;

type Child = ReturnType<typeof spawnWorker>;

/** The logged ladder steps of the plan deadlines, as `deadlineId|step`. */
async function planSteps(fx: EngineFixture, caseIds: readonly string[]): Promise<string[]> {
  const entries = await fx.store.read(async (tx) => (await Promise.all(caseIds.map((id) => tx.events.ofCase(id)))).flat());
  return entries
    .filter((e) => e.kind === 'deadlineStep')
    .map((e) => JSON.parse(e.payload) as { deadlineId: string; deadlineKind: string; step: string })
    .filter((p) => p.deadlineKind === 'rectificationPlanDue')
    .map((p) => `${p.deadlineId}|${p.step}`);
}

/** SIGTERM, and how long the process took to exit, with its code. */
async function terminate(child: Child): Promise<{ code: number | null; tookMs: number }> {
  const start = Date.now();
  const code = await stopProcess(child, 'SIGTERM');
  return { code, tookMs: Date.now() - start };
}

describe('caseflow worker through a Redis outage', () => {
  let fx: EngineFixture;
  let server: Awaited<ReturnType<typeof startPrivateRedis>> | undefined;
  const children: Child[] = [];
  const spawn = (env: Record<string, string>): Child => {
    const child = spawnWorker(env);
    children.push(child);
    return child;
  };
  afterEach(async () => {
    for (const child of children.splice(0)) if (child.exitCode === null && child.signalCode === null) await stopProcess(child, 'SIGKILL');
    await server?.stop();
    server = undefined;
    await fx.cleanup();
  });

  /** A private Redis's port and URL, with the server stopped: the outage. */
  async function redisDown(): Promise<{ port: number; url: string }> {
    const started = await startPrivateRedis();
    await started.stop();
    return { port: Number(new URL(started.url).port), url: started.url };
  }

  it('started while Redis is down: it starts at once, SIGTERM ends it within its timeout with code 0, and once Redis is back a new worker fires the steps', async () => {
    fx = await engineFixture({ clock: systemClock });
    const { port, url } = await redisDown();
    const env = { ...fx.env, REDIS_URL: url, CASEFLOW_QUEUE_PREFIX: `{cftest-${randomUUID()}}`, CASEFLOW_SHUTDOWN_TIMEOUT_MS: String(SHUTDOWN_TIMEOUT_MS) };
    const ids = await openCasesDueSoon(fx, 2, 2000);

    // the wake-ups wait in the database; the worker must not wait for Redis to start
    const early = spawn(env);
    await workerStarted(early, 15_000);
    const stopped = await terminate(early);
    expect(stopped.code).toBe(0);
    expect(stopped.tookMs).toBeLessThan(SHUTDOWN_TIMEOUT_MS + EXIT_LEEWAY_MS);
    expect(early.output.join('')).toContain('workers stopped');

    server = await startPrivateRedis(port);
    const late = spawn(env);
    await workerStarted(late);
    await waitFor(async () => (await planSteps(fx, ids)).filter((s) => s.endsWith('|overdue')).length === ids.length, 15_000, 'every overdue step');
    const steps = await planSteps(fx, ids);
    expect(new Set(steps).size).toBe(steps.length);
    expect((await terminate(late)).code).toBe(0);
  });

  it('Redis stops under a worker holding a job: SIGTERM still ends it within its timeout with code 0, and a new worker fires the step once Redis is back', async () => {
    fx = await engineFixture({ clock: systemClock });
    server = await startPrivateRedis();
    const port = Number(new URL(server.url).port);
    const env = { ...fx.env, REDIS_URL: server.url, CASEFLOW_QUEUE_PREFIX: `{cftest-${randomUUID()}}`, CASEFLOW_SHUTDOWN_TIMEOUT_MS: String(SHUTDOWN_TIMEOUT_MS) };
    // the overdue job wakes 8 s early and waits on a local timer, longer than the shutdown timeout
    const holder = spawn({ ...env, CASEFLOW_EARLY_WAKE_MS: '8000' });
    await workerStarted(holder);
    const ids = await openCasesDueSoon(fx, 1, 7000);
    await waitFor(async () => (await planSteps(fx, ids)).some((s) => s.endsWith('|remind')), 10_000, 'the remind step');
    const redis = new Redis(server.url);
    const queue = new Queue('deadlines', { connection: redis, prefix: env.CASEFLOW_QUEUE_PREFIX });
    try {
      await waitFor(async () => (await queue.getActiveCount()) === 1, 10_000, 'the overdue job in flight');
    } finally {
      await queue.close();
      redis.disconnect();
    }

    await server.stop();
    server = undefined;
    const stopped = await terminate(holder);
    expect(stopped.code).toBe(0);
    expect(stopped.tookMs).toBeLessThan(SHUTDOWN_TIMEOUT_MS + EXIT_LEEWAY_MS);
    expect(await planSteps(fx, ids)).not.toContainEqual(expect.stringMatching(/\|overdue$/));

    server = await startPrivateRedis(port);
    const next = spawn(env);
    await workerStarted(next);
    await waitFor(async () => (await planSteps(fx, ids)).some((s) => s.endsWith('|overdue')), 15_000, 'the overdue step');
    const steps = await planSteps(fx, ids);
    expect(new Set(steps).size).toBe(steps.length);
    expect((await terminate(next)).code).toBe(0);
  });
});
