import { DateTime } from 'luxon';
import { CHINA_MAINLAND_CALENDAR as cn, computeDueAt, dueAfterSuspension, suspendedWorkingDays } from '../../src/time';

const SHANGHAI = 'Asia/Shanghai';
const at = (iso: string): number => Date.parse(iso);
const local = (ms: number): string | null => DateTime.fromMillis(ms, { zone: SHANGHAI }).toISO();
const stop = (from: string, to: string) => ({ suspendedAt: at(from), resumedAt: at(to) });

describe('stopping the clock on an hour limit', () => {
  it('a plan due at 21:00, suspended from 20:15 to 20:45, is due at 21:30', () => {
    const dueAt = at('2025-06-10T21:00:00+08:00');
    const moved = dueAfterSuspension(
      { kind: 'localTime', time: '21:00' },
      dueAt,
      stop('2025-06-10T20:15:00+08:00', '2025-06-10T20:45:00+08:00'),
      SHANGHAI,
      cn,
    );
    expect(local(moved)).toBe('2025-06-10T21:30:00.000+08:00');
  });

  it('a duration limit moves by the time the clock stood still', () => {
    const dueAt = at('2025-06-10T21:00:00+08:00');
    const moved = dueAfterSuspension({ kind: 'duration', minutes: 60 }, dueAt, stop('2025-06-10T20:30:00+08:00', '2025-06-11T08:30:00+08:00'), SHANGHAI, cn);
    expect(moved - dueAt).toBe(12 * 3_600_000);
  });
});

describe('stopping the clock on a working-day limit', () => {
  const limit = { kind: 'workingDays', days: 5 } as const;
  const dueAt = computeDueAt(limit, at('2025-03-07T16:00:00+08:00'), SHANGHAI, cn); // end of Fri 2025-03-14

  it('suspended Monday morning to Wednesday afternoon gives back Tuesday and Wednesday', () => {
    const suspension = stop('2025-03-10T10:00:00+08:00', '2025-03-12T15:00:00+08:00');
    expect(suspendedWorkingDays(suspension, SHANGHAI, cn)).toBe(2);
    expect(local(dueAfterSuspension(limit, dueAt, suspension, SHANGHAI, cn))).toBe('2025-03-18T23:59:59.999+08:00');
  });

  it('a suspension within one day does not move the due date', () => {
    const suspension = stop('2025-03-10T10:00:00+08:00', '2025-03-10T16:00:00+08:00');
    expect(dueAfterSuspension(limit, dueAt, suspension, SHANGHAI, cn)).toBe(dueAt);
  });

  it('a suspension over a weekend gives back only the Monday it ended on', () => {
    const suspension = stop('2025-03-07T17:00:00+08:00', '2025-03-10T09:00:00+08:00');
    expect(suspendedWorkingDays(suspension, SHANGHAI, cn)).toBe(1);
  });

  it('holidays during a suspension are not given back: 2026 National Day', () => {
    const suspension = stop('2026-09-30T10:00:00+08:00', '2026-10-09T10:00:00+08:00');
    expect(suspendedWorkingDays(suspension, SHANGHAI, cn)).toBe(2); // Oct 8 and Oct 9
  });

  it('a suspension beginning after the due time does not move it', () => {
    const suspension = stop('2025-03-15T10:00:00+08:00', '2025-03-20T10:00:00+08:00');
    expect(dueAfterSuspension(limit, dueAt, suspension, SHANGHAI, cn)).toBe(dueAt);
    expect(dueAfterSuspension({ kind: 'duration', minutes: 1 }, dueAt, suspension, SHANGHAI, cn)).toBe(dueAt);
  });

  it('refuses a suspension that ends before it starts', () => {
    const suspension = stop('2025-03-12T10:00:00+08:00', '2025-03-10T10:00:00+08:00');
    expect(() => dueAfterSuspension(limit, dueAt, suspension, SHANGHAI, cn)).toThrow(/cannot end \(2025-03-10T02:00:00.000Z\) before it starts/);
  });
});
