/**
 * How the pages write times and durations: in the case's time zone (Asia/Shanghai unless the case
 * says otherwise), never raw UTC.
 */
import { DateTime } from 'luxon';
import { DEFAULT_TIME_ZONE } from '../../machines/types';
import type { Translate } from './i18n';

/** An ISO time as `2026-11-25 21:00` in `zone`. */
export function localTime(iso: string | null | undefined, zone: string = DEFAULT_TIME_ZONE): string {
  if (!iso) return '';
  return DateTime.fromISO(iso, { zone }).toFormat('yyyy-LL-dd HH:mm');
}

/** A duration as `2 d 3 h`, `5 h 20 min` or `12 min` (in the page's language). */
export function duration(ms: number, t: Translate): string {
  const minutes = Math.round(Math.abs(ms) / 60_000);
  const days = Math.floor(minutes / 1440);
  const hours = Math.floor((minutes % 1440) / 60);
  const mins = minutes % 60;
  if (days > 0) return t('time.days', { d: days, h: hours });
  if (hours > 0) return t('time.hours', { h: hours, m: mins });
  return t('time.minutes', { m: mins });
}

/** The time left until `dueIso` at `now`: "3 h 10 min left" or "2 h late". */
export function timeLeft(dueIso: string, now: number, t: Translate): string {
  const left = Date.parse(dueIso) - now;
  return t(left >= 0 ? 'time.left' : 'time.late', { span: duration(left, t) });
}
