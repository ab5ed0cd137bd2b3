/**
 * Runs caseflow's background work in one process: the deadline worker, the outbox dispatcher,
 * the reconciler (on start and periodically) and the notifier; closes them all gracefully.
 */
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import type { Store } from '../db/port';
import type { EventBus } from '../src/bus';
import type { Clock } from '../src/clock';
import type { DeadlineCommands } from '../src/engine/deadlineCommands';
import type { Logger } from '../src/logger';
import { DeadlineDispatcher, type DeadlineJobData } from './dispatcher';
import { startDeadlineWorker } from './deadlineWorker';
import { LogSender, Notifier, type NotificationSender } from './notifier';

/** Settings of the background work; every field has a default fit for one office. */
export interface WorkerSettings {
  /** Redis to use. @defaultValue `REDIS_URL`, else redis://127.0.0.1:6379 */
  redisUrl: string;
  /** Key prefix of every BullMQ key. @defaultValue `CASEFLOW_QUEUE_PREFIX`, else `caseflow` */
  prefix: string;
  /** Name of the deadline queue. @defaultValue `deadlines` */
  queueName: string;
  /** Deadline jobs handled at once; most wait briefly on a local timer, so many slots are cheap. @defaultValue `CASEFLOW_WORKER_CONCURRENCY`, else 500 */
  concurrency: number;
  /** How often the outbox is retried (ms), e.g. after Redis was down. @defaultValue 2000 */
  dispatchIntervalMs: number;
  /** How often every pending deadline is checked against Redis (ms). @defaultValue 60000 */
  reconcileIntervalMs: number;
  /** Early wake-up before a step (real ms), so it fires on a precise local timer. @defaultValue 250 */
  earlyWakeMs: number;
  /** Longest wait (ms) for notifications still being sent when the workers stop. @defaultValue 3000 */
  shutdownFlushMs: number;
}

/** A positive whole number from the environment, or the default; a bad value is an error naming the variable. */
function envInt(env: NodeJS.ProcessEnv, name: string, fallback: number, min = 1): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min) throw new Error(`${name} must be a whole number of at least ${min}, got "${raw}"`);
  return value;
}

/** Reads settings from the environment (REDIS_URL, CASEFLOW_*), with defaults. */
export function workerSettingsFromEnv(env: NodeJS.ProcessEnv = process.env, overrides: Partial<WorkerSettings> = {}): WorkerSettings {
  return {
    redisUrl: env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    prefix: env.CASEFLOW_QUEUE_PREFIX ?? 'caseflow',
    queueName: 'deadlines',
    concurrency: envInt(env, 'CASEFLOW_WORKER_CONCURRENCY', 500),
    dispatchIntervalMs: envInt(env, 'CASEFLOW_DISPATCH_INTERVAL_MS', 2000),
    reconcileIntervalMs: envInt(env, 'CASEFLOW_RECONCILE_INTERVAL_MS', 60_000),
    earlyWakeMs: envInt(env, 'CASEFLOW_EARLY_WAKE_MS', 250, 0),
    shutdownFlushMs: 3000,
    ...overrides,
  };
}

export interface RunnerDeps {
  store: Store;
  /** The engine's deadline commands: the worker fires steps through them. */
  deadlines: DeadlineCommands;
  clock: Clock;
  /** Commits are announced here; the dispatcher and notifier wake on them. */
  bus: EventBus;
  logger: Logger;
  sender?: NotificationSender;
  /** Run the deadline worker in this process. @defaultValue true (false: only dispatch, as the CLI does) */
  consume?: boolean;
}

export interface Workers {
  dispatcher: DeadlineDispatcher;
  notifier: Notifier;
  queue: Queue<DeadlineJobData>;
  /** Stops taking jobs, lets in-flight ones finish, and closes every connection. */
  close(): Promise<void>;
}

/** Connects to Redis and starts the deadline machinery. */
export async function startWorkers(settings: WorkerSettings, deps: RunnerDeps): Promise<Workers> {
  const { logger } = deps;
  // Commands fail fast while Redis is away; the outbox keeps every wake-up until it is back.
  const queueRedis = new Redis(settings.redisUrl, { maxRetriesPerRequest: 1, enableOfflineQueue: false, lazyConnect: true });
  queueRedis.on('error', (error: Error) => logger.warn('redis (queue) unavailable', { error: error.message }));
  await queueRedis.connect().catch((error: Error) => logger.warn('redis not reachable yet', { error: error.message }));
  const queue = new Queue<DeadlineJobData>(settings.queueName, { connection: queueRedis, prefix: settings.prefix });
  queue.on('error', (error: Error) => logger.warn('deadline queue error', { error: error.message }));
  const dispatcher = new DeadlineDispatcher({
    store: deps.store,
    queue,
    redis: queueRedis,
    clock: deps.clock,
    earlyWakeMs: settings.earlyWakeMs,
    onError: (error) => logger.warn('deadlines not scheduled yet; will retry', { error: String(error) }),
  });
  const notifier = new Notifier({ store: deps.store, sender: deps.sender ?? new LogSender(logger), clock: deps.clock, logger });

  const worker =
    deps.consume === false
      ? null
      : startDeadlineWorker({
          deadlines: deps.deadlines,
          clock: deps.clock,
          connection: { url: settings.redisUrl, maxRetriesPerRequest: null },
          queueName: settings.queueName,
          prefix: settings.prefix,
          concurrency: settings.concurrency,
          logger,
          earlyWakeMs: settings.earlyWakeMs,
          maxLocalWaitMs: Math.max(2000, 2 * settings.earlyWakeMs),
          onGaveUp: (data) => {
            dispatcher.requeueFailed(data.deadlineId, data.rev).catch((error: unknown) => logger.warn('could not requeue a failed wake-up; the reconciler will', { error: String(error) }));
          },
          afterFire: (outcome) => {
            logger.info('deadline step fired', { caseId: outcome.caseId, deadlineId: outcome.deadlineId, step: outcome.step, warning: outcome.warning });
          },
        });

  // Deadlines a commit moved are handed to BullMQ right after it; its notices are sent at once.
  const unsubscribe = deps.bus.subscribe((signal) => {
    if (signal.kind === 'deadlinesChanged') dispatcher.nudge();
    else if (signal.kind === 'notificationsQueued') notifier.nudge();
  });

  let reconciling: Promise<void> | null = null;
  const reconcile = (): Promise<void> =>
    (reconciling ??= dispatcher
      .reconcile()
      .then((missing) => void (missing && logger.warn('rescheduled deadlines Redis had lost', { missing })))
      .catch((error: unknown) => logger.warn('reconcile failed; will retry', { error: String(error) }))
      .finally(() => {
        reconciling = null;
      }));
  await reconcile();
  notifier.nudge();
  const timers = [
    setInterval(() => dispatcher.nudge(), settings.dispatchIntervalMs),
    setInterval(() => void reconcile(), settings.reconcileIntervalMs),
    setInterval(() => notifier.nudge(), settings.dispatchIntervalMs),
  ];
  for (const t of timers) t.unref();

  return {
    dispatcher,
    notifier,
    queue,
    close: async () => {
      for (const t of timers) clearInterval(t);
      unsubscribe();
      if (worker) await worker.close();
      await reconciling;
      await dispatcher.dispatchPending().catch(() => 0);
      // what is not sent within the grace period stays pending for the next start
      await Promise.race([notifier.flush().catch(() => 0), new Promise((resolve) => setTimeout(resolve, settings.shutdownFlushMs).unref())]);
      await queue.close();
      queueRedis.disconnect();
    },
  };
}
