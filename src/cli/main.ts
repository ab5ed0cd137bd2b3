/**
 * The `caseflow` command line: open, advance and inspect cases (through the HTTP API, as the person a
 * token belongs to); run the demo, the workers and the API; and the operator's commands on the data
 * file. The commands are built here from the services the composition root (app/cli.ts) passes in.
 */
import { Command } from 'commander';
import { asCaseflowError } from '../errors';
import { CaseflowClient } from './apiClient';
import { registerCaseCommands } from './caseCommands';
import { registerSupervisionCommands } from './supervisionCommands';
import { resolveCredentials } from './credentials';
import { registerLoginCommands } from './loginCommands';
import { registerAuditCommands } from './auditCommands';
import type { Caseflow, CliContext, CliServices } from './context';
import { DEFAULT_PORT, parsePort, registerServerCommands } from './serverCommands';
import { registerWorkerCommands } from './workerCommands';
import { registerCalendarCommands } from './calendarCommands';
import { registerKeyCommands } from './keyCommands';
import { registerMigrateCommands } from './migrateCommands';

/** Builds the `caseflow` program on `services`. */
export function buildProgram<C extends Caseflow>(services: CliServices<C>): Command {
  const program = new Command('caseflow')
    .description('Case-management workflow engine: clues, self-recommendations and rectifications')
    .option('--db <file>', 'SQLite database file (default: $CASEFLOW_DB or data/caseflow.sqlite)')
    .option('--database-url <url>', 'PostgreSQL instead of SQLite, e.g. postgres://caseflow@db.example/caseflow (default: $DATABASE_URL)')
    .option('--policy <file>', 'the office policy file, JSON (default: $CASEFLOW_POLICY, else the defaults)')
    .option('--json', 'print JSON instead of text')
    .showHelpAfterError();

  const globals = () => program.opts<{ db?: string; databaseUrl?: string; policy?: string; json?: boolean }>();
  const open = () => {
    const { db, databaseUrl, policy } = globals();
    return services.open({ ...(db ? { db } : {}), ...(databaseUrl ? { databaseUrl } : {}), ...(policy ? { policy } : {}) });
  };
  const withCaseflow = async <T>(fn: (cf: C) => Promise<T> | T): Promise<T> => {
    const cf = await open();
    try {
      return await fn(cf);
    } finally {
      await cf.close();
    }
  };
  const out = (value: unknown, text: () => string): void => {
    process.stdout.write(globals().json ? `${JSON.stringify(value, null, 2)}\n` : `${text()}\n`);
  };
  const connect = (role: string | undefined) => CaseflowClient.of(resolveCredentials(process.env), role);
  const ctx: CliContext<C> = { services, open, withCaseflow, connect, out };

  program
    .command('init')
    .description('create the database (or bring it up to date)')
    .action(() => withCaseflow((cf) => out({ db: cf.location }, () => `database ready: ${cf.location}`)));

  program
    .command('demo')
    .description('walk one case of each type to a decision, printing each step')
    .option('--fresh-db <file>', 'database file for the demo, recreated each run', 'data/demo.sqlite')
    .option('--serve', 'afterwards, serve the web app on the demo data (prints the URL and demo sign-ins; Ctrl-C stops it)')
    .option('--port <n>', `port for --serve (default: $PORT or ${DEFAULT_PORT})`)
    .option('--host <host>', 'address for --serve (default: $HOST or 127.0.0.1)')
    .action(async (opts: { freshDb: string; serve?: boolean; port?: string; host?: string }) => {
      const serve = opts.serve ? { port: parsePort(opts.port ?? process.env.PORT ?? String(DEFAULT_PORT)), host: opts.host ?? process.env.HOST ?? '127.0.0.1' } : undefined;
      await services.demo({ dbFile: opts.freshDb, log: (line: string) => process.stdout.write(`${line}\n`), ...(serve ? { serve } : {}) });
    });

  registerCaseCommands(program, ctx);
  registerSupervisionCommands(program, ctx);
  registerLoginCommands(program, ctx);
  registerWorkerCommands(program, ctx);
  registerCalendarCommands(program, ctx);
  registerServerCommands(program, ctx);
  registerAuditCommands(program, ctx);
  registerKeyCommands(program, ctx);
  registerMigrateCommands(program, ctx);
  return program;
}

/** Runs the CLI; a caseflow error prints its code and message and exits non-zero. */
export async function main<C extends Caseflow>(argv: readonly string[], services: CliServices<C>): Promise<void> {
  const program = buildProgram(services);
  try {
    await program.parseAsync([...argv]);
  } catch (thrown) {
    const error = asCaseflowError(thrown);
    if (error) {
      const json = program.opts<{ json?: boolean }>().json;
      process.stderr.write(json ? `${JSON.stringify(error.toJSON())}\n` : `${error.code}: ${error.message}\n`);
      process.exitCode = 1;
      return;
    }
    throw thrown;
  }
}
