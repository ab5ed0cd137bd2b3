/**
 * Reporting periods (a month, a quarter, a year) in a time zone: the period an instant falls in,
 * its name and its bounds. Pure.
 */
import { localDateOf, startOfLocalDay, timeZoneOf, toEpochDay } from './localDate';

export type PeriodLength = 'month' | 'quarter' | 'year';

/** A reporting period: its name (`2026-11`, `2026-Q4`, `2026`) and its bounds [since, until) in epoch ms. */
export interface ReportingPeriod {
  name: string;
  since: number;
  until: number;
}

const pad = (n: number): string => String(n).padStart(2, '0');

/** The reporting period of `length` that the instant `ms` falls in, in `timeZone`. */
export function reportingPeriodOf(ms: number, timeZone: string, length: PeriodLength): ReportingPeriod {
  const zone = timeZoneOf(timeZone);
  const [year, month] = localDateOf(ms, timeZone).split('-').map(Number) as [number, number];
  const months = length === 'month' ? 1 : length === 'quarter' ? 3 : 12;
  const first = Math.floor((month - 1) / months) * months + 1;
  const next = first + months;
  const start = (y: number, m: number) => startOfLocalDay(toEpochDay(`${y}-${pad(m)}-01`), zone);
  const name = length === 'month' ? `${year}-${pad(month)}` : length === 'quarter' ? `${year}-Q${(first + 2) / 3}` : String(year);
  return { name, since: start(year, first), until: next > 12 ? start(year + 1, next - 12) : start(year, next) };
}
