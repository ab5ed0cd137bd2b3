/**
 * CLI commands for deadlines: run the workers, and extend, suspend or resume a deadline.
 */
import type { Command } from 'commander';
import type { Caseflow } from '../app';
import { DeadlineCommands } from '../deadlines/commands';
import { InvalidPayloadError } from '../errors';
import { jsonLogger } from '../logger';
import { startWorkers, workerSettingsFromEnv } from '../../workers/runner';
import { parseActor } from './actor';
import { printDeadline } from './print';

/** Reads "90m", "2h", "3d" (after the current due time) or an ISO date-time into an extension. */
export function parseExtension(text: string): { byMs: number } | { until: number } {
  const relative = /^(\d+)\s*(m|h|d)$/.exec(text.trim());
  if (relative) return { byMs: Number(relative[1]) * { m: 60_000, h: 3_600_000, d: 86_400_000 }[relative[2] as 'm' | 'h' | 'd'] };
  const ms = Date.parse(text);
  if (Number.isNaN(ms)) throw new InvalidPayloadError('extension', [{ path: 'until', message: `expected 90m, 2h, 3d or a date-time, got "${text}"` }]);
  return { until: ms };
}

/** What every command module gets from the CLI: how to open caseflow and how to print. */
export interface CliContext {
  open: () => Caseflow;
  withCaseflow: <T>(fn: (cf: Caseflow) => T) => T;
  out: (value: unknown, text: () => string) => void;
}

/** Adds `worker` and `deadline extend|suspend|resume` to the CLI. */
export function registerWorkerCommands(program: Command, { open, withCaseflow, out }: CliContext): void {
  program
    .command('worker')
    .description('run the deadline workers (REDIS_URL, CASEFLOW_WORKER_CONCURRENCY, CASEFLOW_QUEUE_PREFIX); SIGTERM stops them gracefully')
    .action(async () => {
      const cf = open();
      const logger = jsonLogger(process.stderr, { service: 'caseflow-worker', pid: process.pid });
      const settings = workerSettingsFromEnv();
      const workers = await startWorkers(settings, { db: cf.db, engine: cf.engine, clock: cf.engine.clock, calendar: cf.engine.calendar, logger });
      logger.info('workers started', { redis: settings.redisUrl.replace(/\/\/[^@]*@/, '//***@'), prefix: settings.prefix, db: cf.dbFile });
      await new Promise<void>((resolve) => {
        const stop = (signal: string) => {
          logger.info('stopping: in-flight jobs finish first', { signal });
          resolve();
        };
        process.once('SIGTERM', () => stop('SIGTERM'));
        process.once('SIGINT', () => stop('SIGINT'));
      });
      await workers.close();
      cf.close();
      logger.info('workers stopped');
    });

  const deadline = program.command('deadline').description('move a running deadline (supervisor, conference chair or admin)');
  const commands = (cf: Caseflow) => new DeadlineCommands({ db: cf.db, clock: cf.engine.clock, calendar: cf.engine.calendar });

  deadline
    .command('extend <deadlineId>')
    .requiredOption('--until <when>', 'new due time: 90m, 2h, 3d after the current one, or a date-time')
    .requiredOption('--reason <text>', 'why the extension is granted')
    .requiredOption('--as <user:role>', 'the approver')
    .action((deadlineId: string, opts: { until: string; reason: string; as: string }) =>
      withCaseflow((cf) => {
        const view = commands(cf).extend(deadlineId, { ...parseExtension(opts.until), reason: opts.reason }, parseActor(opts.as));
        out(view, () => printDeadline(view));
      }),
    );

  deadline
    .command('suspend <deadlineId>')
    .requiredOption('--reason <text>', 'whom the case waits on')
    .requiredOption('--as <user:role>', 'the approver')
    .action((deadlineId: string, opts: { reason: string; as: string }) =>
      withCaseflow((cf) => {
        const view = commands(cf).suspend(deadlineId, { reason: opts.reason }, parseActor(opts.as));
        out(view, () => printDeadline(view));
      }),
    );

  deadline
    .command('resume <deadlineId>')
    .requiredOption('--as <user:role>', 'the approver')
    .action((deadlineId: string, opts: { as: string }) =>
      withCaseflow((cf) => {
        const view = commands(cf).resume(deadlineId, parseActor(opts.as));
        out(view, () => printDeadline(view));
      }),
    );
}
