/**
 * The supervisors' reports on the command line, through the caseflow HTTP API as the person the
 * token belongs to: overdue deadlines, on-time rates (each unit's own limits, and the office's in a
 * row of its own) and card consequences (each a supervision action with its own deadline).
 * And the candidate's one view of their own self-recommendation (`caseflow status`).
 */
import type { Command } from 'commander';
import type { PeriodFilter } from './apiClient';
import { actingClient, caseworkerCommand, type ActingOptions } from './caseCommands';
import type { Caseflow, CliContext } from './context';
import { printApplicantStatus, printCardConsequences, printOnTimeRates, printOverdue } from './print';

type PeriodOptions = ActingOptions & PeriodFilter;

/** A report command under `parent` that takes the period options. */
function periodCommand(parent: Command, spec: string): Command {
  return caseworkerCommand(parent, spec)
    .option('--since <when>', 'start of the period, a date-time like 2026-11-01T00:00:00+08:00 (default: 30 days before --until)')
    .option('--until <when>', 'end of the period, a date-time (default: now)')
    .option('--unit <unit>', 'one unit only');
}

const periodOf = ({ since, until, unit }: PeriodOptions): PeriodFilter => ({ ...(since ? { since } : {}), ...(until ? { until } : {}), ...(unit ? { unit } : {}) });

/** Adds `supervision overdue|rates|consequences` and `status` to the CLI. */
export function registerSupervisionCommands<C extends Caseflow>(program: Command, { connect, out }: CliContext<C>): void {
  const acting = (command: string, opts: ActingOptions) => actingClient(connect, command, opts);
  const supervision = program.command('supervision').description('the supervisors’ reports (supervisor or admin)');

  caseworkerCommand(supervision, 'overdue')
    .description('running deadlines past due, most overdue first')
    .option('--unit <unit>')
    .option('--type <type>')
    .action(async (opts: ActingOptions & { unit?: string; type?: string }) => {
      const report = await acting('supervision overdue', opts).overdue({ ...(opts.unit ? { unit: opts.unit } : {}), ...(opts.type ? { type: opts.type } : {}) });
      out(report, () => printOverdue(report.cases));
    });

  periodCommand(supervision, 'rates')
    .description('per unit, the limits it owns met and late in the period, and its on-time rate; the office’s own limits in a row of their own')
    .action(async (opts: PeriodOptions) => {
      const report = await acting('supervision rates', opts).onTimeRates(periodOf(opts));
      out(report, () => printOnTimeRates(report.period, report.units));
    });

  periodCommand(supervision, 'consequences')
    .description('card consequences decided in the period: formal letters and talks, each a supervision action with its deadline')
    .action(async (opts: PeriodOptions) => {
      const report = await acting('supervision consequences', opts).cardConsequences(periodOf(opts));
      out(report, () => printCardConsequences(report.period, report.consequences));
    });

  caseworkerCommand(program, 'status <caseId>')
    .description('where your own self-recommendation stands (the candidate may not read the case itself)')
    .action(async (caseId: string, opts: ActingOptions) => {
      const status = await acting('status', opts).applicantStatus(caseId);
      out(status, () => printApplicantStatus(status));
    });
}
