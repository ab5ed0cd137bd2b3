/**
 * `caseflow login`, `logout` and `whoami`: which caseflow server the caseworker commands act through,
 * and with whose token. `login --url URL` asks for a user name and web password (trading them for a
 * new token) or takes a token (`--token`, or pasted when asked), and stores it in a file only its
 * owner may read; `logout` revokes a token it created and removes the file.
 */
import os from 'node:os';
import type { Command } from 'commander';
import { InvalidPayloadError } from '../errors';
import { CaseflowClient } from './apiClient';
import type { Caseflow, CliContext } from './context';
import { readLogin, removeLogin, writeLogin, type StoredLogin } from './credentials';
import { readLine, readSecretLine } from './prompt';

/** Reads `--url`: an http(s) address. */
function parseServerUrl(text: string): string {
  try {
    const url = new URL(text);
    if (url.protocol === 'http:' || url.protocol === 'https:') return url.toString().replace(/\/+$/, '');
  } catch {
    // reported below
  }
  throw new InvalidPayloadError('--url option', [{ path: 'url', message: `expected the server's address, e.g. http://127.0.0.1:3000, got "${text}"` }]);
}

/** Adds `login`, `logout` and `whoami` to the CLI. */
export function registerLoginCommands<C extends Caseflow>(program: Command, { connect, out }: CliContext<C>): void {
  program
    .command('login')
    .description('sign in to a caseflow server for the caseworker commands: asks for your user name and password (or a token) and stores a token, readable only by you')
    .requiredOption('--url <url>', 'the server, e.g. http://127.0.0.1:3000')
    .option('--user <name>', 'your user name (asked for when neither it nor --token is given)')
    .option('--password <password>', 'your web password (default: asked for on the terminal)')
    .option('--token <token>', 'an API token instead of a password (`caseflow token create --user NAME`)')
    .action(async (opts: { url: string; user?: string; password?: string; token?: string }) => {
      const url = parseServerUrl(opts.url);
      let token = opts.token?.trim();
      let tokenId: string | null = null;
      if (!token) {
        const answer = opts.user ?? (await readLine('User name (or paste an API token): '));
        if (/^cf_/.test(answer.trim())) token = answer.trim();
        else {
          const password = opts.password ?? (await readSecretLine('Password: '));
          const issued = await new CaseflowClient({ url }).signIn(answer.trim(), password, `caseflow login on ${os.hostname()}`);
          token = issued.token;
          tokenId = issued.id;
        }
      }
      const me = await new CaseflowClient({ url, token }).me();
      const login: StoredLogin = { url, token, user: me.name, role: me.role, tokenId };
      const file = writeLogin(login);
      out({ url, user: me.name, role: me.role, file }, () => `signed in to ${url} as ${me.name} (${me.role}); the token is in ${file}`);
    });

  program
    .command('logout')
    .description('forget the stored login (and revoke its token when `login` created it)')
    .action(async () => {
      const stored = readLogin();
      let revoked = false;
      if (stored?.tokenId) {
        try {
          await new CaseflowClient({ url: stored.url, token: stored.token }).revokeToken(stored.tokenId);
          revoked = true;
        } catch {
          // the server may be gone or the token already revoked: the login is forgotten all the same
        }
      }
      const removed = removeLogin();
      out({ removed, revoked }, () => (removed ? `signed out${revoked ? '; the token is revoked' : ''}` : 'not signed in'));
    });

  program
    .command('whoami')
    .description('the user and role your token acts as, asked of the server')
    .action(async () => {
      const me = await connect(undefined).me();
      out(me, () => `${me.name} (${me.role})`);
    });
}
