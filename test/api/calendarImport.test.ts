/**
 * The admins' calendar import over HTTP: a new year loaded, the provisional deadline it covers
 * re-scheduled, and refusals in caseflow's one error shape.
 */
import { calendarImportAnswer } from '../../src/api/schemas';
import { clueInput, startApi, type ApiFixture } from './support/server';

const year2027 = {
  year: 2027,
  holidays: ['2027-01-01', '2027-10-01', '2027-10-02', '2027-10-03', '2027-10-04', '2027-10-05', '2027-10-06', '2027-10-07'],
  makeupWorkdays: ['2027-09-25', '2027-10-09'],
  source: 'State Council General Office notice on the 2027 holidays (test data)',
};

describe('POST /admin/calendar-years', () => {
  let api: ApiFixture;
  beforeEach(async () => {
    api = await startApi();
    api.clock.set('2027-09-28T10:00:00+08:00');
  });
  afterEach(() => api.close());

  test('an admin imports 2027: the provisional registration deadline moves past National Day and is no longer provisional', async () => {
    const created = await api.request('POST', '/cases', { as: 'clerk', body: { type: 'clue', input: clueInput() } });
    expect(created.body.deadlines[0]).toMatchObject({ dueAt: '2027-10-05T15:59:59.999Z', provisional: 'provisional: the 2027 calendar is not loaded' });

    const imported = await api.request('POST', '/admin/calendar-years', { as: 'admin', body: year2027 });
    expect(imported.status).toBe(200);
    expect(calendarImportAnswer.strict().parse(imported.body)).toEqual(imported.body);
    expect(imported.body).toMatchObject({ year: 2027, lastYear: 2027, recomputed: [{ caseId: created.body.id, to: '2027-10-11T15:59:59.999Z' }] });
    const shown = await api.request('GET', `/cases/${created.body.id as string}`, { as: 'clerk' });
    expect(shown.body.deadlines[0]).toMatchObject({ dueAt: '2027-10-11T15:59:59.999Z', provisional: null });
  });

  test('a supervisor may not import; a faulty year is refused naming the field', async () => {
    expect((await api.request('POST', '/admin/calendar-years', { as: 'supervisor', body: year2027 })).status).toBe(403);
    const faulty = await api.request('POST', '/admin/calendar-years', { as: 'admin', body: { ...year2027, holidays: ['2028-01-01'] } });
    expect(faulty.status).toBe(400);
    expect(faulty.body).toMatchObject({ code: 'INVALID_PAYLOAD', details: { issues: [{ path: 'holidays.0', message: '2028-01-01 is not in 2027' }] } });
  });
});
