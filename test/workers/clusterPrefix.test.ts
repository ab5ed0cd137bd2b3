/**
 * Redis Cluster readiness: the default key prefix is the hash tag `{caseflow}`, and the queue, the
 * worker and the leader lock all write under the configured prefix, so that every key of the
 * deadline machinery lands in one slot (BullMQ's scripts touch several keys at once).
 */
import { Redis } from 'ioredis';
import { startPrivateRedis } from '../../app/redisProbe';
import { systemClock } from '../../src/clock';
import { DEFAULT_QUEUE_PREFIX, workerSettingsFromEnv, type Workers } from '../../workers/runner';
import { criticism, engineFixture, liaison, supervisor, type EngineFixture } from '../support/engine';
import { startTestWorkers, stepsLogged, waitFor } from '../support/workers';

const MINUTE = 60_000;

/** The hash tag of a key, as Redis Cluster reads it: what is between the first `{` and the next `}`, if not empty. */
function hashTag(key: string): string {
  const open = key.indexOf('{');
  const close = open < 0 ? -1 : key.indexOf('}', open + 1);
  return open >= 0 && close > open + 1 ? key.slice(open + 1, close) : key;
}

describe('one hash slot for every key', () => {
  it('the default prefix is {caseflow}; CASEFLOW_QUEUE_PREFIX overrides it', () => {
    expect(DEFAULT_QUEUE_PREFIX).toBe('{caseflow}');
    expect(workerSettingsFromEnv({}).prefix).toBe('{caseflow}');
    expect(workerSettingsFromEnv({ CASEFLOW_QUEUE_PREFIX: '{office-7}' }).prefix).toBe('{office-7}');
    expect(workerSettingsFromEnv({ CASEFLOW_QUEUE_PREFIX: '{office-7}' }, { prefix: '{other}' }).prefix).toBe('{other}');
  });

  it('the new settings read their environment variables, and refuse bad values by name', () => {
    const settings = workerSettingsFromEnv({
      CASEFLOW_SWEEP_INTERVAL_MS: '500',
      CASEFLOW_SWEEP_LAG_MS: '0',
      CASEFLOW_SHUTDOWN_TIMEOUT_MS: '2500',
      CASEFLOW_LEADER_TTL_MS: '4000',
    });
    expect(settings).toMatchObject({ sweepIntervalMs: 500, sweepLagMs: 0, shutdownTimeoutMs: 2500, leaderTtlMs: 4000 });
    expect(workerSettingsFromEnv({})).toMatchObject({ sweepIntervalMs: 1000, sweepLagMs: 3000, shutdownTimeoutMs: 10_000, leaderTtlMs: 10_000 });
    expect(() => workerSettingsFromEnv({ CASEFLOW_LEADER_TTL_MS: 'soon' })).toThrow('CASEFLOW_LEADER_TTL_MS');
    expect(() => workerSettingsFromEnv({ CASEFLOW_SWEEP_INTERVAL_MS: '0' })).toThrow('CASEFLOW_SWEEP_INTERVAL_MS');
  });

  describe('on a Redis of its own', () => {
    let fx: EngineFixture;
    let workers: Workers | undefined;
    let server: Awaited<ReturnType<typeof startPrivateRedis>> | undefined;
    afterEach(async () => {
      await workers?.close();
      await server?.stop();
      await fx.cleanup();
    });

    it('with the default prefix, the queue, the worker and the leader lock write only keys tagged {caseflow}', async () => {
      server = await startPrivateRedis();
      fx = await engineFixture({ clock: systemClock });
      workers = await startTestWorkers(fx.cf, { redisUrl: server.url, prefix: workerSettingsFromEnv({}).prefix });
      const airedAt = new Date(Date.now() - 60 * MINUTE + 1000).toISOString();
      const { id } = await fx.engine.createCase({ type: 'rectification', input: { ...criticism('Unit 0', airedAt), planDueMinutes: 60 }, actor: supervisor });
      await fx.engine.applyEvent(id, { type: 'NOTIFY_UNIT', liaisonId: liaison.id }, supervisor);
      // the worker consumed the jobs (its own keys are there too), and the leader holds its lock
      await waitFor(async () => (await stepsLogged(fx.cf, id)).includes('overdue'), 10_000, 'the overdue step');
      await waitFor(() => workers!.leader.held, 5000, 'the leader lock');

      const redis = new Redis(server.url);
      try {
        const keys = await redis.keys('*');
        expect(keys).toContain('{caseflow}:leader');
        expect(keys.some((k) => k.startsWith('{caseflow}:deadlines:'))).toBe(true);
        expect(keys.filter((k) => hashTag(k) !== 'caseflow')).toEqual([]);
      } finally {
        redis.disconnect();
      }
    });
  });
});
