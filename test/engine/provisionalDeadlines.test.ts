import { clueScript, people } from '../../app/demoScripts';
import { engineFixture, type EngineFixture } from '../support/engine';

const DAY = 24 * 60 * 60_000;

describe('calendars are never silently wrong', () => {
  let fx: EngineFixture;
  afterEach(() => fx.cleanup());

  it('a working-day limit that runs past the last year the calendar covers is provisional, and the case says which calendar is missing', async () => {
    // Monday 28 December 2026: five working days run into 2027, whose holidays are not published yet
    fx = await engineFixture({}, '2026-12-28T09:00:00+08:00');
    const opened = await fx.engine.createCase({ type: 'clue', input: clueScript.input, actor: people.clerk });
    expect(opened.deadlines).toEqual([
      expect.objectContaining({
        kind: 'clueRegistrationDue',
        dueAt: new Date('2027-01-04T23:59:59.999+08:00').toISOString(),
        provisional: 'provisional: the 2027 calendar is not loaded',
      }),
    ]);
    expect((await fx.engine.getCase(opened.id, people.clerk)).deadlines[0]?.provisional).toBe('provisional: the 2027 calendar is not loaded');
  });

  it('a limit that ends inside the covered years is firm', async () => {
    fx = await engineFixture({}, '2026-11-02T09:00:00+08:00');
    const opened = await fx.engine.createCase({ type: 'clue', input: clueScript.input, actor: people.clerk });
    expect(opened.deadlines).toEqual([expect.objectContaining({ kind: 'clueRegistrationDue', provisional: null })]);
  });

  it('supervisors see a deadline late on a provisional day only with the flag', async () => {
    fx = await engineFixture({}, '2026-12-01T09:00:00+08:00');
    const firm = await fx.engine.createCase({ type: 'clue', input: clueScript.input, actor: people.clerk });
    fx.clock.set(Date.parse('2026-12-28T09:00:00+08:00'));
    const provisional = await fx.engine.createCase({ type: 'clue', input: clueScript.input, actor: people.clerk });
    fx.clock.set(Date.parse('2027-01-05T09:00:00+08:00') + DAY);
    const overdue = await fx.cf.supervision.overdue(fx.clock.now());
    expect(overdue.map((o) => ({ caseId: o.caseId, provisional: o.provisional }))).toEqual([
      { caseId: firm.id, provisional: null },
      { caseId: provisional.id, provisional: 'provisional: the 2027 calendar is not loaded' },
    ]);
  });
});
