import { caseDefinitions } from '../../machines';
import { parseOfficePolicy } from '../../src/officePolicy';
import { criticism, engineFixture, supervisor, type EngineFixture } from '../support/engine';

const utc = (local: string) => new Date(local).toISOString();

describe('the 21:00 rule is a wall-clock rule', () => {
  let fx: EngineFixture;
  afterEach(() => fx.cleanup());

  const open = async (airedAt: string, extra: Record<string, unknown> = {}) => {
    const opened = await fx.engine.createCase({ type: 'rectification', input: { ...criticism('Municipal Housing Bureau', airedAt), ...extra }, actor: supervisor });
    return { context: opened.context as { planDueAt: string; planDueRule: string }, deadlines: opened.deadlines };
  };

  describe('with the default policy (21:00, at least 60 minutes after airing)', () => {
    beforeEach(async () => {
      fx = await engineFixture({}, '2026-11-25T23:30:00+08:00');
    });

    it('a report aired at 20:00 local time has its plan due at 21:00 local time that evening; the case shows the rule and the moment', async () => {
      const { context, deadlines } = await open('2026-11-25T20:00:00+08:00');
      expect(context.planDueAt).toBe(utc('2026-11-25T21:00:00+08:00'));
      // the unit is notified before the plan falls due: that deadline runs to the same moment
      expect(deadlines).toEqual([expect.objectContaining({ kind: 'unitNotificationDue', dueAt: utc('2026-11-25T21:00:00+08:00') })]);
      expect(context.planDueRule).toMatch(/^21:00 Asia\/Shanghai on the airing day, at least 60 minutes after airing \(.*by 21:00/);
    });

    it('a report aired earlier in the day is still due at 21:00, not an hour later', async () => {
      const { context } = await open('2026-11-25T18:10:00+08:00');
      expect(context.planDueAt).toBe(utc('2026-11-25T21:00:00+08:00'));
    });

    it('a report aired late gets at least 60 minutes: aired 20:30, due 21:30; aired 23:15, due 00:15', async () => {
      expect((await open('2026-11-25T20:30:00+08:00')).context.planDueAt).toBe(utc('2026-11-25T21:30:00+08:00'));
      expect((await open('2026-11-25T23:15:00+08:00')).context.planDueAt).toBe(utc('2026-11-26T00:15:00+08:00'));
    });

    it('the rule counts in the case’s own time zone: aired 20:00 in Urumqi time, due 21:00 there', async () => {
      const { context } = await open('2026-11-25T20:00:00+06:00', { timeZone: 'Asia/Urumqi' });
      expect(context.planDueAt).toBe(utc('2026-11-25T21:00:00+06:00'));
      expect(context.planDueRule).toMatch(/^21:00 Asia\/Urumqi/);
    });

    it('a caller that names its own minutes keeps them', async () => {
      const { context } = await open('2026-11-25T18:10:00+08:00', { planDueMinutes: 90 });
      expect(context.planDueAt).toBe(utc('2026-11-25T19:40:00+08:00'));
      expect(context.planDueRule).toBe('90 minutes after airing');
    });
  });

  it('an office sets its own wall-clock time and least interval: 21:30 and 45 minutes', async () => {
    const policy = parseOfficePolicy({ rectificationPlan: { dueAt: '21:30', atLeastMinutesAfterAiring: 45, basis: 'Wancheng: plans by 21:30' } }, caseDefinitions);
    fx = await engineFixture({ policy }, '2026-11-25T23:30:00+08:00');
    const evening = await open('2026-11-25T20:00:00+08:00');
    expect(evening.context.planDueAt).toBe(utc('2026-11-25T21:30:00+08:00'));
    expect(evening.context.planDueRule).toBe('21:30 Asia/Shanghai on the airing day, at least 45 minutes after airing (Wancheng: plans by 21:30)');
    expect((await open('2026-11-25T21:00:00+08:00')).context.planDueAt).toBe(utc('2026-11-25T21:45:00+08:00'));
  });
});
