/**
 * Steps whose queue job is stuck (held by a worker that died) or unconsumed fire through the
 * leader's database sweep within seconds of their moment, each once: BullMQ alone would hand a dead
 * worker's jobs on only after its 30 s lock and the 30 s stalled check.
 */
import { randomUUID } from 'node:crypto';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { systemClock } from '../../src/clock';
import { deadlineJobId } from '../../workers/dispatcher';
import type { Workers } from '../../workers/runner';
import { engineFixture, type EngineFixture } from '../support/engine';
import { spawnWorker, stopProcess, workerStarted } from '../support/processes';
import { REDIS_URL, startTestWorkers, waitFor, openCasesDueSoon } from '../support/workers';

/** The fault's bound: a stuck step fires within this of its moment. */
const BOUND_MS = 5000;

/** A hash-tagged prefix of this test's own. */
const clusterPrefix = (): string => `{cftest-${randomUUID()}}`;

interface LoggedStep {
  deadlineId: string;
  step: string;
  at: number;
  scheduledFor: number;
}

/** Every ladder step recorded in the logs of `caseIds`. */
async function loggedSteps(fx: EngineFixture, caseIds: readonly string[]): Promise<LoggedStep[]> {
  const entries = await fx.store.read(async (tx) => (await Promise.all(caseIds.map((id) => tx.events.ofCase(id)))).flat());
  return entries
    .filter((e) => e.kind === 'deadlineStep')
    .map((e) => {
      const payload = JSON.parse(e.payload) as { deadlineId: string; step: string; scheduledFor: string };
      return { deadlineId: payload.deadlineId, step: payload.step, at: e.at, scheduledFor: Date.parse(payload.scheduledFor) };
    });
}

/** The overdue steps of the plan deadlines, once each of `caseIds` has one. */
async function overdueSteps(fx: EngineFixture, caseIds: readonly string[]): Promise<LoggedStep[] | undefined> {
  const steps = (await loggedSteps(fx, caseIds)).filter((s) => s.step === 'overdue' && s.deadlineId.includes('rectificationPlanDue'));
  return steps.length >= caseIds.length ? steps : undefined;
}

/** Each (deadline, step) is recorded once. */
async function expectEachStepOnce(fx: EngineFixture, caseIds: readonly string[]): Promise<void> {
  const keys = (await loggedSteps(fx, caseIds)).map((s) => `${s.deadlineId}|${s.step}`);
  expect(keys.length).toBeGreaterThan(0);
  expect(new Set(keys).size).toBe(keys.length);
}

/** The plan deadline of a case. */
const planDueOf = async (fx: EngineFixture, caseId: string) => (await fx.store.read((tx) => tx.deadlines.ofCase(caseId))).find((d) => d.kind === 'rectificationPlanDue')!;

describe('the overdue sweep fires steps whose queue job is stuck', () => {
  let fx: EngineFixture;
  let workers: Workers | undefined;
  let redis: Redis;
  let queue: Queue;
  let prefix: string;
  beforeEach(() => {
    prefix = clusterPrefix();
    redis = new Redis(REDIS_URL);
    queue = new Queue('deadlines', { connection: redis, prefix });
  });
  afterEach(async () => {
    await workers?.close();
    workers = undefined;
    await queue.obliterate({ force: true });
    await queue.close();
    redis.disconnect();
    await fx.cleanup();
  });

  it('wake-ups in Redis that no worker takes: the leader sweeps their steps within 5 s of their moment, each once', async () => {
    fx = await engineFixture({ clock: systemClock });
    // this process dispatches and leads, but consumes nothing: the jobs sit in Redis, present to the reconciler
    workers = await startTestWorkers(fx.cf, { prefix, consume: false, leaderTtlMs: 1500 });
    const ids = await openCasesDueSoon(fx, 3, 1500);
    await waitFor(() => workers!.leader.held, 5000, 'the leader lock');

    const fired = await waitFor(() => overdueSteps(fx, ids), 10_000, 'every overdue step');
    for (const s of fired) expect(s.at - s.scheduledFor).toBeLessThanOrEqual(BOUND_MS);
    await expectEachStepOnce(fx, ids);
    for (const id of ids) {
      const row = await planDueOf(fx, id);
      expect(row).toMatchObject({ status: 'overdue', warning: 'yellow' });
      expect(fired.map((s) => s.deadlineId)).toContain(row.id);
      // nobody consumed the overdue step's job: it still waits in Redis, stale now
      expect(await queue.getJob(deadlineJobId(row.id, row.scheduleRev - 1))).toBeDefined();
    }
  });

  it('a worker SIGKILLed while it holds the jobs: another worker sweeps their steps within 5 s of their moment, each once', async () => {
    fx = await engineFixture({ clock: systemClock });
    // a short lock, so that the survivor leads soon after the holder died without releasing it
    const env = { ...fx.env, REDIS_URL, CASEFLOW_QUEUE_PREFIX: prefix, CASEFLOW_LEADER_TTL_MS: '1500' };
    // jobs wake 5 s early and wait on a local timer: the doomed worker takes them at once and holds them
    const doomed = spawnWorker({ ...env, CASEFLOW_EARLY_WAKE_MS: '5000' });
    let survivor: ReturnType<typeof spawnWorker> | undefined;
    try {
      await workerStarted(doomed);
      const ids = await openCasesDueSoon(fx, 4, 4000);
      // the remind step has fired; the job of the overdue step is the doomed worker's
      const overdueJobsHeld = async () => {
        for (const id of ids) {
          const row = await planDueOf(fx, id);
          if (row.nextStep !== 1 || (await queue.getJobState(deadlineJobId(row.id, row.scheduleRev))) !== 'active') return false;
        }
        return true;
      };
      await waitFor(overdueJobsHeld, 10_000, 'the doomed worker to hold every overdue job');
      expect(await stopProcess(doomed, 'SIGKILL')).toBeNull();
      survivor = spawnWorker(env);
      await workerStarted(survivor);

      const fired = await waitFor(() => overdueSteps(fx, ids), 15_000, 'every overdue step');
      for (const s of fired) expect(s.at - s.scheduledFor).toBeLessThanOrEqual(BOUND_MS);
      // the dead worker's jobs are still locked (BullMQ has not handed them on): the sweep fired the steps
      expect(await queue.getActiveCount()).toBe(ids.length);
      await expectEachStepOnce(fx, ids);
      expect(survivor.output.join('')).toContain('fired an overdue step its queue job had not');
    } finally {
      if (doomed.exitCode === null && doomed.signalCode === null) await stopProcess(doomed, 'SIGKILL');
      if (survivor) await stopProcess(survivor);
    }
  });
});
