/**
 * CLI commands for deadlines: run the workers, and extend (or approve a four-eyes extension), suspend or resume a deadline.
 */
import type { Command } from 'commander';
import { InvalidPayloadError } from '../errors';
import { parseActor } from './actor';
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
    `  approve with: caseflow deadline approve ${view.id} ${pending.requestId} --as <user:role>`,
  ].join('\n');
}

/** Adds `worker` and `deadline extend|approve|suspend|resume` to the CLI. */
export function registerWorkerCommands<C extends Caseflow>(program: Command, { services, open, withCaseflow, out }: CliContext<C>): void {
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

  deadline
    .command('extend <deadlineId>')
    .requiredOption('--until <when>', 'new due time: 90m, 2h, 3d after the current one, or a date-time')
    .requiredOption('--reason <text>', 'why the extension is granted')
    .requiredOption('--as <user:role>', 'the approver')
    .action((deadlineId: string, opts: { until: string; reason: string; as: string }) =>
      withCaseflow(async (cf) => {
        const view = await cf.engine.deadlines.extend(deadlineId, { ...parseExtension(opts.until), reason: opts.reason }, parseActor(opts.as));
        out(view, () => printExtension(view));
      }),
    );

  deadline
    .command('approve <deadlineId> <requestId>')
    .description('approve an extension request as its second approver (four eyes)')
    .requiredOption('--as <user:role>', 'the second approver: someone other than the person who asked')
    .action((deadlineId: string, requestId: string, opts: { as: string }) =>
      withCaseflow(async (cf) => {
        const view = await cf.engine.deadlines.approveExtension(deadlineId, parseRequestId(requestId), parseActor(opts.as));
        out(view, () => printExtension(view));
      }),
    );

  deadline
    .command('suspend <deadlineId>')
    .requiredOption('--reason <text>', 'whom the case waits on')
    .requiredOption('--as <user:role>', 'the approver')
    .action((deadlineId: string, opts: { reason: string; as: string }) =>
      withCaseflow(async (cf) => {
        const view = await cf.engine.deadlines.suspend(deadlineId, { reason: opts.reason }, parseActor(opts.as));
        out(view, () => printDeadline(view));
      }),
    );

  deadline
    .command('resume <deadlineId>')
    .requiredOption('--as <user:role>', 'the approver')
    .action((deadlineId: string, opts: { as: string }) =>
      withCaseflow(async (cf) => {
        const view = await cf.engine.deadlines.resume(deadlineId, parseActor(opts.as));
        out(view, () => printDeadline(view));
      }),
    );
}
