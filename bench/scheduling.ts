/**
 * 3. Deadline scheduling: wake-ups moved from the database outbox into BullMQ per second by
 * `DeadlineDispatcher.dispatchPending` against bare `Queue.addBulk` (batches of 500) of the very
 * same jobs (same ids, data and options).
 */
import path from 'node:path';
import { Queue, type JobsOptions } from 'bullmq';
import { Redis } from 'ioredis';
import { composeCaseflow } from '../app/compose';
import { systemClock } from '../src/clock';
import { DeadlineDispatcher, deadlineJob as dispatcherJob, type DeadlineJobData } from '../workers/dispatcher';
import { generatePendingDeadlines } from './dataset';
import { sqliteClient } from './workload';
import { median, pairedRatio, progress, REDIS_URL, removeKeys, ticker, timeAsync, type BenchContext, type Figure } from './lib';

const EARLY_WAKE_MS = 250;
const BATCH = 500;

/** The job the dispatcher makes for a row (kept equal to workers/dispatcher.ts#enqueue, at clock rate 1). */
export function deadlineJob(deadlineId: string, rev: number, fireAt: number, now: number): { name: string; data: DeadlineJobData; opts: JobsOptions } {
  const { name, data, jobId } = dispatcherJob(deadlineId, rev);
  return { name, data, opts: { jobId, delay: Math.max(0, Math.floor(fireAt - now - EARLY_WAKE_MS)) } };
}

type BulkJob = { name: string; data: object; opts: JobsOptions };

/** Adds `n` jobs with a few addBulk calls (of 500) in flight at once: for filling Redis fast in set-ups. */
export async function addJobs(queue: Queue, n: number, make: (i: number) => BulkJob, label: string): Promise<void> {
  const report = ticker(label, n, 5000);
  const inFlight = 4;
  for (let from = 0; from < n; from += BATCH * inFlight) {
    const calls: Promise<unknown>[] = [];
    for (let k = 0; k < inFlight; k++) {
      const start = from + k * BATCH;
      if (start >= n) break;
      const jobs: BulkJob[] = [];
      for (let i = start; i < Math.min(n, start + BATCH); i++) jobs.push(make(i));
      calls.push(queue.addBulk(jobs));
    }
    await Promise.all(calls);
    report(Math.min(n, from + BATCH * inFlight));
  }
}

async function withQueue<T>(ctx: BenchContext, fn: (queue: Queue<DeadlineJobData>, redis: Redis) => Promise<T>): Promise<T> {
  const prefix = ctx.track(`cfbench-sched-${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`);
  const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
  const queue = new Queue<DeadlineJobData>('deadlines', { connection: redis, prefix });
  try {
    await queue.waitUntilReady();
    return await fn(queue, redis);
  } finally {
    await queue.close();
    redis.disconnect();
    await removeKeys(ctx.redis, prefix);
  }
}

async function caseflowRun(ctx: BenchContext, n: number): Promise<number> {
  const dir = ctx.tempDir('sched');
  const cf = composeCaseflow({ dbFile: path.join(dir, 'caseflow.sqlite'), clock: systemClock });
  try {
    const now = Date.now();
    generatePendingDeadlines(sqliteClient(cf.store), n, { now, fireAt: (i) => now + 86_400_000 + i * 1000, dispatched: false });
    return await withQueue(ctx, async (queue, redis) => {
      const dispatcher = new DeadlineDispatcher({ store: cf.store, queue, redis, clock: cf.clock, earlyWakeMs: EARLY_WAKE_MS, batchSize: BATCH });
      let moved = 0;
      const ms = await timeAsync(async () => {
        moved = await dispatcher.dispatchPending();
      });
      if (moved !== n) throw new Error(`the dispatcher moved ${moved} of ${n} deadlines`);
      return (n * 1000) / ms;
    });
  } finally {
    await cf.close();
  }
}

async function bareRun(ctx: BenchContext, n: number): Promise<number> {
  const now = Date.now();
  const rows = Array.from({ length: n }, (_, i) => ({ id: `RC-PENDING-${i.toString(32).toUpperCase().padStart(10, '0')}~rectificationPlanDue~2`, fireAt: now + 86_400_000 + i * 1000 }));
  return withQueue(ctx, async (queue) => {
    const ms = await timeAsync(async () => {
      for (let from = 0; from < rows.length; from += BATCH) {
        const t = Date.now();
        await queue.addBulk(rows.slice(from, from + BATCH).map((r) => deadlineJob(r.id, 1, r.fireAt, t)));
      }
    });
    return (n * 1000) / ms;
  });
}

export async function benchScheduling(ctx: BenchContext): Promise<Figure[]> {
  const sizes = ctx.quick ? [10_000] : [20_000, 100_000];
  const runs = 3;
  const figures: Figure[] = [];
  await bareRun(ctx, 2000); // warm-up
  await caseflowRun(ctx, 2000);
  for (const n of sizes) {
    progress(`3 scheduling: ${runs} runs × ${n.toLocaleString('en-US')} deadlines per side`);
    const cf: number[] = [];
    const bare: number[] = [];
    for (let r = 0; r < runs; r++) {
      if (r % 2) {
        cf.push(await caseflowRun(ctx, n));
        bare.push(await bareRun(ctx, n));
      } else {
        bare.push(await bareRun(ctx, n));
        cf.push(await caseflowRun(ctx, n));
      }
      progress(`3 scheduling ${n.toLocaleString('en-US')}: run ${r + 1}/${runs}: dispatcher ${Math.round(cf[r]!)}/s, bare addBulk ${Math.round(bare[r]!)}/s`);
    }
    figures.push({
      group: '3',
      name: `deadline scheduling: outbox → BullMQ (${n.toLocaleString('en-US')} pending)`,
      unit: 'jobs/s',
      caseflow: median(cf),
      bare: median(bare),
      pairedRatio: pairedRatio(cf, bare),
      bareLabel: `Queue.addBulk, batches of ${BATCH}`,
      target: { kind: 'ratioAtLeast', min: 0.7 },
      runs: cf,
      bareRuns: bare,
      detail: { deadlines: n, batch: BATCH },
    });
  }
  return figures;
}
