import { DateTime } from 'luxon';
import { fromEpochDay, isoWeekday, parseLocalDate } from '../../src/time/localDate';

describe('local dates', () => {
  it('agree with luxon on every day from 1900 to 2100 (date, weekday, round trip)', () => {
    const first = parseLocalDate('1900-01-01');
    const last = parseLocalDate('2100-12-31');
    if (first === null || last === null) throw new Error('bad bounds');
    for (let day = first; day <= last; day++) {
      const reference = DateTime.fromMillis(day * 86_400_000, { zone: 'UTC' });
      const text = fromEpochDay(day);
      if (text !== reference.toISODate() || isoWeekday(day) !== reference.weekday || parseLocalDate(text) !== day) {
        throw new Error(`mismatch on epoch day ${day}: ${text} vs ${reference.toISODate()}`);
      }
    }
  });

  it('refuses dates that do not exist', () => {
    expect(parseLocalDate('2025-02-29')).toBeNull();
    expect(parseLocalDate('2024-02-29')).not.toBeNull();
    expect(parseLocalDate('2025-04-31')).toBeNull();
    expect(parseLocalDate('2025-00-10')).toBeNull();
    expect(parseLocalDate(' 2025-01-01')).toBeNull();
  });
});
