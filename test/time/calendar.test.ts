import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CHINA_MAINLAND_CALENDAR as cn,
  CalendarDefinitionError,
  createCalendar,
  defaultCalendar,
  loadCalendar,
} from '../../src/time';

describe('the official mainland China calendar', () => {
  it('is the default calendar', () => {
    expect(defaultCalendar()).toBe(cn);
  });

  it('has data for every year from 2004 to 2026', () => {
    expect(cn.dataYears).toEqual(Array.from({ length: 23 }, (_, i) => 2004 + i));
  });

  it('gives an ordinary weekday to work and a weekend day off', () => {
    expect(cn.isWorkingDay('2025-03-07')).toBe(true); // Friday
    expect(cn.isWorkingDay('2025-03-08')).toBe(false); // Saturday
    expect(cn.isWorkingDay('2025-03-09')).toBe(false); // Sunday
  });

  it.each([
    ['2025-01-01', 'New Year'],
    ['2025-01-28', 'Spring Festival eve'],
    ['2025-02-04', 'last day of Spring Festival'],
    ['2025-04-04', 'Qingming'],
    ['2025-05-05', 'Labour Day (Monday)'],
    ['2025-06-02', 'Dragon Boat (Monday)'],
    ['2025-10-08', 'National Day and Mid-Autumn (Wednesday)'],
    ['2026-01-02', 'New Year (Friday)'],
    ['2026-02-23', 'last day of Spring Festival (Monday)'],
    ['2026-04-06', 'Qingming (Monday)'],
    ['2026-05-05', 'Labour Day (Tuesday)'],
    ['2026-06-19', 'Dragon Boat (Friday)'],
    ['2026-09-25', 'Mid-Autumn (Friday)'],
    ['2026-10-07', 'National Day (Wednesday)'],
  ])('gives %s (%s) off', (date) => {
    expect(cn.isWorkingDay(date)).toBe(false);
  });

  it.each([
    ['2025-01-26', 'Sunday before Spring Festival'],
    ['2025-02-08', 'Saturday after Spring Festival'],
    ['2025-04-27', 'Sunday before Labour Day'],
    ['2025-09-28', 'Sunday before National Day'],
    ['2025-10-11', 'Saturday after National Day'],
    ['2026-01-04', 'Sunday after New Year'],
    ['2026-02-14', 'Saturday before Spring Festival'],
    ['2026-02-28', 'Saturday after Spring Festival'],
    ['2026-05-09', 'Saturday after Labour Day'],
    ['2026-09-20', 'Sunday before National Day'],
    ['2026-10-10', 'Saturday after National Day'],
  ])('makes %s (%s) a working day', (date) => {
    expect(cn.isWorkingDay(date)).toBe(true);
  });

  it('treats a year beyond its data as ordinary: weekends off, no holidays', () => {
    expect(cn.isWorkingDay('2027-01-01')).toBe(true); // a Friday; no 2027 notice in the data
    expect(cn.isWorkingDay('2027-01-02')).toBe(false); // Saturday
    expect(cn.isWorkingDay('2027-10-01')).toBe(true);
  });
});

describe('counting working days', () => {
  it('does not count the starting day, and 0 days is the day itself', () => {
    expect(cn.addWorkingDays('2025-03-10', 0)).toBe('2025-03-10');
    expect(cn.addWorkingDays('2025-03-10', 1)).toBe('2025-03-11');
  });

  it('skips the weekend: 5 working days from a Friday end the next Friday', () => {
    expect(cn.addWorkingDays('2025-03-07', 5)).toBe('2025-03-14');
  });

  it('skips the 2026 Spring Festival and counts the make-up Saturdays on each side', () => {
    expect(cn.addWorkingDays('2026-02-13', 1)).toBe('2026-02-14'); // make-up Saturday
    expect(cn.addWorkingDays('2026-02-13', 2)).toBe('2026-02-24'); // after Feb 15–23 off
    expect(cn.addWorkingDays('2026-02-27', 1)).toBe('2026-02-28'); // make-up Saturday
  });

  it('counts working days after one date through another', () => {
    expect(cn.countWorkingDays('2025-03-10', '2025-03-12')).toBe(2);
    expect(cn.countWorkingDays('2025-03-07', '2025-03-10')).toBe(1); // the weekend does not count
    expect(cn.countWorkingDays('2026-09-30', '2026-10-08')).toBe(1); // National Day holiday
    expect(cn.countWorkingDays('2025-03-12', '2025-03-10')).toBe(0);
  });

  it('rejects a negative or fractional number of days, naming it', () => {
    expect(() => cn.addWorkingDays('2025-03-10', -1)).toThrow(/got -1/);
    expect(() => cn.addWorkingDays('2025-03-10', 1.5)).toThrow(/got 1.5/);
  });

  it('rejects a date that is not YYYY-MM-DD or not real, naming it', () => {
    expect(() => cn.isWorkingDay('2025-02-30')).toThrow(/"2025-02-30" is not a real calendar date/);
    expect(() => cn.isWorkingDay('10/01/2026')).toThrow(/"10\/01\/2026"/);
  });
});

describe('an office calendar', () => {
  it('may have another weekend and its own holidays', () => {
    const gulf = createCalendar({ name: 'friday-saturday', weekend: [5, 6], holidays: ['2025-03-10'] });
    expect(gulf.isWorkingDay('2025-03-07')).toBe(false); // Friday
    expect(gulf.isWorkingDay('2025-03-09')).toBe(true); // Sunday
    expect(gulf.isWorkingDay('2025-03-10')).toBe(false); // holiday
    expect(gulf.dataYears).toEqual([2025]);
  });

  it('with no holidays listed counts only weekends', () => {
    const plain = createCalendar({ name: 'plain' });
    expect(plain.weekend).toEqual([6, 7]);
    expect(plain.dataYears).toEqual([]);
    expect(plain.addWorkingDays('2025-10-01', 1)).toBe('2025-10-02');
  });
});

describe('calendar validation', () => {
  const problemsOf = (fn: () => unknown): readonly string[] => {
    try {
      fn();
    } catch (err) {
      if (err instanceof CalendarDefinitionError) return err.problems;
      throw err;
    }
    throw new Error('expected a CalendarDefinitionError');
  };

  it('names a bad date string and where it is', () => {
    expect(() => createCalendar({ name: 'x', holidays: ['2025-01-01', '2025-13-01'] })).toThrow(
      /calendar "x" is not a valid working-day calendar:\n {2}- holidays\[1\] "2025-13-01" is not a real calendar date/,
    );
    expect(problemsOf(() => createCalendar({ name: 'x', makeupWorkdays: ['2025-1-26'] }))).toEqual([
      'makeupWorkdays[0] "2025-1-26" is not a real calendar date in the form YYYY-MM-DD',
    ]);
  });

  it('refuses a day that is both a holiday and a make-up working day', () => {
    expect(() => createCalendar({ name: 'x', holidays: ['2025-01-26'], makeupWorkdays: ['2025-01-26'] })).toThrow(
      '2025-01-26 is listed both as a holiday and as a make-up working day',
    );
  });

  it('refuses a make-up working day that is not a weekend day', () => {
    expect(() => createCalendar({ name: 'x', makeupWorkdays: ['2025-01-27'] })).toThrow(
      'make-up working day 2025-01-27 is a Monday, already a working day',
    );
  });

  it('refuses weekend days that are not ISO weekdays, and a week with no working day', () => {
    expect(() => createCalendar({ name: 'x', weekend: [0, 6] })).toThrow('weekend day 0 is not an ISO weekday');
    expect(() => createCalendar({ name: 'x', weekend: [1, 2, 3, 4, 5, 6, 7] })).toThrow(/no working days at all/);
  });

  it('lists every fault at once, including a missing name and an unknown field', () => {
    const problems = problemsOf(() =>
      createCalendar({ name: '', holiday: ['2025-01-01'], holidays: ['x'] } as unknown as Parameters<typeof createCalendar>[0]),
    );
    expect(problems).toEqual([
      'unknown field "holiday" (the fields are: name, weekend, holidays, makeupWorkdays, note, firstYear, lastYear)',
      'name must be a non-empty text; got ""',
      'holidays[0] "x" is not a real calendar date in the form YYYY-MM-DD',
    ]);
  });
});

describe('loading a calendar file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'caseflow-calendar-'));
  const write = (name: string, text: string): string => {
    const file = join(dir, name);
    writeFileSync(file, text);
    return file;
  };

  it('reads a JSON file of the same shape as the shipped one', () => {
    const file = write(
      'office.json',
      JSON.stringify({ name: 'office', holidays: ['2027-02-05'], makeupWorkdays: ['2027-02-06'], note: 'our own' }),
    );
    const office = loadCalendar(file);
    expect(office.name).toBe('office');
    expect(office.isWorkingDay('2027-02-05')).toBe(false);
    expect(office.isWorkingDay('2027-02-06')).toBe(true);
  });

  it('names the file when it is missing, not JSON, or not a valid calendar', () => {
    expect(() => loadCalendar(join(dir, 'missing.json'))).toThrow(/Cannot read calendar file ".*missing\.json"/);
    expect(() => loadCalendar(write('broken.json', '{ "name": '))).toThrow(/calendar file ".*broken\.json" .*\n.*not valid JSON/);
    expect(() => loadCalendar(write('bad.json', JSON.stringify({ name: 'bad', holidays: ['2027-02-30'] })))).toThrow(
      /calendar "bad" from file ".*bad\.json" is not a valid working-day calendar:\n.*"2027-02-30"/,
    );
  });
});
