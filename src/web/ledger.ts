/**
 * The unit ledger's view model: per unit over a period, the on-time rate (met ÷ (met + late)) of the
 * limits the unit owns and the blue/yellow/red cards issued, with the office's own limits in a row of
 * their own, the card consequences decided (letters, talks), and the weekly met-vs-late counts for its chart — all read through
 * the supervision reports. Periods are whole local days in the office's zone (Asia/Shanghai), weeks
 * start on Monday.
 */
import { DateTime } from 'luxon';
import { DEFAULT_TIME_ZONE, type Actor } from '../../machines/types';
import type { CardConsequence, SupervisionReports } from '../engine/supervision';
import { InvalidPayloadError } from '../errors';

/** Weeks shown when the period is not given. */
const DEFAULT_WEEKS = 8;
/** The longest period the ledger reads, in weeks (one query per week for the chart). */
const MAX_WEEKS = 53;

/** What the ledger calls the row of the office's own limits. */
export const OFFICE_ROW = 'The office (its own limits)';

/** One unit's line of the ledger, or the office's. */
export interface LedgerRow {
  /** `unit`: the unit's own limits and its cards; `office`: the office's own limits. */
  owner: 'unit' | 'office';
  /** The unit's name ('—' for cases without one), or OFFICE_ROW. */
  unit: string;
  met: number;
  late: number;
  /** met ÷ (met + late), or null when nothing closed. */
  rate: number | null;
  blue: number;
  yellow: number;
  red: number;
}

/** One week of the chart. */
export interface LedgerWeek {
  /** The Monday it starts on, `YYYY-MM-DD`. */
  week: string;
  met: number;
  late: number;
}

/** The ledger for a period: first and last local day, one unit or all. */
export interface Ledger {
  since: string;
  until: string;
  unit: string | null;
  rows: LedgerRow[];
  weeks: LedgerWeek[];
  /** The card consequences decided in the period (letters, talks), newest first, with their deadlines and status. */
  consequences: CardConsequence[];
}

const DAY_FORMAT = 'yyyy-MM-dd';

/** A `YYYY-MM-DD` query value as the start of that day in the zone, or INVALID_PAYLOAD naming the field. */
function localDay(text: string, field: string): DateTime {
  const day = DateTime.fromFormat(text, DAY_FORMAT, { zone: DEFAULT_TIME_ZONE });
  if (!day.isValid) throw new InvalidPayloadError('ledger period', [{ path: field, message: `must be a date like 2026-11-25, got "${text}"` }]);
  return day;
}

/** The ledger's period from the query (`since`, `until`: local days, both included), defaulting to the last eight weeks to `now`. */
export function ledgerPeriod(query: { since?: string; until?: string }, now: number): { from: DateTime; to: DateTime } {
  const today = DateTime.fromMillis(now, { zone: DEFAULT_TIME_ZONE }).startOf('day');
  const to = query.until ? localDay(query.until, 'until') : today;
  const from = query.since ? localDay(query.since, 'since') : to.startOf('week').minus({ weeks: DEFAULT_WEEKS - 1 });
  if (from > to) throw new InvalidPayloadError('ledger period', [{ path: 'since', message: `must not be after until (${to.toFormat(DAY_FORMAT)})` }]);
  if (to.diff(from, 'weeks').weeks > MAX_WEEKS) throw new InvalidPayloadError('ledger period', [{ path: 'since', message: `the period may span at most ${MAX_WEEKS} weeks` }]);
  return { from, to };
}

/** Reads the ledger of `unit` (or every unit) over the local days from..to, as `reader` may see it. */
export async function readLedger(supervision: SupervisionReports, from: DateTime, to: DateTime, unit: string | null, reader?: Actor): Promise<Ledger> {
  const period = { since: from.toMillis(), until: to.plus({ days: 1 }).toMillis() };
  const filter = unit ? { unit } : {};
  const [rates, cards, consequences] = await Promise.all([
    supervision.onTimeRates(period, filter),
    supervision.warningCardCounts(period, filter),
    supervision.cardConsequences(period, { ...filter, limit: 1000 }, reader),
  ]);
  const byUnit = new Map<string, LedgerRow>();
  let office: LedgerRow | null = null;
  const row = (name: string | null): LedgerRow => {
    const key = name ?? '—';
    let found = byUnit.get(key);
    if (!found) byUnit.set(key, (found = { owner: 'unit', unit: key, met: 0, late: 0, rate: null, blue: 0, yellow: 0, red: 0 }));
    return found;
  };
  for (const r of rates) {
    const counts = { met: r.met, late: r.late, rate: r.rate };
    if (r.owner === 'office') office = { owner: 'office', unit: OFFICE_ROW, ...counts, blue: 0, yellow: 0, red: 0 };
    else Object.assign(row(r.unit), counts);
  }
  for (const c of cards) Object.assign(row(c.unit), { blue: c.blue, yellow: c.yellow, red: c.red });
  const rows = [...byUnit.values()].sort((a, b) => a.unit.localeCompare(b.unit));
  if (office) rows.push(office);
  const weeks: LedgerWeek[] = [];
  for (let start = from.startOf('week'); start <= to; start = start.plus({ weeks: 1 })) {
    const since = Math.max(start.toMillis(), period.since);
    const until = Math.min(start.plus({ weeks: 1 }).toMillis(), period.until);
    const counts = await supervision.onTimeRates({ since, until }, filter);
    weeks.push({ week: start.toFormat(DAY_FORMAT), met: counts.reduce((n, c) => n + c.met, 0), late: counts.reduce((n, c) => n + c.late, 0) });
  }
  return { since: from.toFormat(DAY_FORMAT), until: to.toFormat(DAY_FORMAT), unit, rows, weeks, consequences };
}

/** One CSV field: quoted when needed, and a leading =, +, - or @ defused so that a spreadsheet shows it as text. */
function csvField(value: string | number | null): string {
  const text = value === null ? '' : String(value);
  const safe = /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
  return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** The ledger's table as CSV (RFC 4180, CRLF line ends), one line per unit, and the office's line (owner `office`, no unit). */
export function ledgerCsv(ledger: Ledger): string {
  const lines = [['owner', 'unit', 'met', 'late', 'on_time_rate', 'blue_cards', 'yellow_cards', 'red_cards', 'since', 'until']];
  for (const r of ledger.rows) lines.push([r.owner, r.owner === 'office' ? '' : r.unit, String(r.met), String(r.late), r.rate === null ? '' : r.rate.toFixed(4), String(r.blue), String(r.yellow), String(r.red), ledger.since, ledger.until]);
  return lines.map((line) => line.map(csvField).join(',')).join('\r\n') + '\r\n';
}
