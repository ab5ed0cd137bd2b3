/**
 * The caseworker's case commands: open a case, send an event, show a case, its history, a listing.
 * Each acts through the caseflow HTTP API as the person its token belongs to (`caseflow login`, or
 * CASEFLOW_URL and CASEFLOW_TOKEN), in the role the server knows them by; `--role` only names it.
 */
import { Option, type Command } from 'commander';
import { claimedRole, parseAssignments, parseJsonOption, refusedAsOption, refuseAs, roleOption } from './actor';
import type { CaseflowClient } from './apiClient';
import type { Caseflow, CliContext } from './context';
import { printCase, printHistory, printList } from './print';

/** Options every caseworker command takes. */
export interface ActingOptions {
  role?: string;
  as?: string;
}

/** A caseworker command under `parent`: it takes `--role`, and refuses `--as`. */
export function caseworkerCommand(parent: Command, spec: string): Command {
  return parent.command(spec).addOption(roleOption()).addOption(refusedAsOption());
}

/** The client caseworker `command` acts through, after refusing `--as` and caseflow's own roles. */
export function actingClient(connect: CliContext['connect'], command: string, opts: ActingOptions): CaseflowClient {
  refuseAs(command, opts);
  return connect(claimedRole(opts));
}

/** Adds `create`, `send`, `show`, `history` and `list` to the CLI. */
export function registerCaseCommands<C extends Caseflow>(program: Command, { connect, out }: CliContext<C>): void {
  const acting = (command: string, opts: ActingOptions) => actingClient(connect, command, opts);

  caseworkerCommand(program, 'create <type>')
    .description('open a case: clue | selfRecommendation | rectification (as the person your token belongs to)')
    .option('--input <json>', 'the case input as a JSON object')
    .option('--reporter <json>', 'a named reporter\'s identity, e.g. {"name":"Zhang San","contact":"138..."}')
    .action(async (type: string, opts: ActingOptions & { input?: string; reporter?: string }) => {
      const client = acting('create', opts);
      const reporter = opts.reporter ? parseJsonOption(opts.reporter, '--reporter') : undefined;
      const created = await client.createCase({ type, input: parseJsonOption(opts.input, '--input'), ...(reporter ? { reporter } : {}) });
      out(created, () => printCase(created));
    });

  caseworkerCommand(program, 'send <caseId> <event> [fields...]')
    .description('send an event to a case; fields as key=value or --payload JSON')
    .option('--payload <json>', 'the event payload as a JSON object')
    .addOption(new Option('--expect-version <n>', 'refuse if the case is no longer at this version').argParser((v) => Number.parseInt(v, 10)))
    .action(async (caseId: string, event: string, fields: string[], opts: ActingOptions & { payload?: string; expectVersion?: number }) => {
      const client = acting('send', opts);
      const payload = { ...parseJsonOption(opts.payload, '--payload'), ...parseAssignments(fields) };
      // the API always checks a version: without --expect-version, the one the case is at now
      const expectedVersion = opts.expectVersion ?? (await client.getCase(caseId)).version;
      const applied = await client.sendEvent(caseId, { type: event, payload, expectedVersion });
      out(applied, () => `${applied.event.type}: ${applied.event.fromState} → ${applied.event.toState}\n${printCase(applied.case)}`);
    });

  caseworkerCommand(program, 'show <caseId>')
    .description('state, deadlines (with their basis), linked cases and the events you may send now')
    .action(async (caseId: string, opts: ActingOptions) => {
      const view = await acting('show', opts).getCase(caseId);
      out(view, () => printCase(view));
    });

  caseworkerCommand(program, 'history <caseId>')
    .description('the event log of a case')
    .action(async (caseId: string, opts: ActingOptions) => {
      const events = await acting('history', opts).history(caseId);
      out(events, () => printHistory(events));
    });

  caseworkerCommand(program, 'list')
    .description('list the cases you may see, newest first')
    .option('--type <type>')
    .option('--state <state>')
    .option('--unit <unit>')
    .option('--assignee <id>')
    .option('--overdue', 'only cases with an overdue running deadline')
    .option('--limit <n>', 'page size', (v) => Number.parseInt(v, 10))
    .option('--cursor <cursor>', 'the next-page cursor of a previous listing')
    .action(async (opts: ActingOptions & { type?: string; state?: string; unit?: string; assignee?: string; overdue?: boolean; limit?: number; cursor?: string }) => {
      const { role: _role, as: _as, ...filter } = opts;
      const page = await acting('list', opts).listCases(filter);
      out(page, () => printList(page));
    });
}
