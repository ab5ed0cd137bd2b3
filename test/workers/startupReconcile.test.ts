import type { Store, Tx } from '../../db/port';
import { systemClock } from '../../src/clock';
import { silentLogger } from '../../src/logger';
import { startWorkers, workerSettingsFromEnv, type Workers } from '../../workers/runner';
import { engineFixture, type EngineFixture } from '../support/engine';
import { openCasesDueSoon, REDIS_URL, startTestWorkers, testPrefix, waitFor } from '../support/workers';

const MINUTE = 60_000;

/** The logged steps of each case's plan deadline (the notification deadline's reminder was caught up when the unit was notified). */
async function planSteps(fx: EngineFixture, ids: readonly string[]): Promise<string[][]> {
  const steps = async (id: string) =>
    (await fx.engine.history(id))
      .filter((e) => e.kind === 'deadlineStep' && (e.payload as { deadlineKind: string }).deadlineKind === 'rectificationPlanDue')
      .map((e) => (e.payload as { step: string }).step);
  return Promise.all(ids.map(steps));
}

/**
 * The store as the workers see it, with the reconciler held up: after each page of dispatched
 * wake-ups it reads (its transaction already ended, so nothing else waits on it), it waits until
 * `release()`. Everything else goes straight through.
 */
function heldReconcile(store: Store) {
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  const progress = { pagesRead: 0, finished: false };
  const held: Store = {
    dialect: store.dialect,
    location: store.location,
    withTransaction: (fn) => store.withTransaction(fn),
    dumpAll: () => store.dumpAll(),
    close: () => store.close(),
    read: async <T>(fn: (tx: Tx) => Promise<T>): Promise<T> => {
      let page: unknown[] | null = null;
      const result = await store.read((tx) =>
        fn({
          ...tx,
          outbox: {
            ...tx.outbox,
            dispatched: async (after, limit) => {
              const rows = await tx.outbox.dispatched(after, limit);
              page = rows;
              return rows;
            },
          },
        }),
      );
      if (page !== null) {
        progress.pagesRead += 1;
        await released;
        if ((page as unknown[]).length === 0) progress.finished = true;
      }
      return result;
    },
  };
  return { store: held, progress, release };
}

describe('start-up: the first step fires before the reconcile of every pending deadline ends', () => {
  let fx: EngineFixture;
  let workers: Workers | undefined;
  afterEach(async () => {
    await workers?.close();
    workers = undefined;
    await fx.cleanup();
  });

  it('a worker starting while its reconcile is held still fires the steps that are due, each once', async () => {
    fx = await engineFixture({ clock: systemClock });
    const prefix = testPrefix();
    // a first run hands the wake-ups to Redis (their reminders are already past) and stops
    // (the overdue sweep is kept out of the way: the steps must come from their queue jobs)
    const first = await startTestWorkers(fx.cf, { prefix, consume: false, sweepIntervalMs: 3_600_000 });
    const ids = await openCasesDueSoon(fx, 3, 10 * MINUTE);
    await waitFor(async () => (await fx.store.read((tx) => tx.outbox.pending('', 100))).length === 0, 10_000, 'wake-ups in Redis');
    await first.close();
    expect(await planSteps(fx, ids)).toEqual(ids.map(() => []));

    const held = heldReconcile(fx.store);
    workers = await startWorkers(workerSettingsFromEnv({ REDIS_URL }, { prefix, dispatchIntervalMs: 200, sweepIntervalMs: 3_600_000 }), {
      store: held.store,
      deadlines: fx.cf.engine.deadlines,
      clock: fx.cf.clock,
      bus: fx.cf.bus,
      logger: silentLogger,
    });
    await waitFor(() => held.progress.pagesRead > 0, 10_000, 'the start-up reconcile under way');
    await waitFor(async () => (await planSteps(fx, ids)).every((steps) => steps.length === 1), 10_000, 'the reminders');
    // every reminder fired while the reconcile was still held on its first page
    expect(held.progress).toEqual({ pagesRead: 1, finished: false });

    held.release();
    await waitFor(() => held.progress.finished, 10_000, 'the reconcile to end');
    expect(await planSteps(fx, ids)).toEqual(ids.map(() => ['remind']));
  });
});
