/**
 * The `caseflow` command line: open, advance and inspect cases; run the demo, the workers and the
 * API. The commands are built here from the services the composition root (app/cli.ts) passes in.
 */
import { Command, Option } from 'commander';
import { asCaseflowError } from '../errors';
import { registerAuditCommands } from './auditCommands';
import { parseActor, parseAssignments, parseJsonOption } from './actor';
import type { Caseflow, CliContext, CliServices } from './context';
import { printCase, printHistory, printList } from './print';
import { DEFAULT_PORT, parsePort, registerServerCommands } from './serverCommands';
import { registerWorkerCommands } from './workerCommands';
import { registerCalendarCommands } from './calendarCommands';
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
  const ctx: CliContext<C> = { services, open, withCaseflow, out };

  program
    .command('init')
    .description('create the database (or bring it up to date)')
    .action(() => withCaseflow((cf) => out({ db: cf.location }, () => `database ready: ${cf.location}`)));

  program
    .command('create <type>')
    .description('open a case: clue | selfRecommendation | rectification')
    .requiredOption('--as <user:role>', 'who opens it, e.g. wang.fang:intakeClerk')
    .option('--input <json>', 'the case input as a JSON object')
    .option('--reporter <json>', 'a named reporter\'s identity, e.g. {"name":"Zhang San","contact":"138..."}')
    .action((type: string, opts: { as: string; input?: string; reporter?: string }) =>
      withCaseflow(async (cf) => {
        const reporter = opts.reporter ? parseJsonOption(opts.reporter, '--reporter') : undefined;
        const created = await cf.engine.createCase({
          type,
          input: parseJsonOption(opts.input, '--input'),
          actor: parseActor(opts.as),
          ...(reporter ? { reporter: reporter as { name: string; contact?: string } } : {}),
        });
        out(created, () => printCase(created));
      }),
    );

  program
    .command('send <caseId> <event> [fields...]')
    .description('send an event to a case; fields as key=value or --payload JSON')
    .requiredOption('--as <user:role>', 'who sends it, e.g. li.wei:supervisor')
    .option('--payload <json>', 'the event payload as a JSON object')
    .addOption(new Option('--expect-version <n>', 'refuse if the case is no longer at this version').argParser((v) => Number.parseInt(v, 10)))
    .action((caseId: string, event: string, fields: string[], opts: { as: string; payload?: string; expectVersion?: number }) =>
      withCaseflow(async (cf) => {
        const payload = { ...parseJsonOption(opts.payload, '--payload'), ...parseAssignments(fields) };
        const applied = await cf.engine.applyEvent(caseId, { ...payload, type: event }, parseActor(opts.as), opts.expectVersion);
        out(applied, () => `${applied.event.type}: ${applied.event.fromState} → ${applied.event.toState}\n${printCase(applied.case)}`);
      }),
    );

  program
    .command('show <caseId>')
    .description('state, deadlines and allowed events of a case')
    .option('--as <user:role>', 'show the case as this actor sees it, with the events they may send')
    .action((caseId: string, opts: { as?: string }) =>
      withCaseflow(async (cf) => {
        const view = await cf.engine.getCase(caseId, opts.as ? parseActor(opts.as) : undefined);
        out(view, () => printCase(view));
      }),
    );

  program
    .command('history <caseId>')
    .description('the event log of a case')
    .action((caseId: string) =>
      withCaseflow(async (cf) => {
        const events = await cf.engine.history(caseId);
        out(events, () => printHistory(events));
      }),
    );

  program
    .command('list')
    .description('list cases, newest first')
    .option('--type <type>')
    .option('--state <state>')
    .option('--unit <unit>')
    .option('--assignee <id>')
    .option('--overdue', 'only cases with an overdue running deadline')
    .option('--limit <n>', 'page size', (v) => Number.parseInt(v, 10))
    .option('--cursor <cursor>', 'the next-page cursor of a previous listing')
    .action((opts: { type?: string; state?: string; unit?: string; assignee?: string; overdue?: boolean; limit?: number; cursor?: string }) =>
      withCaseflow(async (cf) => {
        const page = await cf.engine.listCases(opts);
        out(page, () => printList(page));
      }),
    );

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

  registerWorkerCommands(program, ctx);
  registerCalendarCommands(program, ctx);
  registerServerCommands(program, ctx);
  registerAuditCommands(program, ctx);
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
