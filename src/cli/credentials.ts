/**
 * Where the CLI finds the server it acts through and the token it acts with: `CASEFLOW_URL` and
 * `CASEFLOW_TOKEN`, else the login `caseflow login` stored in `$XDG_CONFIG_HOME/caseflow/login.json`
 * (or `~/.config/caseflow/login.json`), a file only its owner may read (mode 0600).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CaseflowError } from '../errors';

/** What `caseflow login` keeps: the server, the token, and whose it is. */
export interface StoredLogin {
  url: string;
  token: string;
  user: string;
  role: string;
  /** The token's id when `login` created it (signing in with a password), so `logout` revokes it. */
  tokenId: string | null;
}

/** The server and token a caseworker command uses. */
export interface Credentials {
  url: string;
  token: string;
}

/** No server or no token to act through. */
export class NotSignedInError extends CaseflowError {
  constructor(missing: 'url' | 'token') {
    super(
      'NOT_SIGNED_IN',
      `This command acts through a caseflow server as the person its token belongs to, and no ${missing === 'url' ? 'server address' : 'token'} is set. ` +
        'Sign in with `caseflow login --url URL`, or set CASEFLOW_URL and CASEFLOW_TOKEN.',
      { missing },
    );
  }
}

/** The folder caseflow keeps its login in, from the environment `env`. */
export function configDir(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_CONFIG_HOME && path.isAbsolute(env.XDG_CONFIG_HOME) ? env.XDG_CONFIG_HOME : path.join(env.HOME || os.homedir(), '.config');
  return path.join(base, 'caseflow');
}

/** The stored login's file. */
export const loginFile = (env: NodeJS.ProcessEnv = process.env): string => path.join(configDir(env), 'login.json');

/** The stored login, or null when there is none (or it cannot be read as one). */
export function readLogin(env: NodeJS.ProcessEnv = process.env): StoredLogin | null {
  let text: string;
  try {
    text = fs.readFileSync(loginFile(env), 'utf8');
  } catch {
    return null;
  }
  try {
    const value = JSON.parse(text) as Partial<StoredLogin>;
    if (typeof value.url !== 'string' || typeof value.token !== 'string') return null;
    return { url: value.url, token: value.token, user: String(value.user ?? ''), role: String(value.role ?? ''), tokenId: typeof value.tokenId === 'string' ? value.tokenId : null };
  } catch {
    return null;
  }
}

/** Stores `login` in a file only its owner may read (0600, in a folder only they may open), replacing any earlier one; answers the file. */
export function writeLogin(login: StoredLogin, env: NodeJS.ProcessEnv = process.env): string {
  const dir = configDir(env);
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const file = loginFile(env);
  const temp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(temp, `${JSON.stringify(login, null, 2)}\n`, { mode: 0o600 });
  fs.chmodSync(temp, 0o600);
  fs.renameSync(temp, file);
  return file;
}

/** Removes the stored login; answers whether there was one. */
export function removeLogin(env: NodeJS.ProcessEnv = process.env): boolean {
  try {
    fs.unlinkSync(loginFile(env));
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
}

/** The server and token to act with: each from the environment when set there, else from the stored login. */
export function resolveCredentials(env: NodeJS.ProcessEnv = process.env): Credentials {
  const stored = readLogin(env);
  const url = env.CASEFLOW_URL?.trim() || stored?.url;
  const token = env.CASEFLOW_TOKEN?.trim() || stored?.token;
  if (!url) throw new NotSignedInError('url');
  if (!token) throw new NotSignedInError('token');
  return { url, token };
}
