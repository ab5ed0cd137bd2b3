/**
 * The outbox between the database and BullMQ. Deadline wake-ups whose schedule revision is not yet
 * in Redis are moved into delayed jobs and marked dispatched; the reconciler puts back any job Redis
 * lost. The database is the truth: a crash, a FLUSHALL or a Redis outage delays a wake-up, never loses it.
 */
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Store } from '../db/port';
import type { WakeUp } from '../db/records';
import type { Clock } from '../src/clock';

/** What a deadline job carries: the row, the schedule revision it was made for, and the step's moment. */
export interface DeadlineJobData {
  deadlineId: string;
  rev: number;
  fireAt: number;
}

/** The job id of a deadline's schedule revision: one BullMQ job per scheduled step. */
export const deadlineJobId = (deadlineId: string, rev: number): string => `dl|${deadlineId}|${rev}`;

export interface DispatcherOptions {
  store: Store;
  queue: Queue<DeadlineJobData>;
  /** A Redis connection to the queue's server, for checking which jobs exist. */
  redis: Redis;
  clock: Clock;
  /** Wake the worker this long (real ms) before a step is due, so it can fire on a precise local timer. @defaultValue 250 */
  earlyWakeMs?: number;
  /** Rows moved per `addBulk`. @defaultValue 500 */
  batchSize?: number;
  /**
   * How long (real ms) a claimed batch is this dispatcher's alone; if it dies before marking the
   * batch, another dispatcher takes the rows after this. @defaultValue 30000
   */
  claimLeaseMs?: number;
  /** Where background failures (Redis down) are reported. @defaultValue silent */
  onError?: (error: unknown) => void;
}

/** Moves deadline wake-ups from the database into BullMQ and keeps Redis in line with the database. */
export class DeadlineDispatcher {
  private readonly earlyWakeMs: number;
  private readonly batchSize: number;
  private readonly claimLeaseMs: number;
  private running: Promise<number> | null = null;
  private again = false;

  constructor(private readonly options: DispatcherOptions) {
    this.earlyWakeMs = options.earlyWakeMs ?? 250;
    this.batchSize = options.batchSize ?? 500;
    this.claimLeaseMs = options.claimLeaseMs ?? 30_000;
    if (this.claimLeaseMs <= 0) throw new Error('claimLeaseMs must be positive');
    if (this.batchSize < 1) throw new Error('batchSize must be at least 1');
    if (this.earlyWakeMs < 0) throw new Error('earlyWakeMs must not be negative');
  }

  /** Schedules every undispatched wake-up; returns how many jobs were handed to BullMQ. */
  async dispatchPending(): Promise<number> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = this.drain().finally(() => {
      this.running = null;
    });
    const moved = await this.running;
    if (this.again) {
      this.again = false;
      return moved + (await this.dispatchPending());
    }
    return moved;
  }

  /** Asks for a dispatch soon, in the background; failures go to `onError` and are retried later. */
  nudge(): void {
    setImmediate(() => {
      this.dispatchPending().catch((error: unknown) => this.options.onError?.(error));
    });
  }

  /**
   * Checks every scheduled wake-up against Redis and schedules again those Redis lost or that
   * failed for good (a past-due one fires at once). Returns how many were rescheduled.
   */
  async reconcile(): Promise<number> {
    const { store, queue, redis } = this.options;
    let missing = 0;
    let after = '';
    for (;;) {
      const page = await store.read((tx) => tx.outbox.dispatched(after, 1000));
      if (!page.length) break;
      const failedKey = queue.toKey('failed');
      const pipeline = redis.pipeline();
      for (const w of page) {
        const jobId = deadlineJobId(w.deadlineId, w.scheduleRev);
        pipeline.exists(queue.toKey(jobId));
        pipeline.zscore(failedKey, jobId);
      }
      const results = (await pipeline.exec()) ?? [];
      const lost: WakeUp[] = [];
      for (const [i, w] of page.entries()) {
        const exists = results[2 * i]?.[1] === 1;
        const failed = results[2 * i + 1]?.[1] !== null && results[2 * i + 1]?.[1] !== undefined;
        // a job that failed for good keeps its id, which would block re-adding it: remove it first
        if (failed) await queue.remove(deadlineJobId(w.deadlineId, w.scheduleRev));
        if (!exists || failed) lost.push(w);
      }
      if (lost.length) missing += await store.withTransaction((tx) => tx.outbox.returnToOutbox(lost));
      after = page[page.length - 1]!.deadlineId;
    }
    await this.dispatchPending();
    return missing;
  }

  /** Puts a wake-up whose job failed for good back into the outbox, so it is scheduled again. */
  async requeueFailed(deadlineId: string, rev: number): Promise<void> {
    await this.options.queue.remove(deadlineJobId(deadlineId, rev));
    await this.options.store.withTransaction((tx) => tx.outbox.returnToOutbox([{ deadlineId, scheduleRev: rev }]));
    this.nudge();
  }

  /**
   * Drains the outbox in claimed batches. While one batch travels to Redis the next is claimed, so
   * the two round trips overlap; a batch is marked only after Redis took it. Other dispatchers claim
   * other rows meanwhile; a row whose revision moved is claimable again at once.
   */
  private async drain(): Promise<number> {
    let moved = 0;
    let batch = await this.claimBatch();
    while (batch.length) {
      const sending = this.enqueue(batch);
      const next = this.claimBatch();
      const [sent, claimed] = await Promise.allSettled([sending, next]);
      if (sent.status === 'rejected') {
        // the queue refused: give both batches back, so that the next drain (or another dispatcher) takes them
        await this.release([...batch, ...(claimed.status === 'fulfilled' ? claimed.value : [])]);
        throw sent.reason;
      }
      const handedOver = batch;
      await this.options.store.withTransaction((tx) => tx.outbox.markDispatched(handedOver));
      moved += batch.length;
      if (claimed.status === 'rejected') throw claimed.reason;
      batch = claimed.value;
    }
    return moved;
  }

  /** Releases claims after a failed send; if the database is unreachable too, the leases run out by themselves. */
  private async release(batch: readonly WakeUp[]): Promise<void> {
    await this.options.store.withTransaction((tx) => tx.outbox.release(batch)).catch((error: unknown) => this.options.onError?.(error));
  }

  /** Claims the next batch of pending wake-ups under this dispatcher's lease. */
  private claimBatch(): Promise<WakeUp[]> {
    const { store, clock } = this.options;
    const now = clock.now();
    return store.withTransaction((tx) => tx.outbox.claim(now, now + this.claimLeaseMs * clock.rate, this.batchSize));
  }

  private async enqueue(batch: readonly WakeUp[]): Promise<void> {
    const { clock, queue } = this.options;
    const now = clock.now();
    await queue.addBulk(
      batch.map((w) => {
        const fireAt = w.nextFireAt ?? now;
        return {
          name: 'deadlineStep',
          data: { deadlineId: w.deadlineId, rev: w.scheduleRev, fireAt },
          opts: {
            jobId: deadlineJobId(w.deadlineId, w.scheduleRev),
            delay: Math.max(0, Math.floor((fireAt - now) / clock.rate - this.earlyWakeMs)),
            removeOnComplete: true,
            removeOnFail: { count: 1000 },
            attempts: 5,
            backoff: { type: 'exponential', delay: 500 },
          },
        };
      }),
    );
  }
}
