/**
 * Runs caseflow's background work in one process: the deadline worker, the outbox dispatcher and the
 * notifier in every process; the reconciler and the overdue sweep in the one process that holds the
 * leader lock. Starting never waits on Redis (the database is the truth: wake-ups wait in the outbox
 * until Redis answers), and stopping is bounded by `shutdownTimeoutMs` whether Redis answers or not.
 */
import { performance } from 'node:perf_hooks';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import type { Store } from '../db/port';
import type { EventBus } from '../src/bus';
import type { Clock } from '../src/clock';
import type { DeadlineCommands, FireOutcome } from '../src/engine/deadlineCommands';
import type { CaseLogAudit } from '../src/engine/audit';
import type { Logger } from '../src/logger';
import type { CaseflowMetrics } from '../src/metrics';
import { DeadlineDispatcher, type DeadlineJobData } from './dispatcher';
import { startDeadlineWorker } from './deadlineWorker';
import { LeaderLock, leaderKey } from './leader';
import { LogSender, Notifier, type NotificationSender } from './notifier';
import { AuditSweep } from './auditSweep';
import { OverdueSweep } from './sweep';

/**
 * The key prefix when `CASEFLOW_QUEUE_PREFIX` is not set. Hash-tagged, so that on Redis Cluster every
 * key of the queue (and the leader lock) lands in one slot, as BullMQ's multi-key scripts require.
 */
export const DEFAULT_QUEUE_PREFIX = '{caseflow}';

/** Settings of the background work; every field has a default fit for one office. */
export interface WorkerSettings {
  /** Redis to use. @defaultValue `REDIS_URL`, else redis://127.0.0.1:6379 */
  redisUrl: string;
  /**
   * Key prefix of every BullMQ key and of the leader lock; every queue and worker gets this one. On
   * Redis Cluster it must be a hash tag such as `{caseflow}`. @defaultValue `CASEFLOW_QUEUE_PREFIX`, else `{caseflow}`
   */
  prefix: string;
  /** Name of the deadline queue. @defaultValue `deadlines` */
  queueName: string;
  /** Deadline jobs handled at once; most wait briefly on a local timer, so many slots are cheap. @defaultValue `CASEFLOW_WORKER_CONCURRENCY`, else 500 */
  concurrency: number;
  /** How often the outbox is retried (ms), e.g. after Redis was down. @defaultValue `CASEFLOW_DISPATCH_INTERVAL_MS`, else 2000 */
  dispatchIntervalMs: number;
  /** How often the leader checks every pending deadline against Redis (ms); it also does on taking the lock and whenever Redis comes back. @defaultValue `CASEFLOW_RECONCILE_INTERVAL_MS`, else 60000 */
  reconcileIntervalMs: number;
  /** Early wake-up before a step (real ms), so it fires on a precise local timer. @defaultValue `CASEFLOW_EARLY_WAKE_MS`, else 250 */
  earlyWakeMs: number;
  /** Longest wait (ms) for notifications still being sent when the workers stop (within `shutdownTimeoutMs`). @defaultValue 3000 */
  shutdownFlushMs: number;
  /** How often the leader sweeps the database for overdue steps no job has fired (real ms). @defaultValue `CASEFLOW_SWEEP_INTERVAL_MS`, else 1000 */
  sweepIntervalMs: number;
  /**
   * How long (real ms) past its moment a step must be before the sweep fires it: the queue's job gets
   * that long to do it first. A step held by a dead worker fires about this late. @defaultValue `CASEFLOW_SWEEP_LAG_MS`, else 3000
   */
  sweepLagMs: number;
  /**
   * Longest a stop takes (real ms): in-flight jobs get this long to finish, then the worker is closed
   * by force and Redis disconnected (what did not finish is done again by another worker; the
   * database is the truth). @defaultValue `CASEFLOW_SHUTDOWN_TIMEOUT_MS`, else 10000
   */
  shutdownTimeoutMs: number;
  /**
   * How long the leader lock lasts without renewal (ms); renewed every third of it. When the leader
   * dies, another worker takes over the reconciler and the sweep within this. @defaultValue `CASEFLOW_LEADER_TTL_MS`, else 10000
   */
  leaderTtlMs: number;
  /** How often the leader verifies every case's log chain (real ms); 0 never. @defaultValue `CASEFLOW_AUDIT_INTERVAL_MS`, else 3600000 */
  auditIntervalMs?: number;
  /** Who receives the alert when the case log fails verification. @defaultValue `CASEFLOW_AUDIT_ALERT_TO`, else `admin` */
  auditAlertTo?: string;
  /** Where notices are POSTed; it takes precedence over the policy file's `notifications.webhook`. @defaultValue `CASEFLOW_WEBHOOK_URL`, else the policy's webhook, else the log */
  webhookUrl?: string;
}

/** A whole number from the environment, or the default; a bad value is an error naming the variable. */
function envInt(env: NodeJS.ProcessEnv, name: string, fallback: number, min = 1): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min) throw new Error(`${name} must be a whole number of at least ${min}, got "${raw}"`);
  return value;
}

/** An http(s) address from the environment; anything else is an error naming the variable (never echoing its value, which may hold a token). */
function envHttpUrl(env: NodeJS.ProcessEnv, name: string): string {
  const raw = env[name] ?? '';
  const url = URL.canParse(raw) ? new URL(raw) : null;
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) throw new Error(`${name} must be an http:// or https:// address`);
  return raw;
}

/** Reads settings from the environment (REDIS_URL, CASEFLOW_*), with defaults. */
export function workerSettingsFromEnv(env: NodeJS.ProcessEnv = process.env, overrides: Partial<WorkerSettings> = {}): WorkerSettings {
  return {
    redisUrl: env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    prefix: env.CASEFLOW_QUEUE_PREFIX || DEFAULT_QUEUE_PREFIX,
    queueName: 'deadlines',
    concurrency: envInt(env, 'CASEFLOW_WORKER_CONCURRENCY', 500),
    dispatchIntervalMs: envInt(env, 'CASEFLOW_DISPATCH_INTERVAL_MS', 2000),
    reconcileIntervalMs: envInt(env, 'CASEFLOW_RECONCILE_INTERVAL_MS', 60_000),
    earlyWakeMs: envInt(env, 'CASEFLOW_EARLY_WAKE_MS', 250, 0),
    shutdownFlushMs: 3000,
    sweepIntervalMs: envInt(env, 'CASEFLOW_SWEEP_INTERVAL_MS', 1000),
    sweepLagMs: envInt(env, 'CASEFLOW_SWEEP_LAG_MS', 3000, 0),
    shutdownTimeoutMs: envInt(env, 'CASEFLOW_SHUTDOWN_TIMEOUT_MS', 10_000),
    leaderTtlMs: envInt(env, 'CASEFLOW_LEADER_TTL_MS', 10_000, 100),
    auditIntervalMs: envInt(env, 'CASEFLOW_AUDIT_INTERVAL_MS', 3_600_000, 0),
    auditAlertTo: env.CASEFLOW_AUDIT_ALERT_TO || 'admin',
    ...(env.CASEFLOW_WEBHOOK_URL ? { webhookUrl: envHttpUrl(env, 'CASEFLOW_WEBHOOK_URL') } : {}),
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
  /** Where step lateness, reconcile repairs and notification failures are counted. @defaultValue not counted */
  metrics?: CaseflowMetrics;
  /** The case log's audit, run by the leader every `auditIntervalMs`. @defaultValue no periodic audit */
  audit?: CaseLogAudit;
}

/** Whether this process runs the cluster-wide sweeps now. */
export interface Leadership {
  /** True while this process holds the leader lock. */
  readonly held: boolean;
  /** This process's claim, as stored at `<prefix>:leader` while it holds the lock. */
  readonly token: string;
}

export interface Workers {
  dispatcher: DeadlineDispatcher;
  notifier: Notifier;
  queue: Queue<DeadlineJobData>;
  /** The leader lock: the reconciler and the overdue sweep run only while it is held. */
  leader: Leadership;
  /** The overdue sweep (the leader runs it every `sweepIntervalMs`). */
  sweep: OverdueSweep;
  /** The case log's audit (the leader runs it every `auditIntervalMs`), when the runner was given one. */
  auditSweep: AuditSweep | null;
  /**
   * Stops taking jobs, lets in-flight ones finish, gives up the leader lock and closes every
   * connection, within `shutdownTimeoutMs` whether Redis answers or not.
   */
  close(): Promise<void>;
}

/** Starts the deadline machinery; resolves at once, connecting to Redis (and retrying) in the background. */
export function startWorkers(settings: WorkerSettings, deps: RunnerDeps): Promise<Workers> {
  const { logger } = deps;
  let closing = false;

  // Commands fail fast while Redis is away; the outbox keeps every wake-up until it is back.
  const queueRedis = new Redis(settings.redisUrl, { maxRetriesPerRequest: 1, enableOfflineQueue: false });
  let redisDown = false;
  queueRedis.on('error', (error: Error) => {
    if (redisDown || closing) return;
    redisDown = true;
    logger.warn('redis (queue) unavailable; deadline wake-ups wait in the database', { error: error.message });
  });
  const queue = new Queue<DeadlineJobData>(settings.queueName, { connection: queueRedis, prefix: settings.prefix });
  // the queue's errors while Redis is away repeat the connection's, which is reported above
  queue.on('error', (error: Error) => {
    if (!closing && !redisDown) logger.warn('deadline queue error', { error: error.message });
  });
  const dispatcher = new DeadlineDispatcher({
    store: deps.store,
    queue,
    redis: queueRedis,
    clock: deps.clock,
    earlyWakeMs: settings.earlyWakeMs,
    onError: (error) => {
      if (!closing) logger.warn('deadlines not scheduled yet; will retry', { error: String(error) });
    },
  });
  const notifier = new Notifier({
    store: deps.store,
    sender: deps.sender ?? new LogSender(logger),
    clock: deps.clock,
    logger,
    ...(deps.metrics ? { metrics: deps.metrics } : {}),
  });
  const logFired = (outcome: Extract<FireOutcome, { kind: 'fired' }>) => {
    deps.metrics?.stepFired(outcome.latenessMs);
    logger.info('deadline step fired', { caseId: outcome.caseId, deadlineId: outcome.deadlineId, step: outcome.step, warning: outcome.warning });
  };

  const worker =
    deps.consume === false
      ? null
      : startDeadlineWorker({
          deadlines: deps.deadlines,
          clock: deps.clock,
          // reconnect every 2 s at most, so that consuming resumes soon after an outage
          connection: { url: settings.redisUrl, maxRetriesPerRequest: null, retryStrategy: (times: number) => Math.min(times * 200, 2000) },
          queueName: settings.queueName,
          prefix: settings.prefix,
          concurrency: settings.concurrency,
          logger,
          earlyWakeMs: settings.earlyWakeMs,
          maxLocalWaitMs: Math.max(2000, 2 * settings.earlyWakeMs),
          redisAvailable: () => queueRedis.status === 'ready',
          onGaveUp: (wakeUp) => {
            dispatcher.requeueFailed(wakeUp.deadlineId, wakeUp.rev).catch((error: unknown) => logger.warn('could not requeue a failed wake-up; the reconciler will', { error: String(error) }));
          },
          afterFire: logFired,
        });

  const sweep = new OverdueSweep({ store: deps.store, deadlines: deps.deadlines, clock: deps.clock, logger, lagMs: settings.sweepLagMs, afterFire: logFired });

  // The reconciler: on taking the lock, whenever Redis comes back, every reconcileIntervalMs, and
  // after a failure again soon (1 s, 2 s, 4 s … up to the interval) while this process leads.
  let reconciling: Promise<void> | null = null;
  let retry: NodeJS.Timeout | null = null;
  let failures = 0;
  const reconcile = (): Promise<void> => {
    if (closing || !leader.held) return Promise.resolve();
    if (retry) clearTimeout(retry);
    retry = null;
    reconciling ??= dispatcher
      .reconcile()
      .then((missing) => {
        failures = 0;
        deps.metrics?.reconcileRepaired(missing);
        if (missing) logger.warn('rescheduled deadlines Redis had lost', { missing });
      })
      .catch((error: unknown) => {
        failures += 1;
        const retryInMs = Math.min(1000 * 2 ** Math.min(failures - 1, 16), settings.reconcileIntervalMs);
        if (closing) return;
        logger.warn('reconcile failed; will retry', { error: String(error), retryInMs });
        retry = setTimeout(() => void reconcile(), retryInMs);
        retry.unref();
      })
      .finally(() => {
        reconciling = null;
      });
    return reconciling;
  };

  const leader = new LeaderLock({
    redis: queueRedis,
    key: leaderKey(settings.prefix),
    ttlMs: settings.leaderTtlMs,
    onChange: (held) => {
      if (closing) return;
      if (held) {
        logger.info('leader: this process runs the reconciler and the overdue sweep', { prefix: settings.prefix });
        void reconcile();
      } else logger.info('no longer the leader (the lock expired or another process holds it)', { prefix: settings.prefix });
    },
  });

  let sweepFailing = false;
  const sweepNow = (): void => {
    if (closing || !leader.held) return;
    sweep.sweep().then(
      () => {
        sweepFailing = false;
      },
      (error: unknown) => {
        if (!sweepFailing) logger.warn('the overdue sweep failed; it runs again shortly', { error: String(error) });
        sweepFailing = true;
      },
    );
  };

  const auditSweep = deps.audit ? new AuditSweep({ audit: deps.audit, logger, recipient: settings.auditAlertTo ?? 'admin' }) : null;
  const auditNow = (): void => {
    if (closing || !leader.held || !auditSweep) return;
    auditSweep.run().catch((error: unknown) => logger.warn('the case log audit could not run; it runs again at its next interval', { error: String(error) }));
  };

  // Redis is back (or there for the first time): claim the lock, and a leader that kept it reconciles
  // at once, since Redis may have come back without its jobs; the outbox goes out as well.
  queueRedis.on('ready', () => {
    if (closing) return;
    if (redisDown) logger.info('redis (queue) available again', {});
    redisDown = false;
    void leader.tick().then((tick) => {
      if (tick === 'renewed') void reconcile();
    });
    dispatcher.nudge();
  });

  // Deadlines a commit moved are handed to BullMQ right after it; its notices are sent at once.
  const unsubscribe = deps.bus.subscribe((signal) => {
    if (signal.kind === 'deadlinesChanged') dispatcher.nudge();
    else if (signal.kind === 'notificationsQueued') notifier.nudge();
  });

  leader.start();
  dispatcher.nudge();
  notifier.nudge();
  const timers = [
    setInterval(() => dispatcher.nudge(), settings.dispatchIntervalMs),
    setInterval(() => void reconcile(), settings.reconcileIntervalMs),
    setInterval(sweepNow, settings.sweepIntervalMs),
    setInterval(() => notifier.nudge(), settings.dispatchIntervalMs),
    ...(auditSweep && settings.auditIntervalMs ? [setInterval(auditNow, settings.auditIntervalMs)] : []),
  ];
  for (const t of timers) t.unref();

  let closed: Promise<void> | null = null;
  const close = async (): Promise<void> => {
    closing = true;
    const deadline = performance.now() + settings.shutdownTimeoutMs;
    const remaining = () => Math.max(0, deadline - performance.now());
    /** Waits for `work` (its failure included) at most `ms`; what is still running then is left behind. */
    const within = async (work: Promise<unknown> | null | undefined, ms = remaining()): Promise<void> => {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([Promise.resolve(work).then(noop, noop), new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)))]);
      clearTimeout(timer);
    };
    for (const t of timers) clearInterval(t);
    if (retry) clearTimeout(retry);
    unsubscribe();
    // give the lock up first, so that another process takes over the sweeps at once
    await within(leader.stop());
    if (worker) {
      const how = await worker.shutdown(remaining());
      if (how === 'forced') logger.warn('the deadline worker was stopped by force; jobs it held go to the other workers', { shutdownTimeoutMs: settings.shutdownTimeoutMs });
    }
    await within(Promise.all([reconciling, sweep.inProgress, auditSweep?.inProgress]));
    // hand over what the last steps scheduled (while Redis is away it stays in the outbox)
    if (queueRedis.status === 'ready') await within(dispatcher.dispatchPending());
    // what is not sent within the grace period stays pending for the next start
    await within(notifier.flush(), Math.min(settings.shutdownFlushMs, remaining()));
    await within(queue.close());
    queueRedis.disconnect();
  };

  return Promise.resolve({
    dispatcher,
    notifier,
    queue,
    leader,
    sweep,
    auditSweep,
    close: () => (closed ??= close()),
  });
}

const noop = (): void => undefined;
