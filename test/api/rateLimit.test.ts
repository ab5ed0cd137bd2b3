/**
 * The public routes are rate-limited per client address: past the limit, 429 RATE_LIMITED in the
 * one error shape with Retry-After, and nothing stored. Caseworker routes are not limited this way.
 */
import { publicClue, startApi, type ApiFixture } from './support/server';

describe('rate limits on the public routes', () => {
  let api: ApiFixture;
  beforeEach(async () => {
    api = await startApi({ intakeMax: 3, receiptMax: 4, windowMs: 60_000 });
  });
  afterEach(() => api.close());

  test('filing clues: the fourth within the window gets 429 and is not stored', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) statuses.push((await api.request('POST', '/public/clues', { body: publicClue() })).status);
    expect(statuses).toEqual([201, 201, 201]);
    const before = await api.dump();
    const limited = await api.request('POST', '/public/clues', { body: publicClue() });
    expect(limited.status).toBe(429);
    expect(limited.body).toEqual({
      code: 'RATE_LIMITED',
      message: expect.stringContaining('Too many requests'),
      details: { limit: 3, retryAfterMs: expect.any(Number) },
    });
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await api.dump()).toEqual(before);
  });

  test('receipt lookups are limited too, so codes cannot be tried in bulk', async () => {
    const headers = { 'x-receipt-code': 'ABCD-EFGH-JKMN-PQRS-TVWX-YZ01-2345-6789' };
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await api.request('GET', '/public/clues/status', { headers })).status);
    expect(statuses).toEqual([404, 404, 404, 404, 429]);
  });

  test('caseworker routes are not limited by the public limits', async () => {
    for (let i = 0; i < 10; i++) expect((await api.request('GET', '/cases', { as: 'clerk' })).status).toBe(200);
  });
});
