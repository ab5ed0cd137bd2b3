/**
 * The outbox between SQLite and BullMQ. Deadline rows whose schedule revision is not yet in Redis
 * are moved into delayed jobs and marked dispatched; the reconciler puts back any job Redis lost.
 * The database is the truth: a crash, a FLUSHALL or a Redis outage delays a wake-up, never loses it.
 */
import { and, asc, eq, gt, sql } from 'drizzle-orm';
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { CaseflowDb } from '../../db';
import { deadlines } from '../../db/schema';
import type { Clock } from '../clock';
import { deadlineJobId } from './firing';

/** What a deadline job carries: the row, the schedule revision it was made for, and the step's moment. */
export interface DeadlineJobData {
  deadlineId: string;
  rev: number;
  fireAt: number;
}

export interface DispatcherOptions {
  db: CaseflowDb;
  queue: Queue<DeadlineJobData>;
  /** A Redis connection to the queue's server, for checking which jobs exist. */
  redis: Redis;
  clock: Clock;
  /** Wake the worker this long (real ms) before a step is due, so it can fire on a precise local timer. @defaultValue 250 */
  earlyWakeMs?: number;
  /** Rows moved per `addBulk`. @defaultValue 500 */
  batchSize?: number;
  /** Where background failures (Redis down) are reported. @defaultValue silent */
  onError?: (error: unknown) => void;
}

type OutboxRow = { id: string; nextFireAt: number | null; scheduleRev: number };

/** Literal (not bound) conditions, so SQLite can use the partial outbox index. */
const RUNNING_WITH_WAKE_UP = sql`${deadlines.running} = 1 AND ${deadlines.nextFireAt} IS NOT NULL`;

/** Moves deadline wake-ups from the database into BullMQ and keeps Redis in line with the database. */
export class DeadlineDispatcher {
  private readonly earlyWakeMs: number;
  private readonly batchSize: number;
  private running: Promise<number> | null = null;
  private again = false;
  private readonly outboxAfter;
  private readonly markBatch;

  constructor(private readonly options: DispatcherOptions) {
    this.earlyWakeMs = options.earlyWakeMs ?? 250;
    this.batchSize = options.batchSize ?? 500;
    if (this.batchSize < 1) throw new Error('batchSize must be at least 1');
    if (this.earlyWakeMs < 0) throw new Error('earlyWakeMs must not be negative');
    const { db } = options;
    this.outboxAfter = db
      .select({ id: deadlines.id, nextFireAt: deadlines.nextFireAt, scheduleRev: deadlines.scheduleRev })
      .from(deadlines)
      .where(and(RUNNING_WITH_WAKE_UP, sql`${deadlines.dispatchedRev} IS NOT ${deadlines.scheduleRev}`, gt(deadlines.id, sql.placeholder('after'))))
      .orderBy(asc(deadlines.id))
      .limit(sql.placeholder('limit'))
      .prepare();
    // one statement a batch: rows whose revision is still the one sent (a newer one stays in the outbox)
    this.markBatch = db
      .update(deadlines)
      .set({ dispatchedRev: sql`${deadlines.scheduleRev}` })
      .where(
        sql`(${deadlines.id}, ${deadlines.scheduleRev}) IN (SELECT value ->> 0, value ->> 1 FROM json_each(${sql.placeholder('batch')}))`,
      )
      .prepare();
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
    const { db, queue, redis } = this.options;
    let missing = 0;
    let after = '';
    for (;;) {
      const page = db
        .select({ id: deadlines.id, scheduleRev: deadlines.scheduleRev })
        .from(deadlines)
        .where(and(RUNNING_WITH_WAKE_UP, eq(deadlines.dispatchedRev, deadlines.scheduleRev), gt(deadlines.id, after)))
        .orderBy(asc(deadlines.id))
        .limit(1000)
        .all();
      if (!page.length) break;
      const failedKey = queue.toKey('failed');
      const pipeline = redis.pipeline();
      for (const row of page) {
        const jobId = deadlineJobId(row.id, row.scheduleRev);
        pipeline.exists(queue.toKey(jobId));
        pipeline.zscore(failedKey, jobId);
      }
      const results = (await pipeline.exec()) ?? [];
      const lost: typeof page = [];
      for (const [i, row] of page.entries()) {
        const exists = results[2 * i]?.[1] === 1;
        const failed = results[2 * i + 1]?.[1] !== null && results[2 * i + 1]?.[1] !== undefined;
        // a job that failed for good keeps its id, which would block re-adding it: remove it first
        if (failed) await queue.remove(deadlineJobId(row.id, row.scheduleRev));
        if (!exists || failed) lost.push(row);
      }
      if (lost.length) {
        db.transaction((tx) => {
          for (const row of lost) {
            tx.update(deadlines)
              .set({ dispatchedRev: null })
              .where(and(eq(deadlines.id, row.id), eq(deadlines.scheduleRev, row.scheduleRev)))
              .run();
          }
        });
        missing += lost.length;
      }
      after = page[page.length - 1]!.id;
    }
    await this.dispatchPending();
    return missing;
  }

  /** Puts a wake-up whose job failed for good back into the outbox, so it is scheduled again. */
  async requeueFailed(deadlineId: string, rev: number): Promise<void> {
    await this.options.queue.remove(deadlineJobId(deadlineId, rev));
    this.options.db
      .update(deadlines)
      .set({ dispatchedRev: null })
      .where(and(eq(deadlines.id, deadlineId), eq(deadlines.scheduleRev, rev)))
      .run();
    this.nudge();
  }

  /**
   * One pass over the outbox in id order. While one batch travels to Redis the next is read from
   * SQLite, so the two round trips overlap; a batch is marked only after Redis took it.
   */
  private async drain(): Promise<number> {
    let moved = 0;
    let batch = this.outboxAfter.all({ after: '', limit: this.batchSize });
    while (batch.length) {
      const sending = this.enqueue(batch);
      const next = this.outboxAfter.all({ after: batch[batch.length - 1]!.id, limit: this.batchSize });
      await sending;
      this.markDispatched(batch);
      moved += batch.length;
      batch = next;
    }
    return moved;
  }

  private async enqueue(batch: readonly OutboxRow[]): Promise<void> {
    const { clock, queue } = this.options;
    const now = clock.now();
    await queue.addBulk(
      batch.map((row) => {
        const fireAt = row.nextFireAt ?? now;
        return {
          name: 'deadlineStep',
          data: { deadlineId: row.id, rev: row.scheduleRev, fireAt },
          opts: {
            jobId: deadlineJobId(row.id, row.scheduleRev),
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

  private markDispatched(batch: readonly OutboxRow[]): void {
    this.markBatch.run({ batch: JSON.stringify(batch.map((row) => [row.id, row.scheduleRev])) });
  }
}
