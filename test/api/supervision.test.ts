/**
 * Supervisors' endpoints over HTTP: the overdue list after the clock passes a deadline (most
 * overdue first), escalations and warning cards issued by the deadline ladder, on-time completion
 * rates per unit over a period, and open cases per state.
 */
import { adjustmentReviewList, cardConsequenceList, escalationList, onTimeRateList, overdueList, stateCountList, warningCardList } from '../../src/api/schemas';
import { clueScript, people } from '../../app/demoScripts';
import { clueInput, fireDueSteps, rectificationInput, sendEvent, startApi, type ApiFixture, type Json } from './support/server';

const HOUR = 3600_000;
const plan = { plan: 'Open a same-day lane', measures: ['same-day lane'], completionDueAt: '2026-12-20T18:00:00+08:00' };

describe('supervision endpoints', () => {
  let api: ApiFixture;
  beforeEach(async () => {
    api = await startApi();
  });
  afterEach(() => api.close());

  /** A rectification of `unit`, notified at once: its plan is due an hour after airing (21:00). */
  async function rectification(unit: string): Promise<string> {
    const created = await api.request('POST', '/cases', { as: 'supervisor', body: { type: 'rectification', input: { ...rectificationInput(), unit } } });
    const id = created.body.id as string;
    expect((await sendEvent(api, 'supervisor', id, 'NOTIFY_UNIT', { liaisonId: 'zhou.min' })).status).toBe(200);
    return id;
  }

  const get = async (path: string): Promise<Json> => {
    const reply = await api.request('GET', path, { as: 'supervisor' });
    expect(reply.status).toBe(200);
    return reply.body;
  };

  test('overdue: nothing before the deadline; after the clock passes it, the case with its lateness, most overdue first', async () => {
    const housing = await rectification('Municipal Housing Bureau');
    const clue = (await api.request('POST', '/cases', { as: 'clerk', body: { type: 'clue', input: clueInput() } })).body.id as string;
    expect((await get('/supervision/overdue')).cases).toEqual([]);
    api.clock.advance(2 * HOUR);
    const late = await get('/supervision/overdue');
    expect(overdueList.strict().parse(late)).toEqual(late);
    expect(late.asOf).toBe(new Date(api.clock.now()).toISOString());
    expect(late.cases).toEqual([
      expect.objectContaining({ caseId: housing, deadlineKind: 'rectificationPlanDue', latenessMs: HOUR, unit: 'Municipal Housing Bureau' }),
    ]);
    api.clock.advance(30 * 24 * HOUR);
    const later = await get('/supervision/overdue');
    expect(later.cases.map((c: { caseId: string }) => c.caseId)).toEqual([housing, clue]);
    expect(later.cases[0].latenessMs).toBeGreaterThan(later.cases[1].latenessMs);
    expect((await get('/supervision/overdue?type=clue')).cases.map((c: { caseId: string }) => c.caseId)).toEqual([clue]);
    expect((await get('/supervision/overdue?unit=Water%20Bureau')).cases).toEqual([]);
  });

  test('warning cards, escalations and on-time rates per unit over a period', async () => {
    const start = api.clock.now();
    const housing = await rectification('Municipal Housing Bureau');
    const water = await rectification('Water Bureau');
    api.clock.advance(HOUR / 2);
    expect((await sendEvent(api, 'liaison', water, 'SUBMIT_PLAN', plan)).status).toBe(200);
    api.clock.advance(HOUR + HOUR / 2);
    expect(await fireDueSteps(api, housing)).toEqual(['remind', 'overdue', 'escalate']);
    expect((await sendEvent(api, 'liaison', housing, 'SUBMIT_PLAN', plan)).status).toBe(200);

    const period = `since=${new Date(start).toISOString()}&until=${new Date(api.clock.now() + 1).toISOString()}`;
    const cards = await get(`/supervision/warning-cards?${period}`);
    expect(warningCardList.strict().parse(cards)).toEqual(cards);
    expect(cards.units).toEqual([{ unit: 'Municipal Housing Bureau', blue: 1, yellow: 1, red: 1 }]);

    const escalations = await get(`/supervision/escalations?${period}`);
    expect(escalationList.strict().parse(escalations)).toEqual(escalations);
    expect(escalations.escalations).toEqual([expect.objectContaining({ caseId: housing, unit: 'Municipal Housing Bureau', step: 'escalate' })]);

    const rates = await get(`/supervision/on-time-rates?${period}`);
    expect(onTimeRateList.strict().parse(rates)).toEqual(rates);
    // Housing missed 21:00 (late) and Water made it (met); the office notified each unit in time (met twice, its own row)
    expect(rates.units).toEqual([
      { owner: 'unit', unit: 'Municipal Housing Bureau', met: 0, late: 1, rate: 0 },
      { owner: 'unit', unit: 'Water Bureau', met: 1, late: 0, rate: 1 },
      { owner: 'office', unit: null, met: 2, late: 0, rate: 1 },
    ]);
    expect((await get(`/supervision/on-time-rates?${period}&unit=Water%20Bureau`)).units).toEqual([{ owner: 'unit', unit: 'Water Bureau', met: 1, late: 0, rate: 1 }]);

    // A period that ends before anything happened counts nothing; the default period (30 days to now) counts it all.
    const before = `since=2026-01-01T00:00:00Z&until=${new Date(start).toISOString()}`;
    expect((await get(`/supervision/warning-cards?${before}`)).units).toEqual([]);
    expect((await get(`/supervision/escalations?${before}`)).escalations).toEqual([]);
    const byDefault = await get('/supervision/warning-cards');
    expect(byDefault.units).toHaveLength(1);
    expect(byDefault.period.until).toBe(new Date(api.clock.now() + 1).toISOString());
  });

  test('overdue and escalations leave out cases about the supervisor asking (whatever the case of the id), not about others', async () => {
    const subject = (officialId: string) => ({ officialId, name: 'Li Wei', post: 'Deputy director', unit: 'Municipal Housing Bureau' });
    const open = async (officialId: string) =>
      (await api.request('POST', '/cases', { as: 'clerk', body: { type: 'clue', input: clueInput({ subject: subject(officialId) }) } })).body.id as string;
    const aboutHim = await open('Li.Wei');
    const aboutHimToo = await open('li.wei');
    const other = await open('he.ping');
    const start = api.clock.now();
    api.clock.advance(30 * 24 * HOUR);
    for (const id of [aboutHim, aboutHimToo, other]) expect(await fireDueSteps(api, id)).toEqual(['remind', 'overdue', 'escalate']);
    const period = `since=${new Date(start).toISOString()}`;
    const caseIds = (rows: { caseId: string }[]) => rows.map((r) => r.caseId).sort();
    const as = async (person: 'supervisor' | 'admin', path: string): Promise<Json> => {
      const reply = await api.request('GET', path, { as: person });
      expect(reply.status).toBe(200);
      return reply.body;
    };
    expect(caseIds((await as('supervisor', '/supervision/overdue')).cases)).toEqual([other]);
    expect(caseIds((await as('supervisor', `/supervision/escalations?${period}`)).escalations)).toEqual([other]);
    expect(caseIds((await as('admin', '/supervision/overdue')).cases)).toEqual([aboutHim, aboutHimToo, other].sort());
    expect(caseIds((await as('admin', `/supervision/escalations?${period}`)).escalations)).toEqual([aboutHim, aboutHimToo, other].sort());
  });

  test('card consequences: a red card opens a talk with the unit head, listed with its deadline until a supervisor marks it done', async () => {
    const housing = await rectification('Municipal Housing Bureau');
    api.clock.advance(2 * HOUR);
    expect(await fireDueSteps(api, housing)).toEqual(['remind', 'overdue', 'escalate']);
    const listed = await get('/supervision/card-consequences');
    expect(cardConsequenceList.strict().parse(listed)).toEqual(listed);
    expect(listed.consequences).toEqual([
      expect.objectContaining({
        unit: 'Municipal Housing Bureau',
        kind: 'unitHeadTalk',
        status: 'open',
        doneAt: null,
        cards: [expect.objectContaining({ caseId: housing, warning: 'red', step: 'escalate' })],
      }),
    ]);
    const talk = listed.consequences[0].caseId as string;
    expect((await get(`/cases/${talk}`)).deadlines).toEqual([expect.objectContaining({ kind: 'supervisionActionDue', dueAt: listed.consequences[0].dueAt })]);
    expect((await sendEvent(api, 'clerk', talk, 'MARK_DONE', { note: 'Talk held' })).status).toBe(403);
    expect((await sendEvent(api, 'supervisor', talk, 'MARK_DONE', { note: 'Talk held with the bureau head' })).status).toBe(200);
    expect((await get('/supervision/card-consequences?unit=Municipal%20Housing%20Bureau')).consequences).toEqual([
      expect.objectContaining({ caseId: talk, status: 'done', doneAt: new Date(api.clock.now()).toISOString() }),
    ]);
    expect((await get('/supervision/card-consequences?unit=Water%20Bureau')).consequences).toEqual([]);
  });

  test('adjustment reviews: the review a second admonishment opened, with the official, the pattern and the clues; decided, it is closed', async () => {
    /** A clue about ma.lin decided `admonished` at the joint conference, as the demo walks one. */
    const admonished = async (clueNumber: string) => {
      const input = { ...clueScript.input, subject: { ...(clueScript.input.subject as object), officialId: 'ma.lin', name: 'Ma Lin' } };
      const id = (await api.engine.createCase({ type: 'clue', input, actor: clueScript.opener })).id;
      for (const step of clueScript.steps) {
        api.clock.advance(step.afterMinutes * 60_000);
        const event = step.event.type === 'DECIDE' ? { ...step.event, outcome: 'admonished' } : step.event.type === 'REGISTER' ? { ...step.event, clueNumber } : step.event;
        await api.engine.applyEvent(id, event, step.actor);
      }
      return id;
    };
    const first = await admonished('XS-2026-0701');
    expect((await get('/supervision/adjustment-reviews')).reviews).toEqual([]);
    const second = await admonished('XS-2026-0702');
    const listed = await get('/supervision/adjustment-reviews?status=open');
    expect(adjustmentReviewList.strict().parse(listed)).toEqual(listed);
    expect(listed.reviews).toEqual([
      expect.objectContaining({
        official: expect.objectContaining({ officialId: 'ma.lin', name: 'Ma Lin' }),
        pattern: 'repeatedAdmonishments',
        triggeredBy: [expect.objectContaining({ caseId: first }), expect.objectContaining({ caseId: second })],
        state: 'review.opened',
        status: 'open',
        deadlineStatus: 'pending',
        outcome: null,
      }),
    ]);
    const review = listed.reviews[0].caseId as string;
    await api.engine.applyEvent(review, { type: 'RECORD_FINDING', finding: 'No change' }, people.orgDept);
    await api.engine.applyEvent(review, { type: 'DECIDE', outcome: 'adjusted', reason: 'Two admonishments failed' }, people.orgDept);
    expect((await get('/supervision/adjustment-reviews?status=open')).reviews).toEqual([]);
    expect((await get('/supervision/adjustment-reviews?status=closed')).reviews).toEqual([
      expect.objectContaining({ caseId: review, state: 'adjusted', deadlineStatus: 'met', outcome: expect.objectContaining({ result: 'adjusted' }) }),
    ]);
    expect((await api.request('GET', '/supervision/adjustment-reviews', { as: 'clerk' })).status).toBe(403);
  });

  test('state counts: open cases per type and state', async () => {
    await rectification('Municipal Housing Bureau');
    await rectification('Water Bureau');
    await api.request('POST', '/cases', { as: 'clerk', body: { type: 'clue', input: clueInput() } });
    const counts = await get('/supervision/state-counts');
    expect(stateCountList.strict().parse(counts)).toEqual(counts);
    expect(counts.counts).toEqual([
      { type: 'clue', state: 'received', count: 1 },
      { type: 'rectification', state: 'planDue', count: 2 },
    ]);
    expect((await get('/supervision/state-counts?type=clue')).counts).toEqual([{ type: 'clue', state: 'received', count: 1 }]);
  });
});
