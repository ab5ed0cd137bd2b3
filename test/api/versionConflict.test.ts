/**
 * Optimistic concurrency over HTTP: an event sent with a stale expectedVersion answers 409
 * VERSION_CONFLICT with both versions and stores nothing; of simultaneous sends at the same
 * version exactly one wins.
 */
import { clueInput, startApi, type ApiFixture } from './support/server';

describe('version conflicts', () => {
  let api: ApiFixture;
  let id: string;
  beforeEach(async () => {
    api = await startApi();
    id = (await api.request('POST', '/cases', { as: 'clerk', body: { type: 'clue', input: clueInput() } })).body.id as string;
  });
  afterEach(() => api.close());

  const register = (expectedVersion: number, clueNumber = 'XS-2026-0001') =>
    api.request('POST', `/cases/${id}/events`, { as: 'clerk', body: { type: 'REGISTER', payload: { clueNumber, handlerId: 'wang.fang' }, expectedVersion } });

  test('a stale version: 409 with the version sent and the version now, nothing stored', async () => {
    const read = await api.request('GET', `/cases/${id}`, { as: 'clerk' });
    expect((await register(read.body.version)).status).toBe(200);
    const before = await api.dump();
    const stale = await api.request('POST', `/cases/${id}/events`, { as: 'chair', body: { type: 'ACCEPT', payload: {}, expectedVersion: read.body.version } });
    expect(stale.status).toBe(409);
    expect(stale.body).toEqual({
      code: 'VERSION_CONFLICT',
      message: expect.stringContaining('Reload the case'),
      details: { caseId: id, expected: 1, actual: 2 },
    });
    expect(await api.dump()).toEqual(before);
  });

  test('a version from the future is a conflict too', async () => {
    const ahead = await register(7);
    expect(ahead.status).toBe(409);
    expect(ahead.body.details).toEqual({ caseId: id, expected: 7, actual: 1 });
  });

  test('of five simultaneous sends at the same version, exactly one is recorded', async () => {
    const replies = await Promise.all([1, 2, 3, 4, 5].map((n) => register(1, `XS-2026-000${n}`)));
    expect(replies.map((r) => r.status).sort()).toEqual([200, 409, 409, 409, 409]);
    expect((await api.engine.history(id)).map((e) => e.type)).toEqual(['CASE_OPENED', 'REGISTER']);
  });
});
