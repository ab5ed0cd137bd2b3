/**
 * CLI commands for the working-day calendar: import a new year of holidays and make-up days from a
 * JSON file, which re-schedules every provisional deadline it covers. An operator command: it opens
 * the data file itself and is recorded as the operator (`operator:<os user>`); admins import over
 * HTTP with POST /admin/calendar-years.
 */
import fs from 'node:fs';
import type { Command } from 'commander';
import type { CalendarImportResult } from '../engine/calendarImport';
import { InvalidPayloadError } from '../errors';
import { operatorActor, refusedAsOption, refuseAs } from './actor';
import type { Caseflow, CliContext } from './context';

/** The JSON of a calendar year file, or INVALID_PAYLOAD naming the file. */
export function readCalendarYearFile(file: string): unknown {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw new InvalidPayloadError('calendar year file', [{ path: file, message: `it cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)})` }]);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new InvalidPayloadError('calendar year file', [{ path: file, message: `it is not JSON (${(error as Error).message})` }]);
  }
}

/** What an import did, a few lines for the terminal. */
function printImport(result: CalendarImportResult): string {
  return [
    `calendar ${result.calendar}: ${result.year} imported; it covers up to ${result.lastYear ?? '—'}`,
    `  ${result.recomputed.length} provisional deadline(s) recomputed`,
    ...result.recomputed.map((d) => `  - ${d.caseId} ${d.kind}: ${d.from} → ${d.to}`),
    ...result.leftAsSet.map((d) => `  - ${d.caseId} ${d.kind}: left at ${d.dueAt} (moved by hand; review it)`),
  ].join('\n');
}

/** Adds `calendar import FILE` to the CLI. */
export function registerCalendarCommands<C extends Caseflow>(program: Command, { withCaseflow, out }: CliContext<C>): void {
  const calendar = program.command('calendar').description('the working-day calendar');
  calendar
    .command('import <file>')
    .description('import a year of holidays and make-up days ({ year, holidays, makeupWorkdays, source }) and recompute provisional deadlines (operator: recorded as operator:<os user>)')
    .addOption(refusedAsOption())
    .action((file: string, opts: { as?: string }) => {
      refuseAs('calendar import', opts);
      return withCaseflow(async (cf) => {
        const result = await cf.engine.calendars.importYear(readCalendarYearFile(file), operatorActor());
        out(result, () => printImport(result));
      });
    });
}
