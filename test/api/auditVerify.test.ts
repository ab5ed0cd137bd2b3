import { GENESIS } from '../../db/chain';
import { criticism, supervisor } from '../support/engine';
import { startApi, type ApiFixture } from './support/server';

describe('GET /audit/verify: admins check the hash-chained case log over HTTP', () => {
  let api: ApiFixture;
  beforeEach(async () => {
    api = await startApi();
  });
  afterEach(() => api.close());

  test('an admin sees every chain hold, then the first broken link of a case whose log was forged', async () => {
    const good = await api.engine.createCase({ type: 'rectification', input: criticism(), actor: supervisor });
    const forgedCase = await api.engine.createCase({ type: 'rectification', input: criticism('Water Bureau'), actor: supervisor });
    expect(await api.request('GET', '/audit/verify', { as: 'admin' })).toMatchObject({ status: 200, body: { ok: true, cases: 2, events: 2, breaks: [] } });

    // a row appended past the writer, its link made up
    const id = await api.store.withTransaction((tx) =>
      tx.events.append({
        caseId: forgedCase.id,
        version: 1,
        kind: 'transition',
        type: 'DEADLINE_MISSED',
        actorId: 'mallory',
        actorRole: 'system',
        at: api.clock.now(),
        payload: '{}',
        fromState: null,
        toState: null,
        seq: 2,
        prevHash: GENESIS,
        hash: 'f'.repeat(64),
      }),
    );
    const all = await api.request('GET', '/audit/verify', { as: 'admin' });
    expect(all).toMatchObject({ status: 200, body: { ok: false, cases: 2, events: 3 } });
    expect(all.body.breaks).toEqual([{ caseId: forgedCase.id, reason: 'edited', eventId: id, seq: 2, message: expect.stringContaining('no longer matches its hash') }]);
    expect(await api.request('GET', `/audit/verify?caseId=${good.id}`, { as: 'admin' })).toMatchObject({ status: 200, body: { ok: true, cases: 1, events: 1 } });
  });

  test('only admins may verify; an unknown case is 404 in the one error shape', async () => {
    const denied = await api.request('GET', '/audit/verify', { as: 'supervisor' });
    expect(denied).toMatchObject({ status: 403, body: { code: 'FORBIDDEN_ROLE', message: expect.any(String), details: expect.any(Object) } });
    expect(await api.request('GET', '/audit/verify')).toMatchObject({ status: 401, body: { code: 'UNAUTHENTICATED' } });
    expect(await api.request('GET', '/audit/verify?caseId=RC-NONE', { as: 'admin' })).toMatchObject({ status: 404, body: { code: 'CASE_NOT_FOUND' } });
    expect(await api.request('GET', '/audit/verify?case=RC-1', { as: 'admin' })).toMatchObject({ status: 400, body: { code: 'INVALID_PAYLOAD' } });
  });
});
