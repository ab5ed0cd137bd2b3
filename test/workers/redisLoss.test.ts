import { Redis } from 'ioredis';
import { eq } from 'drizzle-orm';
import { caseEvents } from '../../db/schema';
import { ScaledClock } from '../../src/clock';
import { startPrivateRedis } from '../../src/redisProbe';
import type { Workers } from '../../workers/runner';
import { AIRED_AT, criticism, engineFixture, liaison, supervisor, type EngineFixture } from '../support/engine';
import { startTestWorkers, waitFor } from '../support/workers';

// Each test runs its own redis-server, so FLUSHALL and a stopped server touch nobody else.
// Half a case-hour per real second: the plan deadline (20:00 → 21:00) takes two seconds.
const RATE = 1800;

function openCases(fx: EngineFixture, n: number): string[] {
  return Array.from({ length: n }, (_, i) => {
    const id = fx.engine.createCase({ type: 'rectification', input: criticism(`Unit ${i}`), actor: supervisor }).id;
    fx.engine.applyEvent(id, { type: 'NOTIFY_UNIT', liaisonId: liaison.id }, supervisor);
    return id;
  });
}

const stepsOf = (fx: EngineFixture, caseId: string) =>
  fx.db
    .select()
    .from(caseEvents)
    .where(eq(caseEvents.caseId, caseId))
    .all()
    .filter((e) => e.kind === 'deadlineStep')
    .map((e) => (JSON.parse(e.payload) as { step: string }).step);

describe('a lost Redis loses no deadline', () => {
  let fx: EngineFixture;
  let workers: Workers | undefined;
  let server: Awaited<ReturnType<typeof startPrivateRedis>> | undefined;
  afterEach(async () => {
    await workers?.close();
    workers = undefined;
    await server?.stop();
    server = undefined;
    fx.cleanup();
  });

  it('FLUSHALL with deadlines pending, then the workers restart: every deadline still fires, each step once', async () => {
    server = await startPrivateRedis();
    const clock = new ScaledClock(Date.parse(AIRED_AT), RATE);
    fx = engineFixture({ clock });
    workers = await startTestWorkers({ db: fx.db, engine: fx.engine, clock }, { redisUrl: server.url, consume: false });
    clock.restart();
    const ids = openCases(fx, 5);
    await waitFor(async () => (await workers!.queue.getJobCountByTypes('delayed', 'waiting')) === 5, 5000, 'five wake-ups in Redis');
    await workers.close();
    const admin = new Redis(server.url);
    await admin.flushall();
    admin.disconnect();

    workers = await startTestWorkers({ db: fx.db, engine: fx.engine, clock }, { redisUrl: server.url });
    await waitFor(() => ids.every((id) => stepsOf(fx, id).length === 3), 15_000, 'every ladder to finish');
    for (const id of ids) expect(stepsOf(fx, id)).toEqual(['remind', 'overdue', 'escalate']);
  });

  it('Redis down while caseworkers act: nothing is refused, and every deadline is scheduled once Redis is back', async () => {
    server = await startPrivateRedis();
    const port = Number(new URL(server.url).port);
    const clock = new ScaledClock(Date.parse(AIRED_AT), RATE);
    fx = engineFixture({ clock });
    workers = await startTestWorkers({ db: fx.db, engine: fx.engine, clock }, { redisUrl: server.url, reconcileIntervalMs: 300 });
    await server.stop();
    clock.restart();

    const ids = openCases(fx, 4);
    expect(ids.every((id) => fx.engine.getCase(id).state === 'planDue')).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(ids.map((id) => stepsOf(fx, id))).toEqual(ids.map(() => []));

    server = await startPrivateRedis(port);
    await waitFor(() => ids.every((id) => stepsOf(fx, id).includes('overdue')), 15_000, 'every overdue step');
    for (const id of ids) expect(stepsOf(fx, id).slice(0, 2)).toEqual(['remind', 'overdue']);
  });
});
