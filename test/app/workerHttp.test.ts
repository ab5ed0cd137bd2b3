/**
 * The worker's small HTTP listener (CASEFLOW_WORKER_HTTP_PORT), on real Redis: /healthz, /readyz
 * (database, the queue's Redis, migrations) and /metrics with the queue depth and outbox backlog
 * read on scrape; off when the variable is unset.
 */
import { processMetrics } from '../../app/observability';
import { startWorkerHttpFromEnv, workerHttpPort, type WorkerHttp } from '../../app/workerHttp';
import { silentLogger } from '../../src/logger';
import { METRIC } from '../../src/metrics';
import type { Workers } from '../../workers/runner';
import { criticism, engineFixture, liaison, supervisor, type EngineFixture } from '../support/engine';
import { REDIS_URL, startTestWorkers, waitFor } from '../support/workers';

describe('the worker http listener', () => {
  let fx: EngineFixture;
  let workers: Workers;
  let http: WorkerHttp | null = null;
  beforeEach(async () => {
    fx = await engineFixture();
    workers = await startTestWorkers(fx.cf, { consume: false });
  });
  afterEach(async () => {
    await http?.close();
    http = null;
    await workers.close();
    await fx.cleanup();
  });

  const start = async (redisUrl = REDIS_URL) => {
    http = await startWorkerHttpFromEnv({ cf: fx.cf, workers, metrics: processMetrics(), logger: silentLogger, redisUrl }, { CASEFLOW_WORKER_HTTP_PORT: '0' });
    return http!.address;
  };

  test('is off unless CASEFLOW_WORKER_HTTP_PORT is set; a bad port is an error naming the variable', async () => {
    expect(await startWorkerHttpFromEnv({ cf: fx.cf, workers, metrics: processMetrics(), logger: silentLogger, redisUrl: REDIS_URL }, {})).toBeNull();
    expect(workerHttpPort({ CASEFLOW_WORKER_HTTP_PORT: '9464' })).toBe(9464);
    expect(() => workerHttpPort({ CASEFLOW_WORKER_HTTP_PORT: 'http' })).toThrow(/CASEFLOW_WORKER_HTTP_PORT must be a port number/);
  });

  test('/healthz and /readyz answer; anything else is 404 in caseflow’s error shape', async () => {
    const url = await start();
    const health = await fetch(`${url}/healthz`);
    expect([health.status, await health.json()]).toEqual([200, { status: 'ok' }]);
    const ready = await fetch(`${url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: 'ready', checks: { database: { status: 'ok' }, redis: { status: 'ok' }, migrations: { status: 'ok' } } });
    const missing = await fetch(`${url}/cases`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ code: 'NOT_FOUND', details: { method: 'GET', path: '/cases' } });
  });

  test('/readyz: 503 NOT_READY naming redis when it does not answer', async () => {
    const url = await start('redis://127.0.0.1:1');
    const reply = await fetch(`${url}/readyz`);
    expect(reply.status).toBe(503);
    expect(await reply.json()).toMatchObject({ code: 'NOT_READY', details: { failed: ['redis'] } });
  });

  test('/metrics: the queue depth by state and the outbox backlog, read on scrape', async () => {
    const url = await start();
    const before = await (await fetch(`${url}/metrics`)).text();
    expect(before).toMatch(new RegExp(`^${METRIC.outboxBacklog} 0$`, 'm'));
    expect(before).toMatch(new RegExp(`^${METRIC.queueJobs}\\{queue="deadlines",state="delayed"\\} 0$`, 'm'));
    const caseId = (await fx.engine.createCase({ type: 'rectification', input: criticism(), actor: supervisor })).id;
    await fx.engine.applyEvent(caseId, { type: 'NOTIFY_UNIT', liaisonId: liaison.id }, supervisor);
    const queued = (text: string) =>
      [...text.matchAll(new RegExp(`^${METRIC.queueJobs}\\{queue="deadlines",state="(\\w+)"\\} (\\d+)$`, 'gm'))].reduce((n, m) => n + Number(m[2]), 0);
    const text = await waitFor(
      async () => {
        const body = await (await fetch(`${url}/metrics`)).text();
        // the job is added before its outbox row is marked dispatched: a scrape between the two sees both
        return queued(body) >= 1 && new RegExp(`^${METRIC.outboxBacklog} 0$`, 'm').test(body) && body;
      },
      10_000,
      'the wake-up to move from the outbox to the queue',
    );
    expect(text).toContain(`# TYPE ${METRIC.stepLateness} histogram`);
    expect(text).toContain(`# TYPE ${METRIC.reconcileRepairs} counter`);
  });
});
