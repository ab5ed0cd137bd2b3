/**
 * A case the caller may not see answers exactly as a case that does not exist, on every route and
 * whatever the request carries: an official (who reads no casework) or a unit liaison probing a
 * case learns neither that it exists, nor its version, its state or the events it allows.
 */
import { clueInput, rectificationInput, sendEvent, startApi, type ApiFixture, type Person } from './support/server';

describe('a case hidden from the caller is indistinguishable from an unknown id', () => {
  let api: ApiFixture;
  beforeAll(async () => {
    api = await startApi();
  });
  afterAll(() => api.close());

  const UNKNOWN = 'CL-20261125-NOSUCHCASE00';

  /** Every request a prober might send about case `id`. */
  const probes = (id: string) => [
    { method: 'GET', path: `/cases/${id}` },
    { method: 'GET', path: `/cases/${id}/history` },
    { method: 'GET', path: `/cases/${id}/reporter-messages` },
    // a stale version, the version it has, an event the state refuses, an unknown event, a bad payload
    { method: 'POST', path: `/cases/${id}/events`, body: { type: 'ACCEPT', payload: {}, expectedVersion: 99 } },
    { method: 'POST', path: `/cases/${id}/events`, body: { type: 'ACCEPT', payload: {}, expectedVersion: 2 } },
    { method: 'POST', path: `/cases/${id}/events`, body: { type: 'DECIDE', payload: { outcome: 'dismissed', reason: 'x' } } },
    { method: 'POST', path: `/cases/${id}/events`, body: { type: 'NO_SUCH_EVENT', payload: {} } },
    { method: 'POST', path: `/cases/${id}/events`, body: { type: 'REGISTER', payload: { clueNumber: 42 } } },
    { method: 'POST', path: `/cases/${id}/events`, body: { type: 'SUBMIT_PLAN', payload: {}, expectedVersion: 1 } },
  ];

  /** The answer with the probed id written as `UNKNOWN`, so two answers can be compared whole. */
  const asUnknown = (id: string, reply: { status: number; body: unknown }) => JSON.parse(JSON.stringify(reply).replaceAll(id, UNKNOWN)) as unknown;

  async function answers(person: Person, id: string) {
    const out = [];
    for (const probe of probes(id)) {
      const reply = await api.request(probe.method, probe.path, { as: person, ...(probe.body ? { body: probe.body } : {}) });
      out.push({ probe: `${probe.method} ${probe.path.replace(id, ':id')} ${JSON.stringify(probe.body ?? '')}`, ...(asUnknown(id, reply) as object) });
    }
    return out;
  }

  test.each<[Person, string]>([
    ['official', 'a registered clue'],
    ['liaison', 'a registered clue'],
    ['liaison', 'another liaison’s rectification'],
  ])('%s probing %s gets the answers an unknown id gets, and nothing is stored', async (person, what) => {
    let id: string;
    if (what === 'a registered clue') {
      id = (await api.request('POST', '/cases', { as: 'clerk', body: { type: 'clue', input: clueInput({ subject: { officialId: 'sun.hao', name: 'Sun Hao', post: 'Clerk', unit: 'Water Bureau' } }) } })).body.id as string;
      expect((await sendEvent(api, 'clerk', id, 'REGISTER', { clueNumber: 'XS-2026-0101', handlerId: 'wang.fang' })).status).toBe(200);
    } else {
      id = (await api.request('POST', '/cases', { as: 'supervisor', body: { type: 'rectification', input: rectificationInput() } })).body.id as string;
      expect((await sendEvent(api, 'supervisor', id, 'NOTIFY_UNIT', { liaisonId: 'sun.hao' })).status).toBe(200);
    }
    const before = await api.dump();
    const hidden = await answers(person, id);
    const unknown = await answers(person, UNKNOWN);
    expect(hidden).toEqual(unknown);
    // the answers reveal nothing: no version, state or allowed events anywhere in them
    for (const answer of hidden) expect(JSON.stringify(answer)).not.toMatch(/"actual"|"state"|EVENT_NOT_ALLOWED|VERSION_CONFLICT|GUARD_REJECTED/);
    expect(await api.dump()).toEqual(before);
    // while a caseworker who may see it gets real answers
    expect((await api.request('GET', `/cases/${id}`, { as: 'supervisor' })).status).toBe(200);
  });
});
