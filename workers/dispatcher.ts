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

/**
 * What a deadline job carries, kept small, since a million of them wait in Redis: the deadline row's
 * id after its case's (the case id is the job's name, see `deadlineJob`), or the whole id when it has
 * no case part; and the schedule revision the job was made for. Every field of the job's hash stays
 * under Redis's `hash-max-listpack-value` (64 bytes), so the hash is kept in its compact encoding.
 */
export interface DeadlineJobData {
  /** The deadline id without its case id and `~` (`rectificationPlanDue~2`), or the whole id. */
  d: string;
  /** The schedule revision. */
  r: number;
  /** Failed tries so far (only on a job that failed and waits for its retry). */
  f?: number;
}

/** The job's name when the deadline id has no case part. */
const NO_CASE = '-';

/**
 * The job id of a deadline's schedule revision: one BullMQ job per scheduled step. Short (a 64-bit
 * digest of the deadline id, and the revision), so that the job's key and its options stay small.
 * Two deadlines whose digests collide (about one chance in 10^7 among a million pending) share a
 * job: the second one's step then fires by the overdue sweep, a few seconds late, never twice.
 */
export function deadlineJobId(deadlineId: string, rev: number): string {
  // two 32-bit lanes (cyrb53's mixing, kept to 64 bits): no allocation but the id itself, as the reconciler makes a million
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < deadlineId.length; i++) {
    const c = deadlineId.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 2654435761);
    h2 = Math.imul(h2 ^ c, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return `${(h1 >>> 0).toString(36)}${(h2 >>> 0).toString(36).padStart(7, '0')}.${rev}`;
}

/** The job that wakes the worker for revision `rev` of a deadline: its name, data and id. */
export function deadlineJob(deadlineId: string, rev: number): { name: string; data: DeadlineJobData; jobId: string } {
  const cut = deadlineId.indexOf('~');
  const [name, d] = cut > 0 ? [deadlineId.slice(0, cut), deadlineId.slice(cut + 1)] : [NO_CASE, deadlineId];
  return { name, data: { d, r: rev }, jobId: deadlineJobId(deadlineId, rev) };
}

/** What jobs made before the jobs were slimmed carry (they may still wait in Redis after an upgrade). */
interface LegacyDeadlineJobData {
  deadlineId: string;
  rev: number;
}

/** The deadline and revision a job wakes for. */
export function wakeUpOf(job: { name: string; data: DeadlineJobData | LegacyDeadlineJobData }): { deadlineId: string; rev: number } {
  const { data } = job;
  if ('deadlineId' in data) return { deadlineId: data.deadlineId, rev: data.rev };
  return { deadlineId: job.name === NO_CASE ? data.d : `${job.name}~${data.d}`, rev: data.r };
}

/**
 * Options every deadline job gets from the queue and the worker rather than from itself (Redis keeps
 * a job's options with each job): finished jobs are removed, failed ones kept (the last 1,000), and
 * retries are the worker's (`deadlineWorker.ts`), not BullMQ's per-job `attempts`.
 */
export const DEADLINE_JOB_RETENTION = { removeOnComplete: { count: 0 }, removeOnFail: { count: 1000 } } as const;

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

/** How long (real ms) a nudge waits for more commits before the dispatch it asks for. */
const NUDGE_DELAY_MS = 20;

/** Wake-ups the reconciler checks per page (one database read, one Redis call). */
const RECONCILE_PAGE = 500;

/**
 * KEYS[1] the queue's failed set; ARGV[1] the queue's key prefix, ARGV[2..] the job ids (their keys
 * are made here, as BullMQ's own scripts make them: in the queue's hash slot). Answers the 1-based
 * positions of the jobs that are gone, and minus the positions of those that failed for good.
 */
const LOST_JOBS = `local out = {}
for i = 2, #ARGV do
  if redis.call('exists', ARGV[1] .. ARGV[i]) == 0 then out[#out + 1] = i - 1
  elseif redis.call('zscore', KEYS[1], ARGV[i]) then out[#out + 1] = 1 - i end
end
return out`;

/** Moves deadline wake-ups from the database into BullMQ and keeps Redis in line with the database. */
export class DeadlineDispatcher {
  private readonly earlyWakeMs: number;
  private readonly batchSize: number;
  private readonly claimLeaseMs: number;
  private running: Promise<number> | null = null;
  private again = false;
  private nudged: NodeJS.Timeout | null = null;

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

  /**
   * Asks for a dispatch soon (within NUDGE_DELAY_MS), in the background; failures go to `onError` and
   * are retried later. The nudges of many commits in a row (a worker firing hundreds of steps a
   * second) make one dispatch, so the outbox's claims do not take the write lock from every step.
   */
  nudge(): void {
    if (this.nudged) return;
    this.nudged = setTimeout(() => {
      this.nudged = null;
      this.dispatchPending().catch((error: unknown) => this.options.onError?.(error));
    }, NUDGE_DELAY_MS);
  }

  /**
   * Checks every scheduled wake-up against Redis and schedules again those Redis lost or that
   * failed for good (a past-due one fires at once). Returns how many were rescheduled. Streamed:
   * a page of ids from the database, one script call that answers only with the lost ones, so a
   * million pending deadlines make little garbage and the worker keeps firing steps meanwhile.
   */
  async reconcile(): Promise<number> {
    const { store, queue, redis } = this.options;
    const failedKey = queue.toKey('failed');
    let missing = 0;
    let after = '';
    for (;;) {
      const page = await store.read((tx) => tx.outbox.dispatched(after, RECONCILE_PAGE));
      if (!page.length) break;
      const jobIds = page.map((w) => deadlineJobId(w.deadlineId, w.scheduleRev));
      // positions (1-based) of the jobs Redis lost; negative for the jobs that failed for good
      const found = (await redis.eval(LOST_JOBS, 1, failedKey, queue.toKey(''), ...jobIds)) as number[];
      const lost: WakeUp[] = [];
      for (const position of found) {
        const i = Math.abs(position) - 1;
        // a job that failed for good keeps its id, which would block re-adding it: remove it first
        if (position < 0) await queue.remove(jobIds[i]!);
        lost.push(page[i]!);
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
        const { name, data, jobId } = deadlineJob(w.deadlineId, w.scheduleRev);
        const delay = Math.max(0, Math.floor(((w.nextFireAt ?? now) - now) / clock.rate - this.earlyWakeMs));
        return { name, data, opts: { jobId, delay } };
      }),
    );
  }
}
