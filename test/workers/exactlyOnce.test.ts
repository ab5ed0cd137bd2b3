import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { systemClock } from '../../src/clock';
import { DeadlineDispatcher, deadlineJob, deadlineJobId, type DeadlineJobData } from '../../workers/dispatcher';
import { engineFixture, type EngineFixture } from '../support/engine';
import { spawnWorker, stopProcess, workerStarted } from '../support/processes';
import { REDIS_URL, startTestWorkers, testPrefix, waitFor, openCasesDueSoon } from '../support/workers';

const MINUTE = 60_000;

/** Counts each (deadline, step) recorded in the log of the given cases: exactly-once means every count is 1. */
async function stepCounts(fx: EngineFixture, caseIds: readonly string[]): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  // one query at a time: a PostgreSQL transaction is one connection, which runs queries in turn
  const entries = await fx.store.read(async (tx) => {
    const all = [];
    for (const id of caseIds) all.push(...(await tx.events.ofCase(id)));
    return all;
  });
  for (const e of entries.filter((entry) => entry.kind === 'deadlineStep')) {
    const { deadlineId, step } = JSON.parse(e.payload) as { deadlineId: string; step: string };
    counts.set(`${deadlineId}|${step}`, (counts.get(`${deadlineId}|${step}`) ?? 0) + 1);
  }
  return counts;
}

describe('each deadline step fires exactly once', () => {
  let fx: EngineFixture;
  afterEach(() => fx.cleanup());

  it('enqueuing the same wake-up twice is a no-op', async () => {
    fx = await engineFixture({ clock: systemClock });
    const prefix = testPrefix();
    const redis = new Redis(REDIS_URL);
    const queue = new Queue<DeadlineJobData>('deadlines', { connection: redis, prefix });
    const dispatcher = new DeadlineDispatcher({ store: fx.store, queue, redis, clock: systemClock });
    try {
      await openCasesDueSoon(fx, 1, 10 * MINUTE);
      expect(await dispatcher.dispatchPending()).toBe(1);
      expect(await dispatcher.dispatchPending()).toBe(0);
      // as if the process crashed after addBulk but before marking the row dispatched
      await fx.store.withTransaction(async (tx) => tx.outbox.returnToOutbox(await tx.outbox.dispatched('', 10_000)));
      expect(await dispatcher.dispatchPending()).toBe(1);
      // the remind step is already due, so its job waits rather than being delayed
      expect(await queue.getJobCountByTypes('waiting', 'delayed')).toBe(1);
      expect(await dispatcher.reconcile()).toBe(0);
      expect(await queue.getJobCountByTypes('waiting', 'delayed')).toBe(1);
    } finally {
      await queue.obliterate({ force: true });
      await queue.close();
      redis.disconnect();
    }
  });

  it('duplicate wake-ups for the same steps, under other job ids, still fire each step once', async () => {
    fx = await engineFixture({ clock: systemClock });
    const prefix = testPrefix();
    const redis = new Redis(REDIS_URL);
    const queue = new Queue<DeadlineJobData>('deadlines', { connection: redis, prefix });
    const workers = await startTestWorkers(fx.cf, { prefix });
    try {
      const ids = await openCasesDueSoon(fx, 10, 2000);
      await waitFor(async () => (await fx.store.read((tx) => tx.outbox.pending('', 100))).length === 0, 10_000, 'wake-ups in Redis');
      // three more jobs for every scheduled step, as a redelivery, a second dispatcher or an old job would make
      const scheduled = await fx.store.read((tx) => tx.outbox.dispatched('', 1000));
      await queue.addBulk(
        scheduled.flatMap((w) =>
          [1, 2, 3].map((copy) => {
            const { name, data, jobId } = deadlineJob(w.deadlineId, w.scheduleRev);
            return { name, data, opts: { jobId: `dup${copy}.${jobId}`, removeOnComplete: true } };
          }),
        ),
      );
      const planDue = (counts: Map<string, number>, step: string) => [...counts.keys()].filter((k) => k.includes('~rectificationPlanDue~') && k.endsWith(`|${step}`));
      await waitFor(async () => planDue(await stepCounts(fx, ids), 'overdue').length === ids.length, 20_000, 'every overdue step');
      await new Promise((resolve) => setTimeout(resolve, 1000));
      const counts = await stepCounts(fx, ids);
      expect(planDue(counts, 'remind')).toHaveLength(ids.length);
      expect([...counts.values()].every((c) => c === 1)).toBe(true);
    } finally {
      await workers.close();
      await queue.obliterate({ force: true });
      await queue.close();
      redis.disconnect();
    }
  });

  it('two worker processes on one database fire every step once', async () => {
    fx = await engineFixture({ clock: systemClock });
    const prefix = testPrefix();
    const env = { ...fx.env, REDIS_URL, CASEFLOW_QUEUE_PREFIX: prefix, CASEFLOW_RECONCILE_INTERVAL_MS: '300' };
    const workers = [spawnWorker(env), spawnWorker(env)];
    try {
      await Promise.all(workers.map((w) => workerStarted(w)));
      const ids = await openCasesDueSoon(fx, 20, 2000);
      // remind is already past (fires at once), overdue follows at the due time
      await waitFor(
        async () => [...(await stepCounts(fx, ids)).keys()].filter((k) => k.includes('rectificationPlanDue') && k.endsWith('|overdue')).length === ids.length,
        20_000,
        'all overdue steps',
      );
      await new Promise((resolve) => setTimeout(resolve, 1000));
      const all = await stepCounts(fx, ids);
      const counts = new Map([...all].filter(([k]) => k.includes('rectificationPlanDue')));
      expect(counts.size).toBe(ids.length * 2);
      // the notification deadlines' steps (fired before NOTIFY_UNIT closed them) were recorded once too
      expect([...all.values()].every((c) => c === 1)).toBe(true);
      expect([...counts.values()].every((c) => c === 1)).toBe(true);
      for (const id of ids) expect((await fx.engine.getCase(id)).deadlines.find((d) => d.kind === 'rectificationPlanDue')).toMatchObject({ status: 'overdue', warning: 'yellow' });
    } finally {
      await Promise.all(workers.map((w) => stopProcess(w)));
      const redis = new Redis(REDIS_URL);
      const queue = new Queue('deadlines', { connection: redis, prefix });
      await queue.obliterate({ force: true });
      await queue.close();
      redis.disconnect();
    }
  });

  it('SIGTERM while a step is in flight: the step finishes, the worker exits cleanly, and a new worker carries on', async () => {
    fx = await engineFixture({ clock: systemClock });
    const prefix = testPrefix();
    const env = { ...fx.env, REDIS_URL, CASEFLOW_QUEUE_PREFIX: prefix, CASEFLOW_EARLY_WAKE_MS: '4000' };
    const redis = new Redis(REDIS_URL);
    const queue = new Queue('deadlines', { connection: redis, prefix });
    let worker = spawnWorker(env);
    try {
      await workerStarted(worker);
      const [id] = await openCasesDueSoon(fx, 1, 6000);
      const planDueId = (await fx.engine.getCase(id!)).deadlines.find((d) => d.kind === 'rectificationPlanDue')!.id;
      await waitFor(async () => (await stepCounts(fx, [id!])).has(`${planDueId}|remind`), 10_000, 'the remind step');
      // the overdue step's job wakes 4 s early and waits on a local timer: stop the worker then. Its
      // own job, by id: just after the remind step commits, the remind job may still count as active
      // (BullMQ records it completed a moment later), and a stop then would leave the overdue job unstarted
      const afterRemind = await fx.store.read((tx) => tx.deadlines.byId(planDueId));
      const overdueJobId = deadlineJobId(planDueId, afterRemind!.scheduleRev);
      await waitFor(async () => (await (await queue.getJob(overdueJobId))?.isActive()) === true, 10_000, 'the overdue job in flight');
      expect(await stopProcess(worker)).toBe(0);
      expect((await stepCounts(fx, [id!])).get(`${planDueId}|overdue`)).toBe(1);
      worker = spawnWorker({ ...env, CASEFLOW_EARLY_WAKE_MS: '250' });
      await workerStarted(worker);
      const row = await fx.store.read((tx) => tx.deadlines.byId(planDueId));
      expect(row).toMatchObject({ nextStep: 2, status: 'overdue' });
      expect(await queue.getJob(deadlineJobId(row!.id, row!.scheduleRev))).toBeDefined();
    } finally {
      await stopProcess(worker);
      await queue.obliterate({ force: true });
      await queue.close();
      redis.disconnect();
    }
  });
});
