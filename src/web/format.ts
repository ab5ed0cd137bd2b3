/**
 * How the pages write times and durations: in the case's time zone (Asia/Shanghai unless the case
 * says otherwise), never raw UTC.
 */
import { DateTime } from 'luxon';
import { DEFAULT_TIME_ZONE } from '../../machines/types';

/** An ISO time as `2026-11-25 21:00` in `zone`. */
export function localTime(iso: string | null | undefined, zone: string = DEFAULT_TIME_ZONE): string {
  if (!iso) return '';
  return DateTime.fromISO(iso, { zone }).toFormat('yyyy-LL-dd HH:mm');
}

/** A duration as `2 d 3 h`, `5 h 20 min` or `12 min`. */
export function duration(ms: number): string {
  const minutes = Math.round(Math.abs(ms) / 60_000);
  const days = Math.floor(minutes / 1440);
  const hours = Math.floor((minutes % 1440) / 60);
  const mins = minutes % 60;
  if (days > 0) return `${days} d ${hours} h`;
  if (hours > 0) return `${hours} h ${mins} min`;
  return `${mins} min`;
}

/** The time left until `dueIso` at `now`: "3 h 10 min left" or "2 h late". */
export function timeLeft(dueIso: string, now: number): string {
  const left = Date.parse(dueIso) - now;
  return left >= 0 ? `${duration(left)} left` : `${duration(left)} late`;
}
