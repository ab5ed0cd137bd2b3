/**
 * Official ids are compared trimmed and ignoring case: user names are stored in lower case and found
 * whatever the case they are typed in, and a clue about "Chen.Jie" is the user chen.jie's own case,
 * which they may not read, list or act on — over HTTP and in the engine itself.
 */
import { CaseflowError } from '../../src/errors';
import { clueInput, sendEvent, startApi, type ApiFixture } from './support/server';

describe('official ids compared ignoring case', () => {
  let api: ApiFixture;
  beforeEach(async () => {
    api = await startApi();
  });
  afterEach(() => api.close());

  /** A clue about the conference chair (user chen.jie), with their id typed as `officialId`, registered and accepted. */
  async function clueAboutTheChair(officialId: string): Promise<string> {
    const subject = { officialId, name: 'Chen Jie', post: 'Chair', unit: 'Municipal Housing Bureau' };
    const created = await api.request('POST', '/cases', { as: 'clerk', body: { type: 'clue', input: clueInput({ subject }) } });
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    expect((await sendEvent(api, 'clerk', id, 'REGISTER', { clueNumber: 'XS-2026-0009', handlerId: 'wang.fang' })).status).toBe(200);
    expect((await sendEvent(api, 'clerk', id, 'ACCEPT')).status).toBe(200);
    return id;
  }

  test.each(['Chen.Jie', 'CHEN.JIE', ' Chen.JIE '])('the subject %p may not read the case, its history or its reporter messages', async (officialId) => {
    const id = await clueAboutTheChair(officialId);
    for (const path of [`/cases/${id}`, `/cases/${id}/history`, `/cases/${id}/reporter-messages`]) {
      const refused = await api.request('GET', path, { as: 'chair' });
      expect({ path, status: refused.status, rule: refused.body.details?.rule }).toEqual({ path, status: 403, rule: 'subjectOfCase' });
    }
    expect((await api.request('GET', `/cases/${id}`, { as: 'clerk' })).status).toBe(200);
  });

  test('a case about the caller, their id typed in capitals, is left out of their list, page after page', async () => {
    const others: string[] = [];
    for (let i = 0; i < 2; i++) {
      others.unshift((await api.request('POST', '/cases', { as: 'clerk', body: { type: 'clue', input: clueInput() } })).body.id as string);
      api.clock.advance(1000);
      await clueAboutTheChair('Chen.Jie');
      api.clock.advance(1000);
    }
    const first = await api.request('GET', '/cases?type=clue&limit=1', { as: 'chair' });
    expect(first.body.cases.map((c: { id: string }) => c.id)).toEqual([others[0]]);
    const second = await api.request('GET', `/cases?type=clue&limit=1&cursor=${first.body.nextCursor}`, { as: 'chair' });
    expect(second.body.cases.map((c: { id: string }) => c.id)).toEqual([others[1]]);
    expect((await api.request('GET', '/cases?type=clue', { as: 'clerk' })).body.cases).toHaveLength(4);
  });

  test('the subject may not send an event over HTTP: 403 naming the rule, nothing stored', async () => {
    const id = await clueAboutTheChair('Chen.Jie');
    const before = await api.dump();
    const refused = await sendEvent(api, 'chair', id, 'CHOOSE_DISPOSAL', { route: 'closedNoCase', reason: 'Nothing in it' });
    expect(refused.status).toBe(403);
    expect(refused.body.details).toEqual({ caseId: id, actorId: 'chen.jie', rule: 'subjectOfCase' });
    expect(await api.dump()).toEqual(before);
  });

  test('the engine refuses the subject whatever the case of either id, before anything else, and stores nothing', async () => {
    const id = await clueAboutTheChair('Chen.Jie');
    const before = await api.dump();
    for (const actorId of ['chen.jie', 'CHEN.JIE']) {
      let thrown: unknown;
      try {
        await api.engine.applyEvent(id, { type: 'CHOOSE_DISPOSAL', route: 'closedNoCase', reason: 'Nothing in it' }, { id: actorId, role: 'conferenceChair' }, 99);
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(CaseflowError);
      // The engine canonicalises the actor's id once, at the door: the refusal names the official as stored.
      expect((thrown as CaseflowError).details).toEqual({ caseId: id, actorId: 'chen.jie', rule: 'subjectOfCase' });
    }
    expect(await api.dump()).toEqual(before);
    // Another conference chair may.
    expect((await api.engine.applyEvent(id, { type: 'CHOOSE_DISPOSAL', route: 'closedNoCase', reason: 'Nothing in it' }, { id: 'qian.duo', role: 'conferenceChair' })).case.version).toBe(4);
  });

  test('user names are stored trimmed and in lower case, are unique whatever their case, and are found in any case', async () => {
    expect((await api.accounts.addUser('  Qian.Duo ', 'verifier')).name).toBe('qian.duo');
    const taken = await api.request('POST', '/auth/users', { as: 'admin', body: { name: 'QIAN.DUO', role: 'verifier' } });
    expect(taken.status).toBe(400);
    expect(taken.body.details.issues).toEqual([{ path: 'name', message: 'a user named "qian.duo" already exists' }]);
    const added = await api.request('POST', '/auth/users', { as: 'admin', body: { name: 'Sun.Hao', role: 'verifier' } });
    expect(added.body).toMatchObject({ name: 'sun.hao' });
    expect((await api.accounts.user('SUN.HAO')).name).toBe('sun.hao');
    const token = await api.request('POST', '/auth/tokens', { as: 'admin', body: { user: 'Qian.Duo' } });
    expect(token.status).toBe(201);
    expect(token.body.user).toBe('qian.duo');
    expect((await api.request('GET', '/auth/me', { token: token.body.token })).body.name).toBe('qian.duo');
  });

  test('a user creating a token for themselves is not "someone else" because of the case of their name', async () => {
    const own = await api.request('POST', '/auth/tokens', { as: 'clerk', body: { user: 'Wang.Fang' } });
    expect(own.status).toBe(201);
    expect(own.body.user).toBe('wang.fang');
  });
});
