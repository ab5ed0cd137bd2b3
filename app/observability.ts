/**
 * The concrete pieces behind /readyz and /metrics, for the API server and the worker listener:
 * one Prometheus registry per process, the readiness probes (a read through the Store port, a
 * Redis PING, the migrations), the scrape-time gauges (outbox backlog, queue depth), and Redis
 * clients that fail fast and log an outage once rather than on every reconnect attempt.
 */
import { Redis } from 'ioredis';
import { collectDefaultMetrics, Registry } from 'prom-client';
import type { Store } from '../db/port';
import type { Probe } from '../src/api/health';
import { CaseflowMetrics, OUTBOX_BACKLOG_CAP } from '../src/metrics';

/** The metrics of one process, on a registry of its own with Node's process metrics (CPU, memory, event loop, GC). */
export function processMetrics(): CaseflowMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return new CaseflowMetrics(registry);
}

/** What the migrations check reports: the store ports offer no schema version, but opening one migrates it. */
export const MIGRATIONS_NOTE = 'applied when the store was opened (opening a store migrates it, under a lock)';

/** The readiness probes every process runs on its store: a trivial read, and the migrations. */
export function storeProbes(store: Store): Record<'database' | 'migrations', Probe> {
  return {
    database: async () => {
      await store.read((tx) => tx.cases.byId('readyz-probe'));
    },
    // An open store is a migrated one: openSqliteStore and openPostgresStore apply every migration before they return.
    migrations: () => Promise.resolve(MIGRATIONS_NOTE),
  };
}

/** A probe that PINGs Redis. */
export const redisProbe =
  (redis: Pick<Redis, 'ping'>): Probe =>
  async () => {
    await redis.ping();
  };

/** Counts the pending wake-ups of the outbox, up to OUTBOX_BACKLOG_CAP (a page read: the port has no count). */
export const outboxBacklog = (store: Store) => async (): Promise<number> => (await store.read((tx) => tx.outbox.pending('', OUTBOX_BACKLOG_CAP))).length;

/** Where a Redis client reports an outage (once) and its recovery. */
export type RedisOutageLog = (level: 'warn' | 'info', message: string, fields: Record<string, unknown>) => void;

/**
 * A Redis client whose commands fail at once while Redis is away (no offline queue) and that keeps
 * reconnecting; the outage is logged once, and again when it is over.
 */
export async function failFastRedis(url: string, what: string, log: RedisOutageLog): Promise<Redis> {
  const client = new Redis(url, { lazyConnect: true, connectTimeout: 1000, disconnectTimeout: 200, maxRetriesPerRequest: 1, enableOfflineQueue: false });
  let down = false;
  client.on('error', (error: Error) => {
    if (down) return;
    down = true;
    log('warn', `redis (${what}) unavailable`, { error: error.message });
  });
  client.on('ready', () => {
    if (!down) return;
    down = false;
    log('info', `redis (${what}) available again`, {});
  });
  await client.connect().catch(() => undefined); // logged by the error handler; the client keeps retrying
  return client;
}

/** Closes a client: QUIT when connected (pending commands finish), else drop the connection attempts. */
export async function closeRedis(client: Redis): Promise<void> {
  if (client.status === 'ready') await client.quit().catch(() => client.disconnect());
  else client.disconnect();
}
