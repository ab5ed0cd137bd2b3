/**
 * A unit liaison reads only the rectifications assigned to them (the liaison the unit was notified
 * through). Every other case — a clue, a self-recommendation, another unit's rectification, one not
 * yet notified — answers exactly as a case that does not exist, on every route that reads a case,
 * and is never listed. Other readers are not affected.
 */
import { CaseNotFoundError } from '../../src/errors';
import { clueInput, rectificationInput, selfRecommendationInput, sendEvent, startApi, type ApiFixture } from './support/server';

describe('what a unit liaison may read', () => {
  let api: ApiFixture;
  beforeEach(async () => {
    api = await startApi();
  });
  afterEach(() => api.close());

  const open = async (as: 'clerk' | 'supervisor' | 'od', type: string, input: unknown): Promise<string> => {
    const created = await api.request('POST', '/cases', { as, body: { type, input } });
    expect(created.status).toBe(201);
    api.clock.advance(1000);
    return created.body.id as string;
  };

  /** A rectification of `unit`, notified through `liaisonId` unless it is null. */
  const rectification = async (liaisonId: string | null, unit = 'Municipal Housing Bureau'): Promise<string> => {
    const id = await open('supervisor', 'rectification', { ...rectificationInput(), unit });
    if (liaisonId !== null) expect((await sendEvent(api, 'supervisor', id, 'NOTIFY_UNIT', { liaisonId })).status).toBe(200);
    return id;
  };

  const listed = async (query = ''): Promise<string[]> => {
    const reply = await api.request('GET', `/cases${query}`, { as: 'liaison' });
    expect(reply.status).toBe(200);
    return (reply.body.cases as { id: string }[]).map((c) => c.id);
  };

  test('any case not assigned to them is 404 CASE_NOT_FOUND, worded as for a case that does not exist, and nothing is stored', async () => {
    const clue = await open('clerk', 'clue', clueInput());
    const selfRecommendation = await open('od', 'selfRecommendation', selfRecommendationInput());
    const otherUnit = await rectification('sun.hao', 'Water Bureau');
    const notNotified = await rectification(null);
    const missing = 'RC-20261125-NOSUCHCASE00';
    const before = await api.dump();
    for (const id of [clue, selfRecommendation, otherUnit, notNotified, missing]) {
      for (const path of [`/cases/${id}`, `/cases/${id}/history`]) {
        const reply = await api.request('GET', path, { as: 'liaison' });
        expect({ path, status: reply.status, body: reply.body }).toEqual({ path, status: 404, body: new CaseNotFoundError(id).toJSON() });
      }
      const sent = await api.request('POST', `/cases/${id}/events`, { as: 'liaison', body: { type: 'SUBMIT_PLAN', payload: {}, expectedVersion: 1 } });
      expect({ id, status: sent.status, body: sent.body }).toEqual({ id, status: 404, body: new CaseNotFoundError(id).toJSON() });
    }
    expect(await api.dump()).toEqual(before);
    // The same cases are there for those who read them: a supervisor, and for the confidential self-recommendation the Organization Department.
    const readers = [[clue, 'supervisor'], [selfRecommendation, 'od'], [otherUnit, 'supervisor'], [notNotified, 'supervisor']] as const;
    for (const [id, as] of readers) expect({ id, status: (await api.request('GET', `/cases/${id}`, { as })).status }).toEqual({ id, status: 200 });
  });

  test('the rectification assigned to them is readable once the unit is notified through them', async () => {
    const id = await rectification(null);
    expect((await api.request('GET', `/cases/${id}`, { as: 'liaison' })).status).toBe(404);
    expect(await listed()).toEqual([]);
    expect((await sendEvent(api, 'supervisor', id, 'NOTIFY_UNIT', { liaisonId: 'zhou.min' })).status).toBe(200);
    const read = await api.request('GET', `/cases/${id}`, { as: 'liaison' });
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({ id, assignee: 'zhou.min', allowedEvents: ['SUBMIT_PLAN'] });
    const history = await api.request('GET', `/cases/${id}/history`, { as: 'liaison' });
    expect(history.status).toBe(200);
    expect(history.body.events.map((e: { type: string }) => e.type)).toEqual(['CASE_OPENED', 'NOTIFY_UNIT']);
    expect(await listed()).toEqual([id]);
  });

  test('their list holds only their rectifications, whatever the filters; other readers still list everything', async () => {
    const clue = await open('clerk', 'clue', clueInput());
    const mine = await rectification('zhou.min');
    const otherUnit = await rectification('sun.hao', 'Water Bureau');
    const notNotified = await rectification(null);
    expect(await listed()).toEqual([mine]);
    expect(await listed('?type=rectification')).toEqual([mine]);
    expect(await listed('?type=clue')).toEqual([]);
    expect(await listed('?unit=Water%20Bureau')).toEqual([]);
    expect(await listed('?assignee=sun.hao')).toEqual([]);
    expect(await listed('?assignee=zhou.min&state=planDue')).toEqual([mine]);
    const supervisors = await api.request('GET', '/cases', { as: 'supervisor' });
    expect((supervisors.body.cases as { id: string }[]).map((c) => c.id)).toEqual([notNotified, otherUnit, mine, clue]);
  });

  test('pages of their list stay full when cases they may not see lie in between, and the cursor walks them all', async () => {
    const mine: string[] = [];
    for (let i = 0; i < 5; i++) {
      mine.unshift(await rectification('zhou.min'));
      await rectification('sun.hao', 'Water Bureau');
      await rectification('sun.hao', 'Water Bureau');
    }
    const pages: string[][] = [];
    let cursor: string | null = '';
    while (cursor !== null) {
      const reply: { status: number; body: { cases: { id: string }[]; nextCursor: string | null } } = await api.request(
        'GET',
        `/cases?limit=2${cursor ? `&cursor=${cursor}` : ''}`,
        { as: 'liaison' },
      );
      expect(reply.status).toBe(200);
      pages.push(reply.body.cases.map((c) => c.id));
      cursor = reply.body.nextCursor;
      expect(pages.length).toBeLessThan(10);
    }
    expect(pages.slice(0, 2).map((p) => p.length)).toEqual([2, 2]);
    expect(pages.flat()).toEqual(mine);
  });
});
