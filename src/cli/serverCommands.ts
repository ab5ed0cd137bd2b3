/**
 * CLI commands for the HTTP API: `serve`, `user add`, `user list`, `token create` and `token revoke`.
 * main.ts wires them in with `registerServerCommands(program, open)`.
 */
import type { Command } from 'commander';
import type { Caseflow } from '../app';
import { createApiLogger } from '../api/logging';
import { buildServer } from '../api/server';
import { Accounts } from '../auth/accounts';
import { USER_ROLES } from '../auth/roles';
import { InvalidPayloadError } from '../errors';

/** Default port of `caseflow serve`. */
export const DEFAULT_PORT = 3000;

/** Where the commands write; the defaults are the process's streams. */
export interface CommandIo {
  out(text: string): void;
  /** Process signals `serve` stops on. @defaultValue the process */
  signals?: Pick<NodeJS.Process, 'once' | 'off'>;
}

const processIo: CommandIo = { out: (text) => void process.stdout.write(`${text}\n`) };

/** Parses `--port`: a whole number from 0 (any free port) to 65535. */
function parsePort(text: string): number {
  const port = Number(text);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new InvalidPayloadError('--port option', [{ path: 'port', message: `expected a port number from 0 to 65535, got "${text}"` }]);
  }
  return port;
}

/** Runs `fn` on an opened caseflow and closes it afterwards. */
function withCaseflow<T>(open: () => Caseflow, fn: (cf: Caseflow) => T): T {
  const cf = open();
  try {
    return fn(cf);
  } finally {
    cf.close();
  }
}

/** Adds the server and account commands to `program`; `open` opens the database the global options name. */
export function registerServerCommands(program: Command, open: () => Caseflow, io: CommandIo = processIo): void {
  const json = (): boolean => program.opts<{ json?: boolean }>().json === true;
  const print = (value: unknown, text: string): void => io.out(json() ? JSON.stringify(value, null, 2) : text);

  program
    .command('serve')
    .description('start the HTTP API (OpenAPI at /openapi.json, docs at /docs); stops gracefully on SIGTERM or SIGINT')
    .option('--port <n>', `port to listen on (default: $PORT or ${DEFAULT_PORT})`)
    .option('--host <host>', 'address to listen on (default: $HOST or 127.0.0.1)')
    .option('--trust-proxy', 'take client addresses from X-Forwarded-For (behind a reverse proxy)')
    .action(async (opts: { port?: string; host?: string; trustProxy?: boolean }) => {
      const port = parsePort(opts.port ?? process.env.PORT ?? String(DEFAULT_PORT));
      const host = opts.host ?? process.env.HOST ?? '127.0.0.1';
      const cf = open();
      const logger = createApiLogger();
      const server = await buildServer({ engine: cf.engine, db: cf.db, clock: cf.engine.clock, logger, trustProxy: opts.trustProxy === true });
      let address: string;
      try {
        address = await server.listen({ port, host });
      } catch (error) {
        cf.close();
        throw error;
      }
      print({ listening: address, db: cf.dbFile }, `caseflow API listening on ${address} (docs: ${address}/docs, database: ${cf.dbFile})`);
      const signals = io.signals ?? process;
      await new Promise<void>((resolve) => {
        const stop = (signal: NodeJS.Signals): void => {
          signals.off('SIGTERM', stop);
          signals.off('SIGINT', stop);
          logger.info({ signal }, 'shutting down: finishing requests in flight');
          server
            .close()
            .catch((error: unknown) => logger.error({ err: error }, 'error while closing the server'))
            .finally(() => {
              cf.close();
              logger.info('stopped');
              resolve();
            });
        };
        signals.once('SIGTERM', stop);
        signals.once('SIGINT', stop);
      });
    });

  const user = program.command('user').description('manage API users');
  user
    .command('add <name>')
    .description('add a user; the name is their official id, e.g. wang.fang')
    .requiredOption('--role <role>', `one of: ${USER_ROLES.join(', ')}`)
    .action((name: string, opts: { role: string }) =>
      withCaseflow(open, (cf) => {
        const added = new Accounts(cf.db, cf.engine.clock).addUser(name, opts.role);
        print(added, `user ${added.name} added with role ${added.role}`);
      }),
    );
  user
    .command('disable <name>')
    .description('disable a user: none of their tokens works any more')
    .action((name: string) =>
      withCaseflow(open, (cf) => {
        const disabled = new Accounts(cf.db, cf.engine.clock).disableUser(name);
        print(disabled, `user ${disabled.name} disabled`);
      }),
    );
  user
    .command('list')
    .description('list users')
    .action(() =>
      withCaseflow(open, (cf) => {
        const users = new Accounts(cf.db, cf.engine.clock).listUsers();
        print(users, users.map((u) => `${u.name.padEnd(24)} ${u.role}`).join('\n') || 'no users');
      }),
    );

  const token = program.command('token').description('manage API tokens');
  token
    .command('create')
    .description('create an API token for a user; it is printed once and stored only as a hash')
    .requiredOption('--user <name>', 'whose token')
    .option('--label <text>', 'what the token is for, e.g. "laptop"')
    .action((opts: { user: string; label?: string }) =>
      withCaseflow(open, (cf) => {
        const issued = new Accounts(cf.db, cf.engine.clock).createToken(opts.user, opts.label);
        print(
          issued,
          `${issued.token}\n\nToken ${issued.id} for ${issued.user}. This is the only time it is shown: store it now.\n` +
            `Use it as:  Authorization: Bearer <token>`,
        );
      }),
    );
  token
    .command('revoke <id>')
    .description('revoke an API token by its id (tok_…)')
    .action((id: string) =>
      withCaseflow(open, (cf) => {
        const revoked = new Accounts(cf.db, cf.engine.clock).revokeToken(id);
        print(revoked, `token ${revoked.id} of ${revoked.user} revoked`);
      }),
    );
}
