/**
 * A real `caseflow serve` process on a database, with users and their tokens, for tests that run the
 * CLI's caseworker commands through the HTTP API as real processes too.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { promisify } from 'node:util';
import { Accounts } from '../../src/auth/accounts';
import { systemClock } from '../../src/clock';
import type { Store } from '../../db/port';
import { captureLog } from './capture';
import { CLI, stopProcess } from './processes';

const exec = promisify(execFile);

/** What a CLI process answered. */
export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `caseflow ARGS` as a real process. */
export async function runCli(args: readonly string[], options: { cwd: string; env?: NodeJS.ProcessEnv }): Promise<CliResult> {
  try {
    const { stdout, stderr } = await exec(process.execPath, [CLI, ...args], { cwd: options.cwd, env: options.env ?? process.env });
    captureLog(`caseflow ${args[0] ?? ''} (stderr)`, stderr);
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    captureLog(`caseflow ${args[0] ?? ''} (stderr)`, e.stderr);
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

/** Adds each user with their role and answers a token for each, by name. */
export async function seedUsers(store: Store, users: Readonly<Record<string, string>>): Promise<Record<string, string>> {
  const accounts = new Accounts(store, systemClock);
  const tokens: Record<string, string> = {};
  for (const [name, role] of Object.entries(users)) {
    await accounts.addUser(name, role);
    tokens[name] = (await accounts.createToken(name, 'test')).token;
  }
  return tokens;
}

/** A running `caseflow serve`. */
export interface LiveServer {
  url: string;
  process: ChildProcess;
  /** Everything it printed so far. */
  output(): string;
  /** Stops it with SIGTERM; answers its exit code. */
  stop(): Promise<number | null>;
}

/** Starts `caseflow serve --port 0` with the global options `args` (`--db FILE`) and waits until it listens. */
export async function startServer(args: readonly string[], options: { cwd: string; env?: NodeJS.ProcessEnv }): Promise<LiveServer> {
  const child = spawn(process.execPath, [CLI, ...args, 'serve', '--port', '0'], { cwd: options.cwd, env: options.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const keep = (chunk: Buffer) => {
    output += chunk.toString();
    captureLog('caseflow serve', chunk.toString());
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const until = Date.now() + 30_000;
  while (!/listening on (http:\/\/\S+)/.test(output)) {
    if (child.exitCode !== null || Date.now() > until) {
      child.kill('SIGKILL');
      throw new Error(`serve did not start: ${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const url = /listening on (http:\/\/\S+)/.exec(output)![1]!;
  return { url, process: child, output: () => output, stop: () => stopProcess(child) };
}
