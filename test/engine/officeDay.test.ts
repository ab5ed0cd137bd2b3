/**
 * The office day a closing is counted on (src/engine/onTime.ts officeDayStart remembers the last day
 * asked for): whatever order the instants come in, each gets the start of its own Shanghai day.
 */
import { DateTime } from 'luxon';
import { officeDayStart } from '../../src/engine/onTime';

const luxonDayStart = (at: number): number => DateTime.fromMillis(at, { zone: 'Asia/Shanghai' }).startOf('day').toMillis();

test('instants back and forth across office midnights each get their own day start', () => {
  const midnight = Date.parse('2026-11-25T16:00:00Z'); // 2026-11-26 00:00 in Shanghai
  const instants = [midnight - 1, midnight, midnight + 1, midnight - 1, midnight + 86_400_000 - 1, midnight + 86_400_000, midnight - 86_400_000, midnight + 5 * 3_600_000];
  expect(instants.map(officeDayStart)).toEqual(instants.map(luxonDayStart));
  expect(officeDayStart(midnight - 1)).toBe(midnight - 86_400_000);
});
