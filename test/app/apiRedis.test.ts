/**
 * API servers that share Redis (composeApi with `redis`): the public routes' rate limits are
 * counted there, so two servers behind one load balancer give a client one limit, not two; and
 * /readyz PINGs it, naming redis when it does not answer.
 */
import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { composeApi } from '../../app/compose';
import { createApiLogger } from '../../src/api/logging';
import { publicClue } from '../api/support/server';
import { engineFixture, type EngineFixture } from '../support/engine';
import { REDIS_URL } from '../support/workers';

const quiet = () => createApiLogger({ stream: { write: () => undefined } });

describe('API servers on one Redis', () => {
  let fixture: EngineFixture;
  const servers: FastifyInstance[] = [];
  const serve = async (options: Parameters<typeof composeApi>[1]): Promise<string> => {
    const server = await composeApi(fixture.cf, options);
    servers.push(server);
    return server.listen({ port: 0, host: '127.0.0.1' });
  };
  beforeEach(async () => {
    fixture = await engineFixture();
  });
  afterEach(async () => {
    for (const server of servers.splice(0)) await server.close();
    await fixture.cleanup();
  });

  const file = (url: string) => fetch(`${url}/public/clues`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(publicClue()) });

  test('share the public intake limit: with intakeMax 2, a third clue filed on the second server is 429', async () => {
    const redis = { url: REDIS_URL, prefix: `cftest-${randomUUID()}` };
    const limits = { intakeMax: 2, windowMs: 60_000 };
    const first = await serve({ logger: quiet(), limits, redis });
    const second = await serve({ logger: quiet(), limits, redis });
    expect((await file(first)).status).toBe(201);
    expect((await file(second)).status).toBe(201);
    const third = await file(second);
    expect(third.status).toBe(429);
    expect(await third.json()).toEqual({ code: 'RATE_LIMITED', message: expect.stringContaining('Too many requests'), details: { limit: 2, retryAfterMs: expect.any(Number) } });
    expect((await file(first)).status).toBe(429);
    expect((await fixture.engine.listCases()).cases).toHaveLength(2);
  });

  test('without Redis each server counts on its own', async () => {
    const limits = { intakeMax: 1, windowMs: 60_000 };
    const first = await serve({ logger: quiet(), limits });
    const second = await serve({ logger: quiet(), limits });
    expect([(await file(first)).status, (await file(second)).status, (await file(second)).status]).toEqual([201, 201, 429]);
  });

  test('/readyz PINGs Redis: 200 with redis ok; 503 NOT_READY naming redis when it does not answer, and the public routes still serve', async () => {
    const up = await serve({ logger: quiet(), redis: { url: REDIS_URL, prefix: `cftest-${randomUUID()}` } });
    const ready = await fetch(`${up}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: 'ready', checks: { database: { status: 'ok' }, redis: { status: 'ok' }, migrations: { status: 'ok' } } });

    const lines: string[] = [];
    const down = await serve({ logger: createApiLogger({ stream: { write: (line: string) => void lines.push(line) } }), redis: { url: 'redis://127.0.0.1:1' } });
    const notReady = await fetch(`${down}/readyz`);
    expect(notReady.status).toBe(503);
    const body = (await notReady.json()) as Record<string, unknown>;
    expect(body).toEqual({
      code: 'NOT_READY',
      message: expect.stringContaining('redis failed'),
      details: { failed: ['redis'], checks: { database: { status: 'ok' }, redis: { status: 'failed' }, migrations: { status: 'ok', note: expect.any(String) } } },
    });
    expect(JSON.stringify(body)).not.toContain('127.0.0.1');
    // Redis away: the limit is not enforced rather than every public request refused
    expect((await file(down)).status).toBe(201);
    const logged = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(logged.filter((e) => e.msg === 'redis (rate limits) unavailable')).toHaveLength(1);
    expect(logged.find((e) => e.msg === 'not ready')).toMatchObject({ failed: ['redis'], errors: { redis: expect.any(String) } });
  });
});
