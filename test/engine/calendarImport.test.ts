import type { Actor } from '../../machines/types';
import { clerk, engineFixture, type EngineFixture } from '../support/engine';
import { waitFor } from '../support/workers';

const admin: Actor = { id: 'root.admin', role: 'admin' };

/** A 2027 notice as the State Council might publish it: National Day 1–7 October, made up on Saturday 9 October. */
const year2027 = {
  calendar: 'cn-mainland',
  year: 2027,
  holidays: ['2027-01-01', '2027-10-01', '2027-10-02', '2027-10-03', '2027-10-04', '2027-10-05', '2027-10-06', '2027-10-07'],
  makeupWorkdays: ['2027-09-25', '2027-10-09'],
  source: 'State Council General Office notice on the 2027 holidays (test data)',
};

const clue = {
  aspect: 'draggingFeet',
  summary: 'Permits sit unsigned for weeks',
  channel: 'hotline',
  anonymous: true,
  subject: { officialId: 'ma.lin', name: 'Ma Lin', post: 'Section chief', unit: 'Municipal Housing Bureau' },
};

describe('importing a calendar year', () => {
  let fx: EngineFixture;
  beforeEach(async () => {
    // Tuesday 28 September 2027, before the 2027 notice is loaded
    fx = await engineFixture({}, '2027-09-28T10:00:00+08:00');
  });
  afterEach(() => fx.cleanup());

  const registration = async (caseId: string) => (await fx.engine.getCase(caseId)).deadlines.find((d) => d.kind === 'clueRegistrationDue')!;

  it('a provisional deadline is computed again after the import and re-scheduled, as an audited event in its case log', async () => {
    const { id } = await fx.engine.createCase({ type: 'clue', input: clue, actor: clerk });
    // counted as ordinary weeks, National Day would be five working days: due Tuesday 5 October
    expect(await registration(id)).toMatchObject({ dueAt: '2027-10-05T15:59:59.999Z', provisional: 'provisional: the 2027 calendar is not loaded' });

    const result = await fx.engine.calendars.importYear(year2027, admin);
    const deadlineId = (await registration(id)).id;
    // 29, 30 September, 8 October, Saturday 9 October (made up), Monday 11 October
    expect(result).toMatchObject({
      year: 2027,
      lastYear: 2027,
      recomputed: [{ caseId: id, deadlineId, from: '2027-10-05T15:59:59.999Z', to: '2027-10-11T15:59:59.999Z' }],
      leftAsSet: [],
    });
    expect(await registration(id)).toMatchObject({ dueAt: '2027-10-11T15:59:59.999Z', provisional: null, status: 'pending' });
    expect((await fx.engine.history(id)).at(-1)).toMatchObject({
      type: 'DEADLINE_RECOMPUTED',
      actor: admin,
      payload: { deadlineId, from: '2027-10-05T15:59:59.999Z', to: '2027-10-11T15:59:59.999Z', year: 2027, source: year2027.source, provisional: null },
    });
    // the wake-up moved too: the reminder at 75% of the new span
    const row = await fx.store.read((tx) => tx.deadlines.byId(deadlineId));
    expect(row?.nextFireAt).toBeGreaterThan(Date.parse('2027-10-05T15:59:59.999Z'));
  });

  it('the imported year is stored: a process opened afterwards counts working days by it', async () => {
    await fx.engine.calendars.importYear(year2027, admin);
    const other = await fx.openAnother();
    expect(await other.engine.calendars.load()).toBe(2027);
    const opened = await other.engine.createCase({ type: 'clue', input: clue, actor: clerk });
    expect(opened.deadlines).toEqual([expect.objectContaining({ kind: 'clueRegistrationDue', dueAt: '2027-10-11T15:59:59.999Z', provisional: null })]);
  });

  it('a process already running on the same bus takes the imported year up without a restart', async () => {
    const running = await fx.openAnother({ bus: fx.cf.bus });
    expect(running.calendar.lastYear).toBe(2026);
    await fx.engine.calendars.importYear(year2027, admin);
    await waitFor(() => running.calendar.lastYear === 2027, 5000, 'the running process to read the imported year');
    const opened = await running.engine.createCase({ type: 'clue', input: clue, actor: clerk });
    expect(opened.deadlines[0]).toMatchObject({ dueAt: '2027-10-11T15:59:59.999Z', provisional: null });
  });

  it('a deadline extended by hand keeps its due time and is listed for review', async () => {
    const { id } = await fx.engine.createCase({ type: 'clue', input: clue, actor: clerk });
    const due = await registration(id);
    await fx.engine.deadlines.extend(due.id, { until: Date.parse('2027-10-06T18:00:00+08:00'), reason: 'Clerk on leave' }, { id: 'li.wei', role: 'supervisor' });
    const result = await fx.engine.calendars.importYear(year2027, admin);
    expect(result).toMatchObject({ recomputed: [], leftAsSet: [{ deadlineId: due.id, dueAt: '2027-10-06T10:00:00.000Z' }] });
    expect(await registration(id)).toMatchObject({ dueAt: '2027-10-06T10:00:00.000Z' });
  });

  it('refuses someone who is not an admin, a faulty year and a year after a gap, changing nothing', async () => {
    await fx.engine.createCase({ type: 'clue', input: clue, actor: clerk });
    const before = await fx.dump();
    await expect(fx.engine.calendars.importYear(year2027, clerk)).rejects.toMatchObject({ code: 'FORBIDDEN_ROLE' });
    const faulty = { ...year2027, holidays: ['2027-10-01', '2028-01-01', '2027-02-30'], makeupWorkdays: ['2027-09-28'], source: undefined };
    await expect(fx.engine.calendars.importYear(faulty, admin)).rejects.toMatchObject({
      code: 'INVALID_PAYLOAD',
      details: {
        issues: expect.arrayContaining([
          { path: 'holidays.1', message: '2028-01-01 is not in 2027' },
          { path: 'holidays.2', message: '"2027-02-30" is not a date \'YYYY-MM-DD\'' },
          { path: 'makeupWorkdays.0', message: '2027-09-28 is a weekday already: a make-up working day falls on a weekend' },
        ]),
      },
    });
    await expect(fx.engine.calendars.importYear({ ...year2027, year: 2028, holidays: [], makeupWorkdays: [] }, admin)).rejects.toMatchObject({
      code: 'INVALID_PAYLOAD',
      details: { issues: [{ path: 'year', message: 'the calendar covers up to 2026: import 2027 first' }] },
    });
    expect(await fx.dump()).toEqual(before);
  });
});
