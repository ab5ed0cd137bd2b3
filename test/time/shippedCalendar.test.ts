import chineseDays from 'chinese-days';
import { CHINA_MAINLAND_CALENDAR, createCalendar } from '../../src/time';
import { fromEpochDay, toEpochDay } from '../../src/time/localDate';

/** Every date of `year`, 'YYYY-MM-DD'. */
const daysOf = (year: number): string[] => {
  const days: string[] = [];
  for (let d = toEpochDay(`${year}-01-01`); d <= toEpochDay(`${year}-12-31`); d++) days.push(fromEpochDay(d));
  return days;
};

describe('the shipped calendar of mainland China (from chinese-days, 2004 onwards)', () => {
  it('covers 2004 to 2026 and knows that 2026 is its last year', () => {
    expect(CHINA_MAINLAND_CALENDAR.dataYears[0]).toBe(2004);
    expect(CHINA_MAINLAND_CALENDAR.lastYear).toBe(2026);
  });

  it.each([2008, 2020, 2025])('%i: every day is a working day exactly when the published calendar says so', (year) => {
    const differ = daysOf(year).filter((day) => CHINA_MAINLAND_CALENDAR.isWorkingDay(day) !== chineseDays.isWorkday(day));
    expect(differ).toEqual([]);
  });

  it('make-up working days count and holidays do not, as the notices say', () => {
    // 2025: Spring Festival 28 Jan – 4 Feb, made up on Sunday 26 January and Saturday 8 February
    expect(['2025-01-26', '2025-01-28', '2025-02-04', '2025-02-08'].map((d) => CHINA_MAINLAND_CALENDAR.isWorkingDay(d))).toEqual([true, false, false, true]);
    // 2008: the first year of the Qingming, Dragon Boat and Mid-Autumn holidays
    expect(['2008-04-04', '2008-06-09', '2008-09-15'].map((d) => CHINA_MAINLAND_CALENDAR.isWorkingDay(d))).toEqual([false, false, false]);
  });

  it('30 September 2026 + 5 working days skips National Day and counts the make-up Saturday: 13 October', () => {
    expect(CHINA_MAINLAND_CALENDAR.addWorkingDays('2026-09-30', 5)).toBe('2026-10-13');
    expect(chineseDays.findWorkday(5, '2026-09-30')).toBe('2026-10-13');
  });

  it('a calendar refuses dates outside the years it says it covers, and a bad last year', () => {
    expect(() => createCalendar({ name: 'x', lastYear: 2026, holidays: ['2027-01-01'] })).toThrow(/2027-01-01 lies outside the years the calendar says it covers/);
    expect(() => createCalendar({ name: 'x', lastYear: 27 })).toThrow(/lastYear must be a year like 2027/);
  });
});
