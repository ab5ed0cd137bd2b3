/**
 * CLI commands for the HTTP API: `serve`, `user add|password|disable|list`, `token create` and `token revoke`.
 * main.ts wires them in with `registerServerCommands(program, ctx)`.
 */
import type { Command } from 'commander';
import { checkPassword } from '../auth/passwords';
import { USER_ROLES } from '../auth/roles';
import { InvalidPayloadError } from '../errors';
import type { Caseflow, CliContext } from './context';
import { promptNewPassword } from './prompt';

/** Default port of `caseflow serve`. */
export const DEFAULT_PORT = 3000;

/** Process signals `serve` stops on. */
export type StopSignals = Pick<NodeJS.Process, 'once' | 'off'>;

/** Parses `--port`: a whole number from 0 (any free port) to 65535. */
export function parsePort(text: string): number {
  const port = Number(text);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new InvalidPayloadError('--port option', [{ path: 'port', message: `expected a port number from 0 to 65535, got "${text}"` }]);
  }
  return port;
}

/**
 * Adds the server and account commands to `program`: `open` and `withCaseflow` open the database the
 * global options name, `out` prints text or, with --json, the value. `serve` stops on `signals`.
 */
export function registerServerCommands<C extends Caseflow>(program: Command, { services, open, withCaseflow, out }: CliContext<C>, signals: StopSignals = process): void {
  program
    .command('serve')
    .description('start the HTTP API (OpenAPI at /openapi.json, docs at /docs); stops gracefully on SIGTERM or SIGINT')
    .option('--port <n>', `port to listen on (default: $PORT or ${DEFAULT_PORT})`)
    .option('--host <host>', 'address to listen on (default: $HOST or 127.0.0.1)')
    .option('--trust-proxy', 'take client addresses from X-Forwarded-For (behind a reverse proxy)')
    .action(async (opts: { port?: string; host?: string; trustProxy?: boolean }) => {
      const port = parsePort(opts.port ?? process.env.PORT ?? String(DEFAULT_PORT));
      const host = opts.host ?? process.env.HOST ?? '127.0.0.1';
      const cf = await open();
      let server: Awaited<ReturnType<typeof services.serve>>;
      try {
        server = await services.serve(cf, { port, host, trustProxy: opts.trustProxy === true });
      } catch (error) {
        await cf.close();
        throw error;
      }
      out({ listening: server.address, db: cf.location }, () => `caseflow API listening on ${server.address} (docs: ${server.address}/docs, database: ${cf.location})`);
      await new Promise<void>((resolve) => {
        const stop = (signal: NodeJS.Signals): void => {
          signals.off('SIGTERM', stop);
          signals.off('SIGINT', stop);
          server.log('shutting down: finishing requests in flight', { signal });
          server
            .close()
            .catch((error: unknown) => server.log('error while closing the server', { error: String(error) }))
            .finally(() => {
              void cf.close().finally(() => {
                server.log('stopped');
                resolve();
              });
            });
        };
        signals.once('SIGTERM', stop);
        signals.once('SIGINT', stop);
      });
    });

  const user = program.command('user').description('manage API users');
  user
    .command('add <name>')
    .description('add a user; the name is their official id, e.g. wang.fang (stored in lower case)')
    .requiredOption('--role <role>', `one of: ${USER_ROLES.join(', ')}`)
    .option('--password <password>', 'their web sign-in password (default: asked for on a terminal; without one, the user has API tokens only)')
    .action(async (name: string, opts: { role: string; password?: string }) => {
      const password = opts.password ?? (process.stdin.isTTY ? await promptNewPassword() : undefined);
      if (password !== undefined) checkPassword(password);
      await withCaseflow(async (cf) => {
        const added = await cf.accounts.addUser(name, opts.role);
        if (password !== undefined) await cf.accounts.setPassword(added.name, password);
        out(added, () => `user ${added.name} added with role ${added.role}${password === undefined ? ' (no web password: set one with `caseflow user password ' + added.name + '`)' : ''}`);
      });
    });
  user
    .command('password <name>')
    .description('set a user’s web sign-in password (asked for, or read from --password); signs them out everywhere')
    .option('--password <password>', 'the new password (default: asked for)')
    .action(async (name: string, opts: { password?: string }) => {
      const password = opts.password ?? (await promptNewPassword());
      await withCaseflow(async (cf) => {
        const changed = await cf.accounts.setPassword(name, password);
        out(changed, () => `password of ${changed.name} set; their web sessions are signed out`);
      });
    });
  user
    .command('disable <name>')
    .description('disable a user: none of their tokens works any more')
    .action((name: string) =>
      withCaseflow(async (cf) => {
        const disabled = await cf.accounts.disableUser(name);
        out(disabled, () => `user ${disabled.name} disabled`);
      }),
    );
  user
    .command('list')
    .description('list users')
    .action(() =>
      withCaseflow(async (cf) => {
        const users = await cf.accounts.listUsers();
        out(users, () => users.map((u) => `${u.name.padEnd(24)} ${u.role}`).join('\n') || 'no users');
      }),
    );

  const token = program.command('token').description('manage API tokens');
  token
    .command('create')
    .description('create an API token for a user; it is printed once and stored only as a hash')
    .requiredOption('--user <name>', 'whose token')
    .option('--label <text>', 'what the token is for, e.g. "laptop"')
    .action((opts: { user: string; label?: string }) =>
      withCaseflow(async (cf) => {
        const issued = await cf.accounts.createToken(opts.user, opts.label);
        out(
          issued,
          () =>
            `${issued.token}\n\nToken ${issued.id} for ${issued.user}. This is the only time it is shown: store it now.\n` +
            `Use it as:  Authorization: Bearer <token>`,
        );
      }),
    );
  token
    .command('revoke <id>')
    .description('revoke an API token by its id (tok_…)')
    .action((id: string) =>
      withCaseflow(async (cf) => {
        const revoked = await cf.accounts.revokeToken(id);
        out(revoked, () => `token ${revoked.id} of ${revoked.user} revoked`);
      }),
    );
}
