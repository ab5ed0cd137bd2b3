/**
 * When Redis comes back without its data, the leader reconciles at once — on the queue connection's
 * reconnect, or on finding its lock gone — instead of at the next periodic tick (a minute later).
 * Each test runs its own redis-server, so a restart or FLUSHALL touches nobody else.
 */
import { randomUUID } from 'node:crypto';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { startPrivateRedis } from '../../app/redisProbe';
import { systemClock } from '../../src/clock';
import { deadlineJobId } from '../../workers/dispatcher';
import { leaderKey } from '../../workers/leader';
import type { Workers } from '../../workers/runner';
import { engineFixture, type EngineFixture } from '../support/engine';
import { startTestWorkers, waitFor, openCasesDueSoon } from '../support/workers';

const MINUTE = 60_000;

describe('Redis back without its jobs: the leader reconciles at once', () => {
  let fx: EngineFixture;
  let workers: Workers | undefined;
  let server: Awaited<ReturnType<typeof startPrivateRedis>> | undefined;
  let redis: Redis | undefined;
  let queue: Queue | undefined;
  const prefix = `{cftest-${randomUUID()}}`;
  afterEach(async () => {
    await workers?.close();
    workers = undefined;
    await queue?.close();
    redis?.disconnect();
    await server?.stop();
    server = undefined;
    await fx.cleanup();
  });

  /** Cases whose overdue wake-up is a delayed job ten minutes out, and a way to tell whether Redis has each. */
  async function casesWithWakeUpsInRedis(url: string) {
    redis = new Redis(url);
    redis.on('error', () => undefined);
    queue = new Queue('deadlines', { connection: redis, prefix });
    const ids = await openCasesDueSoon(fx, 3, 10 * MINUTE);
    const q = queue;
    const wakeUpsInRedis = async () => {
      for (const id of ids) {
        const row = (await fx.store.read((tx) => tx.deadlines.ofCase(id))).find((d) => d.kind === 'rectificationPlanDue')!;
        // the remind step has fired; the overdue step waits in a delayed job
        if (row.nextStep !== 1 || !(await q.getJob(deadlineJobId(row.id, row.scheduleRev)))) return false;
      }
      return true;
    };
    await waitFor(wakeUpsInRedis, 10_000, 'the overdue wake-ups in Redis');
    return { ids, wakeUpsInRedis };
  }

  it('a restarted, empty Redis has the wake-ups back within seconds of its return, not at the next 60 s tick', async () => {
    server = await startPrivateRedis();
    const port = Number(new URL(server.url).port);
    fx = await engineFixture({ clock: systemClock });
    workers = await startTestWorkers(fx.cf, { redisUrl: server.url, prefix, reconcileIntervalMs: 60_000 });
    const { wakeUpsInRedis } = await casesWithWakeUpsInRedis(server.url);
    expect(workers.leader.held).toBe(true);

    await server.stop();
    server = await startPrivateRedis(port); // without persistence: empty
    // within a few seconds (the connection retries every 2 s at most), far from the reconciler's minute
    await waitFor(wakeUpsInRedis, 8000, 'the wake-ups back in Redis');
    expect(await redis!.get(leaderKey(prefix))).toBe(workers.leader.token);
  });

  it('FLUSHALL under a running leader: it finds its lock gone and reconciles within the lock ttl', async () => {
    server = await startPrivateRedis();
    fx = await engineFixture({ clock: systemClock });
    workers = await startTestWorkers(fx.cf, { redisUrl: server.url, prefix, reconcileIntervalMs: 60_000, leaderTtlMs: 1500 });
    const { wakeUpsInRedis } = await casesWithWakeUpsInRedis(server.url);
    await waitFor(() => workers!.leader.held, 5000, 'the leader lock');

    await redis!.flushall();
    expect(await wakeUpsInRedis()).toBe(false);
    // the connection never dropped: the renewal (every ttl/3) finds the lock gone, and the new claim reconciles
    await waitFor(wakeUpsInRedis, 1500 + 1000, 'the wake-ups back in Redis');
    expect(await redis!.get(leaderKey(prefix))).toBe(workers.leader.token);
  });
});
