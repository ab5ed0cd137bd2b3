/**
 * Several dispatchers share one outbox: each claims its own batches under a lease, so a wake-up is
 * handed to the queue by one of them, a dead dispatcher's claim comes free when its lease ends, and
 * a batch the queue refused is given back at once.
 */
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import type { WakeUp } from '../../db/records';
import { DeadlineDispatcher, deadlineJobId, type DeadlineJobData } from '../../workers/dispatcher';
import { criticism, engineFixture, liaison, supervisor, type EngineFixture } from '../support/engine';
import { REDIS_URL, testPrefix } from '../support/workers';

const LEASE_MS = 30_000;

describe('dispatchers sharing one outbox', () => {
  let fx: EngineFixture;
  const redis = new Redis(REDIS_URL);
  const queues: Queue<DeadlineJobData>[] = [];
  const prefix = testPrefix();
  /** A queue on the test's prefix; closed and emptied afterwards. */
  const aQueue = () => {
    const queue = new Queue<DeadlineJobData>('deadlines', { connection: new Redis(REDIS_URL, { maxRetriesPerRequest: null }), prefix });
    queues.push(queue);
    return queue;
  };
  const aDispatcher = (queue = aQueue(), batchSize = 4) =>
    new DeadlineDispatcher({ store: fx.store, queue, redis, clock: fx.clock, batchSize, claimLeaseMs: LEASE_MS });
  const pendingNow = () => fx.store.read((tx) => tx.outbox.pending('', 10_000));
  const jobsIn = async (queue: Queue<DeadlineJobData>, wakeUps: readonly WakeUp[]) =>
    (await Promise.all(wakeUps.map((w) => queue.getJob(deadlineJobId(w.deadlineId, w.scheduleRev))))).filter(Boolean).length;

  /** Opens `n` notified rectifications: each has running deadlines waiting in the outbox. */
  const givenNotifiedRectifications = async (n: number) => {
    for (let i = 0; i < n; i++) {
      const { id } = await fx.engine.createCase({ type: 'rectification', input: criticism(`Unit ${i}`), actor: supervisor });
      await fx.engine.applyEvent(id, { type: 'NOTIFY_UNIT', liaisonId: liaison.id }, supervisor);
    }
    return pendingNow();
  };

  afterEach(async () => {
    for (const queue of queues.splice(0)) {
      await queue.obliterate({ force: true });
      await queue.close();
      if (queue.opts.connection instanceof Redis) await queue.opts.connection.quit();
    }
    await fx.cleanup();
  });
  afterAll(() => redis.quit());

  it('two dispatchers draining at once hand every wake-up to the queue once between them', async () => {
    fx = await engineFixture();
    const waiting = await givenNotifiedRectifications(12);
    expect(waiting).toHaveLength(12);
    const queue = aQueue();
    const moved = await Promise.all([aDispatcher(queue), aDispatcher(aQueue())].map((d) => d.dispatchPending()));
    expect(moved[0]! + moved[1]!).toBe(waiting.length);
    expect(await pendingNow()).toEqual([]);
    expect(await jobsIn(queue, waiting)).toBe(waiting.length);
    expect(await queue.getJobCountByTypes('waiting', 'delayed')).toBe(waiting.length);
  });

  it("a dispatcher that died holding a claim: its wake-ups wait out the lease, then another sends them", async () => {
    fx = await engineFixture();
    const waiting = await givenNotifiedRectifications(3);
    const now = fx.clock.now();
    // the dead dispatcher claimed two and never came back
    const held = await fx.store.withTransaction((tx) => tx.outbox.claim(now, now + LEASE_MS, 2));
    const queue = aQueue();
    const survivor = aDispatcher(queue);
    expect(await survivor.dispatchPending()).toBe(waiting.length - 2);
    expect(await pendingNow()).toEqual(held);
    fx.clock.advance(LEASE_MS);
    expect(await survivor.dispatchPending()).toBe(2);
    expect(await pendingNow()).toEqual([]);
    expect(await jobsIn(queue, waiting)).toBe(waiting.length);
  });

  it('a batch the queue refused is given back at once: the next dispatcher sends it without waiting for the lease', async () => {
    fx = await engineFixture();
    const waiting = await givenNotifiedRectifications(2);
    // a queue on a Redis that is not there, which gives up at once instead of retrying
    const nowhere = new Redis('redis://127.0.0.1:1', { enableOfflineQueue: false, retryStrategy: () => null, maxRetriesPerRequest: 0 });
    nowhere.on('error', () => undefined);
    const broken = new Queue<DeadlineJobData>('deadlines', { connection: nowhere, prefix });
    broken.on('error', () => undefined);
    await expect(aDispatcher(broken).dispatchPending()).rejects.toThrow();
    const rows = await fx.store.read(async (tx) => Promise.all(waiting.map((w) => tx.deadlines.byId(w.deadlineId))));
    expect(rows.map((r) => r?.dispatchLeaseUntil)).toEqual(waiting.map(() => null));
    const queue = aQueue();
    expect(await aDispatcher(queue).dispatchPending()).toBe(waiting.length);
    expect(await jobsIn(queue, waiting)).toBe(waiting.length);
    await broken.close().catch(() => undefined);
    nowhere.disconnect();
  });
});
