import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { systemClock } from '../../src/clock';
import type { DeadlineCommands } from '../../src/engine/deadlineCommands';
import { silentLogger } from '../../src/logger';
import { startDeadlineWorker } from '../../workers/deadlineWorker';
import { DeadlineDispatcher, type DeadlineJobData } from '../../workers/dispatcher';
import { engineFixture, type EngineFixture } from '../support/engine';
import { openCasesDueSoon, REDIS_URL, testPrefix, waitFor } from '../support/workers';

const MINUTE = 60_000;

/** The engine's deadline commands, with the first `failures` fires refused as a busy database would refuse them. */
function failingFirst(deadlines: DeadlineCommands, failures: number): { commands: DeadlineCommands; refused: () => number } {
  let refused = 0;
  const commands = Object.create(deadlines) as DeadlineCommands;
  commands.fire = (deadlineId, rev) => {
    if (refused < failures) {
      refused += 1;
      return Promise.reject(new Error('the database is busy'));
    }
    return deadlines.fire(deadlineId, rev);
  };
  return { commands, refused: () => refused };
}

describe('a step whose firing fails is tried again by the worker, without retry options on the job', () => {
  let fx: EngineFixture;
  afterEach(() => fx.cleanup());

  it('two refused tries, then the reminder fires once', async () => {
    fx = await engineFixture({ clock: systemClock });
    const prefix = testPrefix();
    const redis = new Redis(REDIS_URL);
    const queue = new Queue<DeadlineJobData>('deadlines', { connection: redis, prefix });
    const dispatcher = new DeadlineDispatcher({ store: fx.store, queue, redis, clock: systemClock });
    const { commands, refused } = failingFirst(fx.engine.deadlines, 2);
    let worker: ReturnType<typeof startDeadlineWorker> | undefined;
    const start = () => startDeadlineWorker({
      deadlines: commands,
      clock: systemClock,
      connection: { url: REDIS_URL, maxRetriesPerRequest: null },
      queueName: 'deadlines',
      prefix,
      logger: silentLogger,
      retryBackoffMs: 50,
    });
    try {
      const [id] = await openCasesDueSoon(fx, 1, 10 * MINUTE);
      const planDue = (await fx.engine.getCase(id!)).deadlines.find((d) => d.kind === 'rectificationPlanDue')!;
      await dispatcher.dispatchPending();
      const jobs = await queue.getJobs(['waiting', 'delayed']);
      expect(jobs.length).toBeGreaterThan(0);
      expect(jobs.map((job) => job.opts.attempts ?? 0)).toEqual(jobs.map(() => 0));
      worker = start();
      await waitFor(async () => (await fx.store.read((tx) => tx.deadlines.byId(planDue.id)))?.nextStep === 1, 10_000, 'the reminder');
      expect(refused()).toBe(2);
      const reminders = (await fx.engine.history(id!)).filter((e) => e.kind === 'deadlineStep' && (e.payload as { deadlineId: string }).deadlineId === planDue.id);
      expect(reminders.map((e) => (e.payload as { step: string }).step)).toEqual(['remind']);
    } finally {
      await worker?.shutdown(2000);
      await queue.obliterate({ force: true });
      await queue.close();
      redis.disconnect();
    }
  });
});
