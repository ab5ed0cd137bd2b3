/**
 * Accounts over HTTP: who am I, users (admins only), tokens shown once and stored hashed, and
 * revocation (one's own, or anyone's as an admin).
 */
import { apiUser, issuedToken, tokenInfo, userList } from '../../src/api/schemas';
import { startApi, type ApiFixture } from './support/server';

describe('accounts', () => {
  let api: ApiFixture;
  beforeEach(async () => {
    api = await startApi();
  });
  afterEach(() => api.close());

  test('GET /auth/me names the caller and their role', async () => {
    const me = await api.request('GET', '/auth/me', { as: 'verifier' });
    expect(me.status).toBe(200);
    expect(apiUser.strict().parse(me.body)).toEqual(me.body);
    expect(me.body).toMatchObject({ name: 'liu.yang', role: 'verifier' });
  });

  test('an admin adds and lists users; a bad role or a taken name is refused naming the field', async () => {
    const added = await api.request('POST', '/auth/users', { as: 'admin', body: { name: 'qian.duo', role: 'verifier' } });
    expect(added.status).toBe(201);
    expect(added.body).toMatchObject({ name: 'qian.duo', role: 'verifier' });
    const listed = await api.request('GET', '/auth/users', { as: 'admin' });
    expect(userList.strict().parse(listed.body)).toEqual(listed.body);
    expect(listed.body.users.map((u: { name: string }) => u.name)).toContain('qian.duo');
    const badRole = await api.request('POST', '/auth/users', { as: 'admin', body: { name: 'x.y', role: 'system' } });
    // the deadline worker's role is caseflow's own: no account is given it
    expect(badRole.status).toBe(403);
    expect(badRole.body).toMatchObject({ code: 'ROLE_NOT_CLAIMABLE', details: { role: 'system' } });
    const unknownRole = await api.request('POST', '/auth/users', { as: 'admin', body: { name: 'x.y', role: 'wizard' } });
    expect(unknownRole.body.details.issues).toEqual([{ path: 'role', message: expect.stringContaining('"wizard" is not a user role') }]);
    const taken = await api.request('POST', '/auth/users', { as: 'admin', body: { name: 'qian.duo', role: 'verifier' } });
    expect(taken.body.details.issues).toEqual([{ path: 'name', message: 'a user named "qian.duo" already exists' }]);
    const badName = await api.request('POST', '/auth/users', { as: 'admin', body: { name: 'Robert"); DROP', role: 'verifier' } });
    expect(badName.body.details.issues[0].path).toBe('name');
  });

  test('a token is shown once, stored as a SHA-256 hash, works at once, and stops working when revoked', async () => {
    const issued = await api.request('POST', '/auth/tokens', { as: 'clerk', body: { label: 'phone' } });
    expect(issued.status).toBe(201);
    expect(issuedToken.strict().parse(issued.body)).toEqual(issued.body);
    expect(issued.body).toMatchObject({ user: 'wang.fang', label: 'phone', token: expect.stringMatching(/^cf_[A-Za-z0-9_-]{43}$/) });
    const row = (await api.store.read((tx) => tx.accounts.tokenById(issued.body.id as string)))!.token;
    expect(row.tokenHash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(await api.dump())).not.toContain(issued.body.token);

    expect((await api.request('GET', '/auth/me', { token: issued.body.token })).body.name).toBe('wang.fang');
    const revoked = await api.request('DELETE', `/auth/tokens/${issued.body.id}`, { token: issued.body.token });
    expect(revoked.status).toBe(200);
    expect(tokenInfo.strict().parse(revoked.body)).toEqual(revoked.body);
    expect(revoked.body.revokedAt).toBe(new Date(api.clock.now()).toISOString());
    expect(JSON.stringify(revoked.body)).not.toContain(issued.body.token);
    expect((await api.request('GET', '/auth/me', { token: issued.body.token })).status).toBe(401);
    // The user's other tokens still work.
    expect((await api.request('GET', '/auth/me', { as: 'clerk' })).status).toBe(200);
  });

  test('only an admin creates or revokes someone else’s token', async () => {
    const forOther = await api.request('POST', '/auth/tokens', { as: 'clerk', body: { user: 'li.wei' } });
    expect(forOther.status).toBe(403);
    expect(forOther.body.details.allowed).toEqual(['admin']);
    const byAdmin = await api.request('POST', '/auth/tokens', { as: 'admin', body: { user: 'li.wei' } });
    expect(byAdmin.status).toBe(201);
    expect(byAdmin.body.user).toBe('li.wei');
    const revokeOther = await api.request('DELETE', `/auth/tokens/${byAdmin.body.id}`, { as: 'clerk' });
    const revokeUnknown = await api.request('DELETE', '/auth/tokens/tok_nope', { as: 'clerk' });
    // someone else's token answers exactly as an unknown id: a non-admin cannot tell which token ids exist
    expect(revokeOther.status).toBe(404);
    expect(revokeOther.body).toEqual(JSON.parse(JSON.stringify(revokeUnknown.body).replaceAll('tok_nope', byAdmin.body.id)));
    expect((await api.request('GET', '/auth/me', { token: byAdmin.body.token })).status).toBe(200);
    expect((await api.request('DELETE', `/auth/tokens/${byAdmin.body.id}`, { as: 'admin' })).status).toBe(200);
    const missing = await api.request('DELETE', '/auth/tokens/tok_nope', { as: 'admin' });
    expect(missing.status).toBe(404);
    const nobody = await api.request('POST', '/auth/tokens', { as: 'admin', body: { user: 'nobody' } });
    expect({ status: nobody.status, code: nobody.body.code }).toEqual({ status: 404, code: 'NOT_FOUND' });
  });

  test('a disabled user’s tokens stop working', async () => {
    expect((await api.request('GET', '/auth/me', { as: 'liaison' })).status).toBe(200);
    await api.accounts.disableUser('zhou.min');
    const refused = await api.request('GET', '/auth/me', { as: 'liaison' });
    expect({ status: refused.status, reason: refused.body.details.reason }).toEqual({ status: 401, reason: 'invalid' });
  });
});
