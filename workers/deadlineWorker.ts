/**
 * The BullMQ worker that enforces deadlines. A job wakes slightly before a ladder step is due;
 * the worker then waits on a precise local timer and fires the step through the engine's public
 * command, whose guarded update makes a step fire once however many jobs or workers wake for it.
 */
import { DelayedError, Worker, type ConnectionOptions, type Job } from 'bullmq';
import type { Clock } from '../src/clock';
import type { DeadlineCommands, FireOutcome } from '../src/engine/deadlineCommands';
import type { Logger } from '../src/logger';
import type { DeadlineJobData } from './dispatcher';

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
  /** Called when a job has failed its last attempt, so its wake-up can be scheduled again. */
  onGaveUp?: (data: DeadlineJobData) => void;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Waits until the step is due by `clock`, then fires it; returns what happened. */
export async function processDeadlineJob(
  options: DeadlineWorkerOptions,
  job: Pick<Job<DeadlineJobData>, 'data' | 'moveToDelayed'>,
  token: string | undefined,
): Promise<FireOutcome> {
  const maxLocalWaitMs = options.maxLocalWaitMs ?? 2000;
  const clock: Clock = options.clock;
  const earlyWakeMs = options.earlyWakeMs ?? 250;
  for (;;) {
    // waiting workers only read, so they never hold the write lock just to learn they are early
    const checked = await options.deadlines.check(job.data.deadlineId, job.data.rev);
    const outcome = checked.kind === 'due' ? await options.deadlines.fire(job.data.deadlineId, job.data.rev) : checked;
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
    await sleep(realWait);
  }
}

/** Starts a BullMQ worker on the deadline queue. */
export function startDeadlineWorker(options: DeadlineWorkerOptions): Worker<DeadlineJobData, FireOutcome> {
  const worker = new Worker<DeadlineJobData, FireOutcome>(options.queueName, (job, token) => processDeadlineJob(options, job, token), {
    connection: options.connection,
    prefix: options.prefix,
    concurrency: options.concurrency ?? 500,
  });
  worker.on('failed', (job, error) => {
    options.logger.error('deadline job failed', { jobId: job?.id, attempt: job?.attemptsMade, error: error.message });
    if (job && job.attemptsMade >= (job.opts.attempts ?? 1)) options.onGaveUp?.(job.data);
  });
  worker.on('error', (error) => options.logger.error('deadline worker error', { error: error.message }));
  return worker;
}
