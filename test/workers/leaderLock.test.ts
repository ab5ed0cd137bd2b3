/**
 * The reconciler and the overdue sweep run in one worker process at a time, the one holding the
 * leader lock at `<prefix>:leader`; every process still consumes jobs. When the leader closes it
 * gives the lock up and another takes over within the lock's ttl; when it dies, once the lock expires.
 */
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { composeWorker } from '../../app/compose';
import { systemClock } from '../../src/clock';
import type { Logger } from '../../src/logger';
import { leaderKey } from '../../workers/leader';
import { workerSettingsFromEnv, type Workers } from '../../workers/runner';
import { engineFixture, type EngineFixture } from '../support/engine';
import { spawnWorker, stopProcess, workerStarted } from '../support/processes';
import { REDIS_URL, startTestWorkers, waitFor, openCasesDueSoon } from '../support/workers';

const MINUTE = 60_000;
const TTL_MS = 1500;

/** A logger that keeps the messages it is given. */
function recordingLogger(): Logger & { messages: string[] } {
  const messages: string[] = [];
  const keep = (message: string) => void messages.push(message);
  return { messages, info: keep, warn: keep, error: keep };
}

describe('the leader lock', () => {
  let fx: EngineFixture;
  const running: Workers[] = [];
  let redis: Redis;
  let prefix: string;
  beforeEach(() => {
    prefix = `{cftest-${randomUUID()}}`;
    redis = new Redis(REDIS_URL);
  });
  afterEach(async () => {
    for (const w of running.splice(0)) await w.close();
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length) await redis.del(...keys);
    redis.disconnect();
    await fx.cleanup();
  });
  const start = async (w: Promise<Workers>) => {
    const workers = await w;
    running.push(workers);
    return workers;
  };

  it('two workers on one prefix: exactly one holds it at a time; when it closes, the other takes over within the ttl', async () => {
    fx = await engineFixture({ clock: systemClock });
    const a = await start(startTestWorkers(fx.cf, { prefix, leaderTtlMs: TTL_MS }));
    const b = await start(startTestWorkers(await fx.openAnother(), { prefix, leaderTtlMs: TTL_MS }));
    const first = await waitFor(() => (a.leader.held ? a : b.leader.held ? b : undefined), 5000, 'a leader');
    const second = first === a ? b : a;

    // over two ttls (six renewals) the lock stays with the first, and only the first believes it holds it
    const until = Date.now() + 2 * TTL_MS;
    while (Date.now() < until) {
      expect([a.leader.held, b.leader.held].filter(Boolean)).toHaveLength(1);
      expect(first.leader.held).toBe(true);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(await redis.get(leaderKey(prefix))).toBe(first.leader.token);

    await first.close();
    expect(first.leader.held).toBe(false);
    await waitFor(() => second.leader.held, TTL_MS, 'the other worker to take over');
    expect(await redis.get(leaderKey(prefix))).toBe(second.leader.token);
  });

  it('a worker that does not lead still consumes jobs', async () => {
    fx = await engineFixture({ clock: systemClock });
    // the leader only dispatches here, and its sweep waits an hour: every step below is the follower's job
    const leader = await start(startTestWorkers(fx.cf, { prefix, consume: false, leaderTtlMs: TTL_MS, sweepLagMs: 60 * MINUTE }));
    await waitFor(() => leader.leader.held, 5000, 'the leader lock');
    const logger = recordingLogger();
    const other = await fx.openAnother();
    const follower = await start(composeWorker(other, workerSettingsFromEnv({ REDIS_URL }, { prefix, dispatchIntervalMs: 200, leaderTtlMs: TTL_MS }), { logger }));
    const ids = await openCasesDueSoon(fx, 3, 1000);
    await waitFor(() => logger.messages.filter((m) => m === 'deadline step fired').length >= 2 * ids.length, 10_000, 'the follower to fire every remind and overdue step');
    expect(follower.leader.held).toBe(false);
    expect(logger.messages).not.toContain('fired an overdue step its queue job had not');
  });

  it('a leader that dies without giving the lock up: another worker takes over once it expires', async () => {
    fx = await engineFixture({ clock: systemClock });
    const env = { ...fx.env, REDIS_URL, CASEFLOW_QUEUE_PREFIX: prefix, CASEFLOW_LEADER_TTL_MS: String(TTL_MS) };
    const workers = [spawnWorker(env), spawnWorker(env)];
    try {
      await Promise.all(workers.map((w) => workerStarted(w)));
      const leads = (w: (typeof workers)[number]) => w.output.join('').includes('"leader: this process runs');
      const dead = await waitFor(() => workers.find(leads), 5000, 'a leader');
      const survivor = workers.find((w) => w !== dead)!;
      expect(leads(survivor)).toBe(false);
      const token = await redis.get(leaderKey(prefix));
      expect(await stopProcess(dead, 'SIGKILL')).toBeNull();
      // the dead leader's claim stands until it expires (at most a ttl), then the next claim (every ttl/3) takes it
      await waitFor(() => leads(survivor), TTL_MS + TTL_MS / 3 + 500, 'the survivor to take over');
      const next = await redis.get(leaderKey(prefix));
      expect(next).not.toBeNull();
      expect(next).not.toBe(token);
    } finally {
      for (const w of workers) if (w.exitCode === null && w.signalCode === null) await stopProcess(w);
    }
  });
});
