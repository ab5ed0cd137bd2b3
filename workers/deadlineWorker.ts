/**
 * The BullMQ worker that enforces deadlines. A job wakes slightly before a ladder step is due;
 * the worker then waits on a precise local timer and fires the step through the engine's public
 * command, whose guarded update makes a step fire once however many jobs or workers wake for it.
 */
import { DelayedError, Worker, type ConnectionOptions, type Job } from 'bullmq';
import type { Clock } from '../src/clock';
import type { DeadlineCommands, FireOutcome } from '../src/engine/deadlineCommands';
import type { Logger } from '../src/logger';
import { DEADLINE_JOB_RETENTION, wakeUpOf, type DeadlineJobData } from './dispatcher';

export interface DeadlineWorkerOptions {
  deadlines: DeadlineCommands;
  clock: Clock;
  connection: ConnectionOptions;
  queueName: string;
  prefix: string;
  /** Jobs handled at once (most of them wait briefly on a timer). @defaultValue 500 */
  concurrency?: number;
  /** Longest local wait (real ms) before a job is put back as delayed instead. @defaultValue 2000 */
  maxLocalWaitMs?: number;
  /** How early (real ms) a job put back as delayed wakes before its step. @defaultValue 250 */
  earlyWakeMs?: number;
  logger: Logger;
  /** Called after each fired step: schedules the next step and sends notifications. */
  afterFire?: (outcome: Extract<FireOutcome, { kind: 'fired' }>) => void;
  /** Called when a job has failed its last try, so its wake-up can be scheduled again. */
  onGaveUp?: (wakeUp: { deadlineId: string; rev: number }) => void;
  /** Tries of a job whose step fails (the database refuses) before it is given up. @defaultValue 5 */
  attempts?: number;
  /** Wait (real ms) before the first retry of a failed try, doubled after each. @defaultValue 500 */
  retryBackoffMs?: number;
  /** Whether Redis answers now (a shutdown does not wait on a Redis that is away). @defaultValue always true */
  redisAvailable?: () => boolean;
}

/** Thrown out of a local wait when the worker is forced to stop: the job is left to another worker. */
export class WorkerStoppingError extends Error {
  constructor() {
    super('the deadline worker is stopping');
    this.name = 'WorkerStoppingError';
  }
}

/** Waits `ms`, or until `signal` aborts (then throws WorkerStoppingError). */
function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    if (signal?.aborted) return reject(new WorkerStoppingError());
    const onAbort = () => {
      clearTimeout(timer);
      reject(new WorkerStoppingError());
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

type DeadlineJob = Pick<Job<DeadlineJobData>, 'name' | 'data' | 'moveToDelayed' | 'updateData'>;

/**
 * Processes a job; a try that fails (the database refused) is retried with exponential backoff by
 * the worker itself, the count kept in the job only once it failed, so that no job carries retry
 * options. After the last try the error goes to BullMQ, which records the job failed.
 */
export async function processDeadlineJob(options: DeadlineWorkerOptions, job: DeadlineJob, token: string | undefined, signal?: AbortSignal): Promise<FireOutcome> {
  try {
    return await fireWhenDue(options, job, token, signal);
  } catch (error) {
    if (error instanceof DelayedError || error instanceof WorkerStoppingError) throw error;
    const failures = (job.data.f ?? 0) + 1;
    if (failures >= (options.attempts ?? 5)) throw error;
    await job.updateData({ ...job.data, f: failures });
    await job.moveToDelayed(Date.now() + (options.retryBackoffMs ?? 500) * 2 ** (failures - 1), token);
    throw new DelayedError();
  }
}

/** Waits until the step is due by `clock`, then fires it; returns what happened. `signal` cuts a local wait short. */
async function fireWhenDue(options: DeadlineWorkerOptions, job: DeadlineJob, token: string | undefined, signal?: AbortSignal): Promise<FireOutcome> {
  const maxLocalWaitMs = options.maxLocalWaitMs ?? 2000;
  const clock: Clock = options.clock;
  const earlyWakeMs = options.earlyWakeMs ?? 250;
  const { deadlineId, rev } = wakeUpOf(job);
  let waited = false;
  for (;;) {
    if (signal?.aborted) throw new WorkerStoppingError();
    // a job woken early only reads, so it never holds the write lock just to learn it is early;
    // after its local wait the step is due, and fire() (which checks again in its transaction) goes first
    const checked = waited ? ({ kind: 'due' } as const) : await options.deadlines.check(deadlineId, rev);
    const outcome = checked.kind === 'due' ? await options.deadlines.fire(deadlineId, rev) : checked;
    if (outcome.kind === 'fired') {
      options.afterFire?.(outcome);
      return outcome;
    }
    if (outcome.kind === 'stale') return outcome;
    const realWait = Math.ceil(outcome.waitMs / clock.rate);
    if (realWait > maxLocalWaitMs) {
      await job.moveToDelayed(Date.now() + realWait - Math.min(earlyWakeMs, realWait), token);
      throw new DelayedError();
    }
    await sleep(realWait, signal);
    waited = true;
  }
}

/**
 * A BullMQ worker that can be stopped for good at any point. BullMQ's `close(true)` does nothing once
 * a graceful `close()` has begun, and a graceful close never ends while Redis is away (it waits for
 * the blocking connection to close); `forceClose` tears down what a forced close would have.
 */
class StoppableWorker extends Worker<DeadlineJobData, FireOutcome> {
  /** Stops fetching and the stalled checker, lock renewals, and drops both connections without waiting on Redis. */
  async forceClose(): Promise<void> {
    await this.pause(true).catch(() => undefined);
    await this.lockManager.close();
    await this.getBackend().close(true).catch(() => undefined);
  }
}

/**
 * How a deadline worker stopped: `graceful` (BullMQ's own close finished), `idle` (no job was in
 * flight, so the connections were dropped without waiting on BullMQ's close), or `forced` (jobs were
 * still in flight when the time ran out; they are left to the other workers).
 */
export type WorkerShutdown = 'graceful' | 'idle' | 'forced';

/** After the last in-flight job, how long (real ms) BullMQ gets to record it before the connections are dropped. */
const IDLE_GRACE_MS = 300;

/** The deadline worker of one process. */
export class DeadlineWorker {
  readonly worker: Worker<DeadlineJobData, FireOutcome>;
  private readonly stoppable: StoppableWorker;
  /** Jobs this process is working on (their processor has not returned). */
  private readonly inFlight = new Set<Promise<FireOutcome>>();
  private readonly stopping = new AbortController();
  private shuttingDown: Promise<WorkerShutdown> | null = null;

  constructor(private readonly options: DeadlineWorkerOptions) {
    this.stoppable = new StoppableWorker(options.queueName, (job, token) => this.track(processDeadlineJob(options, job, token, this.stopping.signal)), {
      connection: options.connection,
      prefix: options.prefix,
      concurrency: options.concurrency ?? 500,
      ...DEADLINE_JOB_RETENTION,
    });
    this.worker = this.stoppable;
    this.worker.on('failed', (job, error) => {
      if (error instanceof WorkerStoppingError) return;
      options.logger.error('deadline job failed', { jobId: job?.id, attempt: job?.attemptsMade, error: error.message });
      if (job && job.attemptsMade >= (job.opts.attempts ?? 1)) options.onGaveUp?.(wakeUpOf(job));
    });
    // while Redis is away every reconnect attempt fails the same way: say so once a minute, not every 2 s
    let last = { message: '', at: 0 };
    this.worker.on('error', (error) => {
      if (this.stopping.signal.aborted) return;
      const now = Date.now();
      if (error.message === last.message && now - last.at < 60_000) return;
      last = { message: error.message, at: now };
      options.logger.error('deadline worker error', { error: error.message });
    });
  }

  /** How many jobs this process is working on. */
  get activeJobs(): number {
    return this.inFlight.size;
  }

  /**
   * Stops taking jobs and lets in-flight ones finish, for at most `timeoutMs` (real ms); then cuts
   * local waits short and drops the connections. Once nothing is in flight the connections are
   * dropped at once (shortly, while Redis answers, so BullMQ records the last jobs): BullMQ's own
   * close can wait on a reconnecting connection for ever. Nothing is lost by a forced stop: the
   * database is the truth, and a job left behind is taken up by another worker (or the sweep).
   */
  shutdown(timeoutMs: number): Promise<WorkerShutdown> {
    this.shuttingDown ??= this.stop(timeoutMs);
    return this.shuttingDown;
  }

  private async stop(timeoutMs: number): Promise<WorkerShutdown> {
    const redisAvailable = this.options.redisAvailable ?? (() => true);
    const graceful = this.worker.close().then(
      () => 'graceful' as const,
      () => 'idle' as const,
    );
    let timer: NodeJS.Timeout | undefined;
    let poll: NodeJS.Timeout | undefined;
    const outcome = await Promise.race([
      graceful,
      new Promise<'forced'>((resolve) => {
        timer = setTimeout(() => resolve('forced'), timeoutMs);
      }),
      new Promise<'idle'>((resolve) => {
        let idleSince: number | null = null;
        poll = setInterval(() => {
          if (this.inFlight.size > 0) return void (idleSince = null);
          idleSince ??= Date.now();
          if (!redisAvailable() || Date.now() - idleSince >= IDLE_GRACE_MS) resolve('idle');
        }, 50);
      }),
    ]).finally(() => {
      clearTimeout(timer);
      clearInterval(poll);
    });
    if (outcome === 'graceful') return outcome;
    this.stopping.abort();
    await this.stoppable.forceClose();
    // a job cut short is mid-way through at most one database call: let it finish, briefly
    let settle: NodeJS.Timeout | undefined;
    await Promise.race([Promise.allSettled([...this.inFlight]), new Promise((resolve) => (settle = setTimeout(resolve, 1000)))]);
    clearTimeout(settle);
    return outcome;
  }

  private track(job: Promise<FireOutcome>): Promise<FireOutcome> {
    this.inFlight.add(job);
    const done = () => void this.inFlight.delete(job);
    job.then(done, done);
    return job;
  }
}

/** Starts a BullMQ worker on the deadline queue. */
export function startDeadlineWorker(options: DeadlineWorkerOptions): DeadlineWorker {
  return new DeadlineWorker(options);
}
