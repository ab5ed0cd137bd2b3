/**
 * Operating the API server: GET /healthz and GET /readyz answer without a token, are never rate
 * limited and log their request lines at debug only; /readyz says which check failed, in the one
 * error shape; GET /metrics (admins) shows request latencies by route template.
 */
import { Writable } from 'node:stream';
import os from 'node:os';
import { createApiLogger } from '../../src/api/logging';
import { jsonLogger } from '../../src/logger';
import { METRIC } from '../../src/metrics';
import { publicClue, startApi, type ApiFixture } from './support/server';

const entries = (api: ApiFixture) =>
  api
    .log()
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as Record<string, unknown>);

describe('health, readiness and metrics on the API server', () => {
  let api: ApiFixture;
  beforeEach(async () => {
    api = await startApi({ intakeMax: 1, receiptMax: 1 });
  });
  afterEach(() => api.close());

  test('GET /healthz: 200 {status: ok}, no token needed', async () => {
    const reply = await api.request('GET', '/healthz');
    expect(reply.status).toBe(200);
    expect(reply.body).toEqual({ status: 'ok' });
  });

  test('GET /readyz: 200 when the database answers; the migrations are reported as applied on open', async () => {
    const reply = await api.request('GET', '/readyz');
    expect(reply.status).toBe(200);
    expect(reply.body).toEqual({
      status: 'ready',
      checks: { database: { status: 'ok' }, migrations: { status: 'ok', note: expect.stringContaining('applied when the store was opened') } },
    });
  });

  test('GET /readyz: 503 NOT_READY naming the database when it does not answer, while /healthz stays 200', async () => {
    await api.store.close();
    const reply = await api.request('GET', '/readyz');
    expect(reply.status).toBe(503);
    expect(reply.body).toEqual({
      code: 'NOT_READY',
      message: expect.stringContaining('database failed'),
      details: { failed: ['database'], checks: { database: { status: 'failed' }, migrations: { status: 'ok', note: expect.any(String) } } },
    });
    expect((await api.request('GET', '/healthz')).status).toBe(200);
    // the driver's message goes to the log (once), not to the public answer
    await api.request('GET', '/readyz');
    const notReady = entries(api).filter((e) => e.msg === 'not ready');
    expect(notReady).toHaveLength(1);
    expect(notReady[0]).toMatchObject({ level: 40, failed: ['database'], errors: { database: expect.any(String) } });
  });

  test('probes are not rate limited, and their request lines are at debug, not info', async () => {
    for (let i = 0; i < 5; i++) {
      expect((await api.request('GET', '/healthz')).status).toBe(200);
      expect((await api.request('GET', '/readyz')).status).toBe(200);
    }
    expect((await api.request('GET', '/metrics', { as: 'admin' })).status).toBe(200);
    const probeLines = entries(api).filter((e) => ['/healthz', '/readyz', '/metrics'].includes(e.path as string));
    expect(probeLines.length).toBeGreaterThanOrEqual(22);
    expect(new Set(probeLines.map((e) => e.level))).toEqual(new Set([20]));
    // an ordinary request still logs at info
    await api.request('GET', '/cases', { as: 'clerk' });
    expect(entries(api).find((e) => e.path === '/cases' && e.msg === 'request completed')).toMatchObject({ level: 30 });
  });

  test('GET /metrics needs an admin token', async () => {
    expect((await api.request('GET', '/metrics')).body.code).toBe('UNAUTHENTICATED');
    const clerk = await api.request('GET', '/metrics', { as: 'clerk' });
    expect(clerk.status).toBe(403);
    expect(clerk.body.details.allowed).toEqual(['admin']);
  });

  test('GET /metrics: request latency by route template, method and status; probes and unknown paths do not add routes', async () => {
    const filed = await api.request('POST', '/public/clues', { body: publicClue() });
    expect(filed.status).toBe(201);
    expect((await api.request('POST', '/public/clues', { body: publicClue() })).status).toBe(429);
    const caseId = (await api.engine.listCases()).cases[0]!.id;
    await api.request('GET', `/cases/${caseId}`, { as: 'supervisor' });
    await api.request('GET', '/no/such/path/12345');
    await api.request('GET', '/healthz');
    const reply = await api.request('GET', '/metrics', { as: 'admin' });
    expect(reply.status).toBe(200);
    expect(reply.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = reply.body as string;
    const count = (labels: string) => new RegExp(`^${METRIC.httpDuration}_count\\{${labels}\\} (\\d+)$`, 'm').exec(text)?.[1];
    expect(count('route="/public/clues",method="POST",status="201"')).toBe('1');
    expect(count('route="/public/clues",method="POST",status="429"')).toBe('1');
    expect(count('route="/cases/:id",method="GET",status="200"')).toBe('1');
    expect(count('route="\\(unmatched\\)",method="GET",status="404"')).toBe('1');
    expect(text).not.toContain(caseId);
    expect(text).not.toContain('12345');
    expect(text).not.toMatch(/route="\/(healthz|readyz|metrics)"/);
    // the outbox backlog is read on scrape; Node's own metrics are on the same registry
    expect(text).toMatch(/^caseflow_outbox_backlog \d+$/m);
    expect(text).toMatch(/^process_cpu_user_seconds_total /m);
  });
});

describe('every log line names its process and host', () => {
  test('the API logger and the JSON logger add pid and hostname', () => {
    const lines: string[] = [];
    const stream = new Writable({ write: (chunk: Buffer, _enc, done) => (lines.push(chunk.toString()), done()) });
    createApiLogger({ stream }).info('from the api');
    jsonLogger(stream, { service: 'caseflow-worker' }).info('from a worker', { step: 'blue' });
    const [api, worker] = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(api).toMatchObject({ pid: process.pid, hostname: os.hostname(), service: 'caseflow-api', msg: 'from the api' });
    expect(worker).toMatchObject({ pid: process.pid, hostname: os.hostname(), service: 'caseflow-worker', message: 'from a worker', step: 'blue' });
  });
});
