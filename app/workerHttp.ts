/**
 * The worker process's small HTTP listener, for orchestrators and Prometheus: GET /healthz,
 * GET /readyz (the database, the queue's Redis, the migrations) and GET /metrics. Off unless
 * `CASEFLOW_WORKER_HTTP_PORT` is set; it binds `CASEFLOW_WORKER_HTTP_HOST`, else `HOST`, else
 * 127.0.0.1. There is no token here: expose the port to the cluster's probes and scrapers only.
 */
import http from 'node:http';
import type { Redis } from 'ioredis';
import type { ErrorBody } from '../src/api/errors';
import { readinessLogger, readinessReply, runReadinessChecks, type Readiness } from '../src/api/health';
import type { Logger } from '../src/logger';
import type { CaseflowMetrics } from '../src/metrics';
import type { Workers } from '../workers/runner';
import type { ComposedCaseflow } from './compose';
import { closeRedis, failFastRedis, outboxBacklog, redisProbe, storeProbes } from './observability';

export interface WorkerHttpOptions {
  port: number;
  /** @defaultValue 127.0.0.1 */
  host?: string;
  readiness: Readiness;
  metrics: CaseflowMetrics;
  logger: Logger;
}

/** A running listener. */
export interface WorkerHttp {
  /** `http://host:port` */
  address: string;
  close(): Promise<void>;
}

const json = (res: http.ServerResponse, status: number, body: unknown): void => {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' }).end(JSON.stringify(body));
};

/** Starts the listener; resolves once it accepts connections. */
export async function startWorkerHttp(options: WorkerHttpOptions): Promise<WorkerHttp> {
  const { readiness, metrics, logger } = options;
  const noteReadiness = readinessLogger((level, message, fields) => logger[level](message, fields));
  const handle = async (req: http.IncomingMessage, res: http.ServerResponse): Promise<void> => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    if (req.method === 'GET' && path === '/healthz') return json(res, 200, { status: 'ok' });
    if (req.method === 'GET' && path === '/readyz') {
      const report = await readiness();
      noteReadiness(report);
      const { status, body } = readinessReply(report);
      return json(res, status, body);
    }
    if (req.method === 'GET' && path === '/metrics') {
      const text = await metrics.scrape();
      res.writeHead(200, { 'content-type': metrics.contentType }).end(text);
      return;
    }
    const body: ErrorBody = {
      code: 'NOT_FOUND',
      message: `There is no ${req.method ?? ''} ${path} endpoint here: the worker answers GET /healthz, /readyz and /metrics.`,
      details: { method: req.method, path },
    };
    json(res, 404, body);
  };
  const server = http.createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      logger.error('worker http request failed', { path: (req.url ?? '').split('?')[0], error: String(error) });
      if (!res.headersSent) json(res, 500, { code: 'INTERNAL_ERROR', message: 'Something went wrong in the worker.', details: {} } satisfies ErrorBody);
      else res.end();
    });
  });
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  return {
    address: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** The worker's readiness: the store's checks and a PING to the queue's Redis (on a connection of its own). */
export function workerReadiness(cf: ComposedCaseflow, redis: Pick<Redis, 'ping'>): Readiness {
  const probes = { ...storeProbes(cf.store), redis: redisProbe(redis) };
  return () => runReadinessChecks(probes);
}

/** Adds what only the worker reports to its metrics: the queue depth, and the outbox backlog it drains. */
export function addWorkerGauges(cf: ComposedCaseflow, workers: Pick<Workers, 'queue'>, metrics: CaseflowMetrics): void {
  metrics.readOutboxBacklogOnScrape(outboxBacklog(cf.store));
  metrics.readQueueDepthOnScrape(workers.queue.name, () => workers.queue.getJobCounts());
}

/** The port of CASEFLOW_WORKER_HTTP_PORT, or null when it is unset; a bad value is an error naming the variable. */
export function workerHttpPort(env: NodeJS.ProcessEnv = process.env): number | null {
  const raw = env.CASEFLOW_WORKER_HTTP_PORT;
  if (raw === undefined || raw === '') return null;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`CASEFLOW_WORKER_HTTP_PORT must be a port number from 0 to 65535, got "${raw}"`);
  return port;
}

/** What the worker's listener is started with. */
export interface WorkerHttpDeps {
  cf: ComposedCaseflow;
  workers: Pick<Workers, 'queue'>;
  metrics: CaseflowMetrics;
  logger: Logger;
  /** The queue's Redis (WorkerSettings.redisUrl), which /readyz PINGs. */
  redisUrl: string;
}

/** Starts the worker's listener when CASEFLOW_WORKER_HTTP_PORT is set; null when it is not. Closing it closes its Redis client. */
export async function startWorkerHttpFromEnv(deps: WorkerHttpDeps, env: NodeJS.ProcessEnv = process.env): Promise<WorkerHttp | null> {
  const port = workerHttpPort(env);
  if (port === null) return null;
  const { cf, workers, metrics, logger } = deps;
  addWorkerGauges(cf, workers, metrics);
  const redis = await failFastRedis(deps.redisUrl, 'readiness', (level, message, fields) => logger[level](message, fields));
  let listener: WorkerHttp;
  try {
    listener = await startWorkerHttp({ port, host: env.CASEFLOW_WORKER_HTTP_HOST ?? env.HOST ?? '127.0.0.1', readiness: workerReadiness(cf, redis), metrics, logger });
  } catch (error) {
    await closeRedis(redis);
    throw error;
  }
  logger.info('worker http listening', { address: listener.address, endpoints: ['/healthz', '/readyz', '/metrics'] });
  return { address: listener.address, close: () => listener.close().finally(() => closeRedis(redis)) };
}
