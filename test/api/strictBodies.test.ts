/**
 * The body and query are read strictly: invalid UTF-8, a key repeated in one object, U+0000 in text
 * and numbers not written in decimal digits are refused with a 400 naming the problem, in caseflow's
 * one shape, and nothing is stored.
 */
import { AIRED_AT } from '../support/engine';
import { startApi, type ApiFixture } from './support/server';

describe('strict request bodies and numbers', () => {
  let api: ApiFixture;
  beforeEach(async () => {
    api = await startApi();
  });
  afterEach(() => api.close());

  const rectification = (unit: string) => JSON.stringify({ type: 'rectification', input: { unit, report: 'Seeing: stamps take weeks', airedAt: AIRED_AT } });
  const refused = (message: string) => ({ status: 400, body: { code: 'INVALID_PAYLOAD', message: expect.any(String), details: { issues: [{ path: 'body', message }] } } });

  test('invalid UTF-8 is refused, never stored with U+FFFD', async () => {
    const before = await api.dump();
    const bytes = Buffer.concat([Buffer.from(rectification('Housing Bureau ').slice(0, 40)), Buffer.from([0xc3, 0x28]), Buffer.from(rectification('x').slice(40))]);
    const response = await fetch(`${api.url}/cases`, { method: 'POST', headers: { authorization: `Bearer ${api.tokens.supervisor}`, 'content-type': 'application/json' }, body: bytes });
    expect({ status: response.status, body: (await response.json()) }).toMatchObject(refused('the body is not valid UTF-8'));
    expect(await api.dump()).toEqual(before);
  });

  test('a key repeated in one object is refused; the same key in different objects is fine', async () => {
    const before = await api.dump();
    const twice = `{"type":"rectification","input":{"unit":"Housing Bureau","unit":"Water Bureau","report":"r","airedAt":"${AIRED_AT}"}}`;
    expect(await api.request('POST', '/cases', { as: 'supervisor', rawBody: twice })).toMatchObject(refused('the key "unit" appears twice in one object'));
    const escaped = `{"type":"rectification","\\u0074ype":"clue","input":{}}`;
    expect(await api.request('POST', '/cases', { as: 'supervisor', rawBody: escaped })).toMatchObject(refused('the key "type" appears twice in one object'));
    expect(await api.dump()).toEqual(before);
    const nested = `{"type":"rectification","input":{"unit":"Housing Bureau","report":"r","airedAt":"${AIRED_AT}"}}`;
    expect((await api.request('POST', '/cases', { as: 'supervisor', rawBody: nested })).status).toBe(201);
  });

  test('U+0000 in any text is refused', async () => {
    const before = await api.dump();
    expect(await api.request('POST', '/cases', { as: 'supervisor', rawBody: rectification('Housing\u0000Bureau') })).toMatchObject(refused('text must not contain the NUL character (U+0000)'));
    expect(await api.dump()).toEqual(before);
  });

  test('a limit must be written in decimal digits', async () => {
    for (const limit of ['0x10', '1e1', '0b11', '%2010', '16.0']) {
      const answer = await api.request('GET', `/cases?limit=${limit}`, { as: 'supervisor' });
      expect(answer).toMatchObject({ status: 400, body: { code: 'INVALID_PAYLOAD', details: { issues: [{ path: 'query.limit', message: 'must be a whole number in decimal digits' }] } } });
    }
    expect(await api.request('GET', '/cases?limit=16', { as: 'supervisor' })).toMatchObject({ status: 200 });
    expect(await api.request('GET', '/cases?limit=0', { as: 'supervisor' })).toMatchObject({ status: 400, body: { details: { issues: [{ path: 'query.limit', message: 'must be at least 1' }] } } });
  });
});
