import { Redis } from 'ioredis';
import { ScaledClock } from '../../src/clock';
import { startPrivateRedis } from '../../app/redisProbe';
import { wakeUpOf } from '../../workers/dispatcher';
import type { Workers } from '../../workers/runner';
import { AIRED_AT, criticism, engineFixture, liaison, supervisor, type EngineFixture } from '../support/engine';
import { startTestWorkers, stepsLogged, waitFor } from '../support/workers';

// Each test runs its own redis-server, so FLUSHALL and a stopped server touch nobody else.
// Half a case-hour per real second: the plan deadline (20:00 → 21:00) takes two seconds.
const RATE = 1800;

async function openCases(fx: EngineFixture, n: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < n; i += 1) {
    const { id } = await fx.engine.createCase({ type: 'rectification', input: criticism(`Unit ${i}`), actor: supervisor });
    await fx.engine.applyEvent(id, { type: 'NOTIFY_UNIT', liaisonId: liaison.id }, supervisor);
    ids.push(id);
  }
  return ids;
}

const stepsOf = (fx: EngineFixture, caseId: string): Promise<string[]> => stepsLogged(fx.cf, caseId);

/** The logged steps of every case, in the order of `ids`. */
const stepsOfAll = (fx: EngineFixture, ids: readonly string[]): Promise<string[][]> => Promise.all(ids.map((id) => stepsOf(fx, id)));

describe('a lost Redis loses no deadline', () => {
  let fx: EngineFixture;
  let workers: Workers | undefined;
  let server: Awaited<ReturnType<typeof startPrivateRedis>> | undefined;
  afterEach(async () => {
    await workers?.close();
    workers = undefined;
    await server?.stop();
    server = undefined;
    await fx.cleanup();
  });

  it('FLUSHALL with deadlines pending, then the workers restart: every deadline still fires, each step once', async () => {
    server = await startPrivateRedis();
    const clock = new ScaledClock(Date.parse(AIRED_AT), RATE);
    fx = await engineFixture({ clock });
    workers = await startTestWorkers(fx.cf, { redisUrl: server.url, consume: false });
    clock.restart();
    const ids = await openCases(fx, 5);
    // the five plan deadlines' wake-ups are in Redis and none is left in the outbox (on PostgreSQL the
    // dispatcher may also have sent the notification deadlines' before NOTIFY_UNIT closed them)
    await waitFor(
      async () => {
        const jobs = await workers!.queue.getJobs(['delayed', 'waiting']);
        const planDue = jobs.filter((job) => wakeUpOf(job).deadlineId.includes('~rectificationPlanDue~'));
        return planDue.length === 5 && (await fx.store.read((tx) => tx.outbox.pending('', 100))).length === 0;
      },
      5000,
      'five wake-ups in Redis',
    );
    await workers.close();
    const admin = new Redis(server.url);
    await admin.flushall();
    admin.disconnect();

    workers = await startTestWorkers(fx.cf, { redisUrl: server.url });
    await waitFor(async () => (await stepsOfAll(fx, ids)).every((steps) => steps.length === 3), 15_000, 'every ladder to finish');
    for (const id of ids) expect(await stepsOf(fx, id)).toEqual(['remind', 'overdue', 'escalate']);
  });

  it('Redis down while caseworkers act: nothing is refused, and every deadline is scheduled once Redis is back', async () => {
    server = await startPrivateRedis();
    const port = Number(new URL(server.url).port);
    const clock = new ScaledClock(Date.parse(AIRED_AT), RATE);
    fx = await engineFixture({ clock });
    workers = await startTestWorkers(fx.cf, { redisUrl: server.url, reconcileIntervalMs: 300 });
    await server.stop();
    clock.restart();

    const ids = await openCases(fx, 4);
    expect((await Promise.all(ids.map((id) => fx.engine.getCase(id)))).every((c) => c.state === 'planDue')).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await stepsOfAll(fx, ids)).toEqual(ids.map(() => []));

    server = await startPrivateRedis(port);
    await waitFor(async () => (await stepsOfAll(fx, ids)).every((steps) => steps.includes('overdue')), 15_000, 'every overdue step');
    for (const id of ids) expect((await stepsOf(fx, id)).slice(0, 2)).toEqual(['remind', 'overdue']);
  });
});
