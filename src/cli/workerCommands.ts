/**
 * CLI commands for deadlines: run the workers, and extend (or approve a four-eyes extension), suspend, resume or urge a
 * deadline, through the HTTP API as the person the token belongs to.
 */
import type { Command } from 'commander';
import { InvalidPayloadError } from '../errors';
import { actingClient, caseworkerCommand, type ActingOptions } from './caseCommands';
import type { Caseflow, CliContext } from './context';
import { printDeadline } from './print';
import type { ExtensionAnswer } from '../engine/deadlineCommands';

/** Reads "90m", "2h", "3d" (after the current due time) or an ISO date-time into an extension. */
export function parseExtension(text: string): { byMs: number } | { until: number } {
  const relative = /^(\d+)\s*(m|h|d)$/.exec(text.trim());
  if (relative) return { byMs: Number(relative[1]) * { m: 60_000, h: 3_600_000, d: 86_400_000 }[relative[2] as 'm' | 'h' | 'd'] };
  const ms = Date.parse(text);
  if (Number.isNaN(ms)) throw new InvalidPayloadError('extension', [{ path: 'until', message: `expected 90m, 2h, 3d or a date-time, got "${text}"` }]);
  return { until: ms };
}

/** Reads an extension request id (the number `deadline extend` printed). */
export function parseRequestId(text: string): number {
  const id = Number(text);
  if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(id)) {
    throw new InvalidPayloadError('extension approval', [{ path: 'requestId', message: `expected the request number printed by "deadline extend", got "${text}"` }]);
  }
  return id;
}

/** The deadline after an extension command, and the request still waiting for a second approver. */
function printExtension(view: ExtensionAnswer): string {
  const pending = view.pendingExtension;
  if (!pending) return printDeadline(view);
  return [
    printDeadline(view),
    `  extension to ${pending.until} requested by ${pending.requestedBy.id}: it needs a second approver (request ${pending.requestId})`,
    `  approve with: caseflow deadline approve ${view.id} ${pending.requestId} (signed in as another approver)`,
  ].join('\n');
}

/** Adds `worker` and `deadline extend|approve|suspend|resume|urge` to the CLI. */
export function registerWorkerCommands<C extends Caseflow>(program: Command, { services, open, connect, out }: CliContext<C>): void {
  program
    .command('worker')
    .description(
      'run the deadline workers (REDIS_URL, CASEFLOW_WORKER_CONCURRENCY, CASEFLOW_QUEUE_PREFIX, CASEFLOW_SHUTDOWN_TIMEOUT_MS, …); SIGTERM stops them gracefully, within the shutdown timeout',
    )
    .action(async () => {
      const cf = await open();
      const workers = await services.startWorkers(cf);
      await new Promise<void>((resolve) => {
        process.once('SIGTERM', () => resolve());
        process.once('SIGINT', () => resolve());
      });
      await workers.close();
      await cf.close();
      // Everything is closed; a timer a library left behind after a forced stop (BullMQ's watchdog
      // of a blocking read, say) must not keep the process alive past its shutdown timeout.
      setTimeout(() => process.exit(), 500).unref();
    });

  const deadline = program.command('deadline').description('move a running deadline (supervisor, conference chair or admin)');

  const acting = (command: string, opts: ActingOptions) => actingClient(connect, `deadline ${command}`, opts);

  caseworkerCommand(deadline, 'extend <deadlineId>')
    .requiredOption('--until <when>', 'new due time: 90m, 2h, 3d after the current one, or a date-time')
    .requiredOption('--reason <text>', 'why the extension is granted')
    .action(async (deadlineId: string, opts: ActingOptions & { until: string; reason: string }) => {
      const client = acting('extend', opts);
      const view = await client.extendDeadline(deadlineId, { ...parseExtension(opts.until), reason: opts.reason });
      out(view, () => printExtension(view));
    });

  caseworkerCommand(deadline, 'approve <deadlineId> <requestId>')
    .description('approve an extension request as its second approver (four eyes): someone other than the person who asked')
    .action(async (deadlineId: string, requestId: string, opts: ActingOptions) => {
      const client = acting('approve', opts);
      const view = await client.approveExtension(deadlineId, parseRequestId(requestId));
      out(view, () => printExtension(view));
    });

  caseworkerCommand(deadline, 'suspend <deadlineId>')
    .requiredOption('--reason <text>', 'whom the case waits on')
    .action(async (deadlineId: string, opts: ActingOptions & { reason: string }) => {
      const view = await acting('suspend', opts).suspendDeadline(deadlineId, opts.reason);
      out(view, () => printDeadline(view));
    });

  caseworkerCommand(deadline, 'resume <deadlineId>')
    .action(async (deadlineId: string, opts: ActingOptions) => {
      const view = await acting('resume', opts).resumeDeadline(deadlineId);
      out(view, () => printDeadline(view));
    });

  caseworkerCommand(deadline, 'urge <deadlineId>')
    .description('urge the unit on a running deadline (催办): logged in the case, and a notice to its assignee (supervisors)')
    .option('--note <text>', 'a note for the unit')
    .action(async (deadlineId: string, opts: ActingOptions & { note?: string }) => {
      const view = await acting('urge', opts).urgeDeadline(deadlineId, opts.note);
      out(view, () => printDeadline(view));
    });
}
