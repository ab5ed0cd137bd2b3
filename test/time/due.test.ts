import { DateTime } from 'luxon';
import { standardLadder } from '../../machines/deadlines';
import type { DeadlineLimit } from '../../machines/types';
import { CHINA_MAINLAND_CALENDAR as cn, computeDueAt, computeStepAt, localDateOf } from '../../src/time';

const SHANGHAI = 'Asia/Shanghai';
const BERLIN = 'Europe/Berlin';
const HOUR = 3_600_000;

/** An instant from an ISO string with its offset. */
const at = (iso: string): number => {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) throw new Error(`bad test time ${iso}`);
  return ms;
};
/** An instant as local ISO time in a zone, for readable expectations. */
const local = (ms: number, zone: string): string | null => DateTime.fromMillis(ms, { zone }).toISO();

const due = (limit: DeadlineLimit, base: string, zone = SHANGHAI): string | null =>
  local(computeDueAt(limit, at(base), zone, cn), zone);

describe('a wall-clock limit (localTime)', () => {
  const by21 = { kind: 'localTime', time: '21:00' } as const;

  it('criticism aired at 20:00 Shanghai, plan due at 21:00 the same evening', () => {
    expect(due(by21, '2025-06-10T20:00:00+08:00')).toBe('2025-06-10T21:00:00.000+08:00');
  });

  it('aired at 23:30, a 21:00 limit falls the next evening', () => {
    expect(due(by21, '2025-06-10T23:30:00+08:00')).toBe('2025-06-11T21:00:00.000+08:00');
    expect(due(by21, '2025-06-10T22:30:00+08:00')).toBe('2025-06-11T21:00:00.000+08:00');
  });

  it('aired exactly at 21:00, the limit is not already over: it falls the next evening', () => {
    expect(due(by21, '2025-06-10T21:00:00+08:00')).toBe('2025-06-11T21:00:00.000+08:00');
  });

  it('a wall-clock deadline across midnight: 00:30 after a 23:30 base is one hour later', () => {
    const base = at('2025-06-10T15:30:00Z'); // 23:30 in Shanghai, given in UTC
    const dueAt = computeDueAt({ kind: 'localTime', time: '00:30' }, base, SHANGHAI, cn);
    expect(dueAt - base).toBe(HOUR);
    expect(local(dueAt, SHANGHAI)).toBe('2025-06-11T00:30:00.000+08:00');
  });

  it('takes the base day in the case time zone, not in UTC', () => {
    // 2025-06-10T17:00Z is already 01:00 on June 11 in Shanghai, still 19:00 on June 10 in Berlin.
    expect(due({ kind: 'localTime', time: '09:00' }, '2025-06-10T17:00:00Z')).toBe('2025-06-11T09:00:00.000+08:00');
    expect(due({ kind: 'localTime', time: '20:00' }, '2025-06-10T17:00:00Z', BERLIN)).toBe('2025-06-10T20:00:00.000+02:00');
  });

  it('counts dayOffset days after the base day', () => {
    expect(due({ kind: 'localTime', time: '18:00', dayOffset: 1 }, '2025-06-10T10:00:00+08:00')).toBe(
      '2025-06-11T18:00:00.000+08:00',
    );
    expect(due({ kind: 'localTime', time: '09:00', dayOffset: 0 }, '2025-06-10T10:00:00+08:00')).toBe(
      '2025-06-11T09:00:00.000+08:00',
    );
  });

  it('the same instant in Europe/Berlin across a DST change', () => {
    const base = '2025-03-29T20:00:00Z'; // Berlin 21:00 CET on Saturday; clocks go forward that night
    expect(due(by21, base, SHANGHAI)).toBe('2025-03-30T21:00:00.000+08:00');
    expect(due(by21, base, BERLIN)).toBe('2025-03-30T21:00:00.000+02:00');
    expect(computeDueAt(by21, at(base), BERLIN, cn) - at(base)).toBe(23 * HOUR);

    const autumn = '2025-10-25T19:00:00Z'; // Berlin 21:00 CEST; clocks go back that night
    expect(due(by21, autumn, BERLIN)).toBe('2025-10-26T21:00:00.000+01:00');
    expect(computeDueAt(by21, at(autumn), BERLIN, cn) - at(autumn)).toBe(25 * HOUR);
  });

  it('moves a wall time the spring change skips forward, and takes the later of a repeated one', () => {
    // 2025-03-30 02:30 does not exist in Berlin: it becomes 03:30 CEST.
    expect(due({ kind: 'localTime', time: '02:30' }, '2025-03-30T00:00:00+01:00', BERLIN)).toBe(
      '2025-03-30T03:30:00.000+02:00',
    );
    // 2025-10-26 02:30 happens twice in Berlin: the limit is the second, CET one.
    expect(due({ kind: 'localTime', time: '02:30' }, '2025-10-26T01:00:00+02:00', BERLIN)).toBe(
      '2025-10-26T02:30:00.000+01:00',
    );
  });
});

describe('a span of calendar time (duration)', () => {
  it('plan due one hour after airing', () => {
    expect(due({ kind: 'duration', minutes: 60 }, '2025-06-10T20:00:00+08:00')).toBe('2025-06-10T21:00:00.000+08:00');
  });

  it('a limit of 0 minutes falls at the base moment itself', () => {
    expect(computeDueAt({ kind: 'duration', minutes: 0 }, at('2025-06-10T21:00:00+08:00'), SHANGHAI, cn)).toBe(
      at('2025-06-10T21:00:00+08:00'),
    );
  });

  it('is real elapsed time: 24 hours over the spring DST change end an hour later on the wall clock', () => {
    expect(due({ kind: 'duration', minutes: 24 * 60 }, '2025-03-29T12:00:00+01:00', BERLIN)).toBe(
      '2025-03-30T13:00:00.000+02:00',
    );
  });
});

describe('a working-day limit (workingDays)', () => {
  it('5 working days from Friday skip the weekend: due at the end of the next Friday', () => {
    expect(due({ kind: 'workingDays', days: 5 }, '2025-03-07T16:00:00+08:00')).toBe('2025-03-14T23:59:59.999+08:00');
  });

  it('the day of receipt does not count: 1 working day from Monday is the end of Tuesday', () => {
    expect(due({ kind: 'workingDays', days: 1 }, '2025-03-10T08:00:00+08:00')).toBe('2025-03-11T23:59:59.999+08:00');
  });

  it('received on a Saturday, 1 working day is the end of Monday', () => {
    expect(due({ kind: 'workingDays', days: 1 }, '2025-03-08T11:00:00+08:00')).toBe('2025-03-10T23:59:59.999+08:00');
  });

  it('0 working days means the same day: the end of the day of receipt', () => {
    expect(due({ kind: 'workingDays', days: 0 }, '2025-03-10T08:00:00+08:00')).toBe('2025-03-10T23:59:59.999+08:00');
  });

  it('a working-day deadline over the 2026 National Day holiday', () => {
    const base = '2026-09-30T10:00:00+08:00';
    expect(due({ kind: 'workingDays', days: 1 }, base)).toBe('2026-10-08T23:59:59.999+08:00');
    // Oct 8 (Thu), Oct 9 (Fri), Oct 10 (make-up Saturday).
    expect(due({ kind: 'workingDays', days: 3 }, base)).toBe('2026-10-10T23:59:59.999+08:00');
  });

  it('a make-up Saturday counts as a working day (2026-02-14, 2026-02-28, 2026-10-10)', () => {
    expect(due({ kind: 'workingDays', days: 1 }, '2026-02-13T15:00:00+08:00')).toBe('2026-02-14T23:59:59.999+08:00');
    expect(due({ kind: 'workingDays', days: 2 }, '2026-02-13T15:00:00+08:00')).toBe('2026-02-24T23:59:59.999+08:00');
    expect(due({ kind: 'workingDays', days: 1 }, '2026-02-27T15:00:00+08:00')).toBe('2026-02-28T23:59:59.999+08:00');
    expect(due({ kind: 'workingDays', days: 1 }, '2026-10-09T15:00:00+08:00')).toBe('2026-10-10T23:59:59.999+08:00');
  });

  it('a make-up Sunday counts too: received Friday 2026-09-18, due Sunday 2026-09-20', () => {
    expect(due({ kind: 'workingDays', days: 1 }, '2026-09-18T15:00:00+08:00')).toBe('2026-09-20T23:59:59.999+08:00');
  });

  it('counts from the local day of receipt, whatever the UTC date', () => {
    const base = '2025-06-10T17:00:00Z'; // June 11 in Shanghai, June 10 in Berlin
    expect(localDateOf(at(base), SHANGHAI)).toBe('2025-06-11');
    expect(localDateOf(at(base), BERLIN)).toBe('2025-06-10');
    expect(computeDueAt({ kind: 'workingDays', days: 1 }, at(base), SHANGHAI, cn)).toBe(at('2025-06-12T15:59:59.999Z'));
    expect(computeDueAt({ kind: 'workingDays', days: 1 }, at(base), BERLIN, cn)).toBe(at('2025-06-11T21:59:59.999Z'));
  });

  it('ends the day on local time across a DST change', () => {
    expect(due({ kind: 'workingDays', days: 1 }, '2025-03-28T10:00:00+01:00', BERLIN)).toBe('2025-03-31T23:59:59.999+02:00');
  });
});

describe('invalid limits are refused, naming the bad value', () => {
  const base = at('2025-06-10T20:00:00+08:00');
  it.each([
    [{ kind: 'localTime', time: '25:00' }, SHANGHAI, /time "25:00" is not a time of day in the form HH:mm/],
    [{ kind: 'localTime', time: '9:00' }, SHANGHAI, /"9:00"/],
    [{ kind: 'localTime', time: '21:60' }, SHANGHAI, /"21:60"/],
    [{ kind: 'localTime', time: '21:00', dayOffset: -1 }, SHANGHAI, /dayOffset .* got -1/],
    [{ kind: 'workingDays', days: -1 }, SHANGHAI, /workingDays limit must be a whole number of days, 0 or more; got -1/],
    [{ kind: 'workingDays', days: 2.5 }, SHANGHAI, /got 2.5/],
    [{ kind: 'duration', minutes: -5 }, SHANGHAI, /duration limit must be a number of minutes, 0 or more; got -5/],
    [{ kind: 'duration', minutes: 60 }, 'Mars/Olympus_Mons', /time zone "Mars\/Olympus_Mons" is not a known IANA time zone/],
    [{ kind: 'weeks', weeks: 2 }, SHANGHAI, /unknown deadline limit kind "weeks"/],
  ])('%j in %s', (limit, zone, message) => {
    expect(() => computeDueAt(limit as DeadlineLimit, base, zone, cn)).toThrow(message);
  });

  it('a base time that is not a number', () => {
    expect(() => computeDueAt({ kind: 'duration', minutes: 1 }, Number.NaN, SHANGHAI, cn)).toThrow(/base time NaN/);
  });
});

describe('escalation step times', () => {
  const base = at('2025-06-10T20:00:00+08:00');
  const dueAt = at('2025-06-10T21:00:00+08:00');

  it('a reminder at 75% of a one-hour limit comes at 20:45', () => {
    const step = computeStepAt({ kind: 'fractionOfLimit', fraction: 0.75 }, base, dueAt, SHANGHAI, cn);
    expect(local(step, SHANGHAI)).toBe('2025-06-10T20:45:00.000+08:00');
  });

  it('the standard ladder: remind at 75%, overdue at the due time, escalate 30 minutes later', () => {
    const ladder = standardLadder({ grace: { kind: 'afterDue', minutes: 30 } });
    const times = ladder.map((s) => local(computeStepAt(s.timing, base, dueAt, SHANGHAI, cn), SHANGHAI));
    expect(times).toEqual(['2025-06-10T20:45:00.000+08:00', '2025-06-10T21:00:00.000+08:00', '2025-06-10T21:30:00.000+08:00']);
  });

  it('escalation 1 working day after a Friday due date falls at the end of Monday', () => {
    const fridayEnd = at('2025-03-14T23:59:59.999+08:00');
    const step = computeStepAt({ kind: 'afterDueWorkingDays', days: 1 }, base, fridayEnd, SHANGHAI, cn);
    expect(local(step, SHANGHAI)).toBe('2025-03-17T23:59:59.999+08:00');
  });

  it('escalation 1 working day after a plan missed on 2026-09-30 waits for the end of the National Day holiday', () => {
    const missed = at('2026-09-30T21:00:00+08:00');
    const step = computeStepAt({ kind: 'afterDueWorkingDays', days: 1 }, missed, missed, SHANGHAI, cn);
    expect(local(step, SHANGHAI)).toBe('2026-10-08T23:59:59.999+08:00');
  });

  it('refuses a fraction outside 0..1, a negative delay, and a due time before the base', () => {
    expect(() => computeStepAt({ kind: 'fractionOfLimit', fraction: 1.5 }, base, dueAt, SHANGHAI, cn)).toThrow(/got 1.5/);
    expect(() => computeStepAt({ kind: 'afterDue', minutes: -10 }, base, dueAt, SHANGHAI, cn)).toThrow(/got -10/);
    expect(() => computeStepAt({ kind: 'afterDueWorkingDays', days: -1 }, base, dueAt, SHANGHAI, cn)).toThrow(/got -1/);
    expect(() => computeStepAt({ kind: 'fractionOfLimit', fraction: 0.5 }, dueAt, base, SHANGHAI, cn)).toThrow(
      /due time .* is before base time/,
    );
    expect(() => computeStepAt({ kind: 'afterDue', minutes: 0 }, base, dueAt, 'Asia/Shanghia', cn)).toThrow(/"Asia\/Shanghia"/);
  });
});
