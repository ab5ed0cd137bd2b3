/**
 * Zone offsets are remembered per UTC hour (src/time/localDate.ts zoneOffsetMs): around a DST switch,
 * and in a zone that switches at a half hour, every instant still gets the offset luxon gives.
 */
import { IANAZone } from 'luxon';
import { localEpochDay, timeZoneOf, wallTimeToInstant, zoneOffsetMs } from '../../src/time/localDate';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const luxonOffsetMs = (zone: string, ms: number): number => IANAZone.create(zone).offset(ms) * MINUTE;

/** Every minute (and the millisecond either side of each hour) from 6 hours before `around` to 6 hours after, asked twice. */
function offsetsAround(zone: string, around: string): { at: string; remembered: number; luxon: number }[] {
  const centre = Date.parse(around);
  const instants: number[] = [];
  for (let t = centre - 6 * HOUR; t <= centre + 6 * HOUR; t += MINUTE) instants.push(t);
  for (let t = centre - 6 * HOUR; t <= centre + 6 * HOUR; t += HOUR) instants.push(t - 1, t + 1);
  const seen: { at: string; remembered: number; luxon: number }[] = [];
  // twice over: the first pass fills the cache, the second reads it
  for (const pass of [1, 2]) {
    for (const t of instants) seen.push({ at: `${pass}:${new Date(t).toISOString()}`, remembered: zoneOffsetMs(timeZoneOf(zone), t), luxon: luxonOffsetMs(zone, t) });
  }
  return seen;
}

const disagreements = (seen: { at: string; remembered: number; luxon: number }[]) => seen.filter((s) => s.remembered !== s.luxon);

describe('remembered zone offsets', () => {
  test.each([
    ['Europe/Berlin', 'spring forward', '2026-03-29T01:00:00Z'],
    ['Europe/Berlin', 'fall back', '2026-10-25T01:00:00Z'],
    ['America/New_York', 'spring forward', '2026-03-08T07:00:00Z'],
    ['America/New_York', 'fall back', '2026-11-01T06:00:00Z'],
    ['Australia/Lord_Howe', 'a half-hour switch at a half hour of UTC', '2026-10-03T15:30:00Z'],
    ['Asia/Shanghai', 'no switch', '2026-11-25T12:00:00Z'],
  ])('%s, %s: every minute around it has the offset luxon gives', (zone, _what, around) => {
    expect(disagreements(offsetsAround(zone, around))).toEqual([]);
  });

  test('Lord Howe switches in the middle of a UTC hour, and both halves of that hour are right', () => {
    const lordHowe = timeZoneOf('Australia/Lord_Howe');
    const switchAt = Date.parse('2026-10-03T15:30:00Z');
    expect([luxonOffsetMs('Australia/Lord_Howe', switchAt - 1), luxonOffsetMs('Australia/Lord_Howe', switchAt)]).toEqual([10.5 * HOUR, 11 * HOUR]);
    expect([zoneOffsetMs(lordHowe, switchAt - 1), zoneOffsetMs(lordHowe, switchAt), zoneOffsetMs(lordHowe, switchAt - 1)]).toEqual([10.5 * HOUR, 11 * HOUR, 10.5 * HOUR]);
  });

  test('Berlin: the hour before the spring switch is +01:00, the hour after +02:00', () => {
    const berlin = timeZoneOf('Europe/Berlin');
    const switchAt = Date.parse('2026-03-29T01:00:00Z');
    expect(zoneOffsetMs(berlin, switchAt - 1)).toBe(HOUR);
    expect(zoneOffsetMs(berlin, switchAt)).toBe(2 * HOUR);
  });

  test('New York: wall times across the autumn switch resolve as before (01:30 occurs twice)', () => {
    const ny = timeZoneOf('America/New_York');
    const day = localEpochDay(Date.parse('2026-11-01T12:00:00Z'), ny);
    expect(new Date(wallTimeToInstant(day, 90, ny, 'earlier')).toISOString()).toBe('2026-11-01T05:30:00.000Z');
    expect(new Date(wallTimeToInstant(day, 90, ny, 'later')).toISOString()).toBe('2026-11-01T06:30:00.000Z');
    // spring: 02:30 does not exist and moves forward by the gap
    const spring = localEpochDay(Date.parse('2026-03-08T12:00:00Z'), ny);
    expect(new Date(wallTimeToInstant(spring, 150, ny, 'earlier')).toISOString()).toBe('2026-03-08T07:30:00.000Z');
  });
});
