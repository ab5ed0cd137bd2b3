/**
 * The event bus across processes, on real Redis: two buses on one channel stand for two processes.
 * A signal reaches the other bus's listeners once and its own bus's listeners once (at once, not
 * back from Redis); a closed bus hears nothing more; with Redis away, publishing logs and still
 * delivers locally.
 */
import { randomUUID } from 'node:crypto';
import { connectRedisEventBus, type RedisEventBus } from '../../app/redisEventBus';
import type { CaseflowSignal } from '../../src/bus';
import type { Logger } from '../../src/logger';
import { REDIS_URL, waitFor } from '../support/workers';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A logger that keeps what it is given. */
function capturingLogger(): Logger & { lines: { level: string; message: string; fields?: Record<string, unknown> }[] } {
  const lines: { level: string; message: string; fields?: Record<string, unknown> }[] = [];
  const at = (level: string) => (message: string, fields?: Record<string, unknown>) => void lines.push({ level, message, ...(fields ? { fields } : {}) });
  return { lines, info: at('info'), warn: at('warn'), error: at('error') };
}

describe('RedisEventBus', () => {
  const opened: RedisEventBus[] = [];
  let prefix: string;
  const open = async (options: { url?: string; logger?: Logger } = {}) => {
    const bus = await connectRedisEventBus(options.url ?? REDIS_URL, { prefix, ...(options.logger ? { logger: options.logger } : {}) });
    opened.push(bus);
    return bus;
  };
  beforeEach(() => {
    prefix = `cftest-${randomUUID()}`;
  });
  afterEach(async () => {
    for (const bus of opened.splice(0)) await bus.close();
  });

  test('a signal published on one bus reaches the other’s listeners once, and its own listeners once, at once', async () => {
    const api = await open();
    const worker = await open();
    expect(api.channel).toBe(`${prefix}:signals`);
    const heardByWorker: CaseflowSignal[] = [];
    const heardByApi: CaseflowSignal[] = [];
    worker.subscribe((s) => heardByWorker.push(s));
    api.subscribe((s) => heardByApi.push(s));

    api.publish({ kind: 'caseChanged', caseId: 'CL-1' });
    api.publish({ kind: 'deadlinesChanged' });
    // local delivery is synchronous, as with LocalEventBus
    expect(heardByApi).toEqual([{ kind: 'caseChanged', caseId: 'CL-1' }, { kind: 'deadlinesChanged' }]);
    await waitFor(() => heardByWorker.length === 2, 5000, 'the other bus to hear both signals');
    worker.publish({ kind: 'notificationsQueued' });
    await waitFor(() => heardByApi.length === 3, 5000, 'the signal back');
    await sleep(200); // time for any duplicate to arrive
    expect(heardByWorker).toEqual([{ kind: 'caseChanged', caseId: 'CL-1' }, { kind: 'deadlinesChanged' }, { kind: 'notificationsQueued' }]);
    expect(heardByApi).toEqual([{ kind: 'caseChanged', caseId: 'CL-1' }, { kind: 'deadlinesChanged' }, { kind: 'notificationsQueued' }]);
  });

  test('buses on another prefix hear nothing; messages that are not signals are ignored', async () => {
    const a = await open();
    const b = await open();
    const stranger = await connectRedisEventBus(REDIS_URL, { prefix: `${prefix}-other` });
    opened.push(stranger);
    const heard: CaseflowSignal[] = [];
    const strangerHeard: CaseflowSignal[] = [];
    b.subscribe((s) => heard.push(s));
    stranger.subscribe((s) => strangerHeard.push(s));
    const { Redis } = await import('ioredis');
    const raw = new Redis(REDIS_URL);
    try {
      await raw.publish(a.channel, 'not json');
      await raw.publish(a.channel, JSON.stringify({ origin: 'x', signal: { kind: 'dropTables' } }));
      await raw.publish(a.channel, JSON.stringify({ origin: 'x', signal: { kind: 'caseChanged', caseId: 42 } }));
    } finally {
      raw.disconnect();
    }
    a.publish({ kind: 'deadlinesChanged' });
    await waitFor(() => heard.length === 1, 5000, 'the signal');
    await sleep(100);
    expect(heard).toEqual([{ kind: 'deadlinesChanged' }]);
    expect(strangerHeard).toEqual([]);
  });

  test('closing a bus stops its listeners hearing other processes; the unsubscribe function stops one listener', async () => {
    const a = await open();
    const b = await open();
    const c = await open();
    const heardByB: CaseflowSignal[] = [];
    const heardByC: CaseflowSignal[] = [];
    b.subscribe((s) => heardByB.push(s));
    const stop = c.subscribe((s) => heardByC.push(s));
    a.publish({ kind: 'deadlinesChanged' });
    await waitFor(() => heardByB.length === 1 && heardByC.length === 1, 5000, 'both to hear the first signal');

    await b.close();
    stop();
    const d = await open();
    const heardByD: CaseflowSignal[] = [];
    d.subscribe((s) => heardByD.push(s));
    a.publish({ kind: 'notificationsQueued' });
    await waitFor(() => heardByD.length === 1, 5000, 'a live bus to hear the second signal');
    await sleep(100);
    expect(heardByB).toEqual([{ kind: 'deadlinesChanged' }]);
    expect(heardByC).toEqual([{ kind: 'deadlinesChanged' }]);
    // a closed bus still delivers its own signals locally, and does not throw
    b.publish({ kind: 'caseChanged', caseId: 'CL-2' });
    expect(heardByB).toEqual([{ kind: 'deadlinesChanged' }, { kind: 'caseChanged', caseId: 'CL-2' }]);
  });

  test('Redis away: connecting does not hang, publishing does not throw and is logged once, and local listeners still hear it', async () => {
    const logger = capturingLogger();
    const started = Date.now();
    const bus = await open({ url: 'redis://127.0.0.1:1', logger });
    expect(Date.now() - started).toBeLessThan(2000);
    const heard: CaseflowSignal[] = [];
    bus.subscribe((s) => heard.push(s));
    expect(() => bus.publish({ kind: 'deadlinesChanged' })).not.toThrow();
    bus.publish({ kind: 'notificationsQueued' });
    expect(heard).toEqual([{ kind: 'deadlinesChanged' }, { kind: 'notificationsQueued' }]);
    await waitFor(() => logger.lines.some((l) => l.message.startsWith('a signal did not reach')), 5000, 'the failure to be logged');
    await sleep(100);
    expect(logger.lines.filter((l) => l.message.startsWith('a signal did not reach'))).toEqual([
      { level: 'warn', message: expect.stringContaining('next poll'), fields: { kind: 'deadlinesChanged', error: expect.any(String) } },
    ]);
  });

  test('a listener that throws does not stop the others, and is logged', async () => {
    const logger = capturingLogger();
    const a = await open();
    const b = await open({ logger });
    const heard: CaseflowSignal[] = [];
    b.subscribe(() => {
      throw new Error('listener bug');
    });
    b.subscribe((s) => heard.push(s));
    a.publish({ kind: 'deadlinesChanged' });
    await waitFor(() => heard.length === 1, 5000, 'the second listener');
    expect(logger.lines).toContainEqual({ level: 'error', message: 'a signal listener failed', fields: { error: 'Error: listener bug' } });
  });
});
