/**
 * Running caseflow as real processes: the CLI, and `caseflow worker` for multi-process tests.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { captureLog } from './capture';

const ROOT = path.join(__dirname, '..', '..');
export const CLI = path.join(ROOT, 'bin', 'caseflow.js');

/** Starts `caseflow worker` on a database (`CASEFLOW_DB` or `DATABASE_URL` in `env`) and queue prefix; output is collected for diagnosis. */
export function spawnWorker(env: Record<string, string>): ChildProcess & { output: string[] } {
  const child = spawn(process.execPath, [CLI, 'worker'], {
    cwd: ROOT,
    env: { ...process.env, CASEFLOW_DISPATCH_INTERVAL_MS: '200', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  }) as ChildProcess & { output: string[] };
  child.output = [];
  const keep = (chunk: Buffer) => {
    child.output.push(chunk.toString());
    captureLog('caseflow worker', chunk.toString());
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  return child;
}

/** Waits for the worker to log that it started. */
export async function workerStarted(child: ChildProcess & { output: string[] }, timeoutMs = 20_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!child.output.join('').includes('workers started')) {
    if (child.exitCode !== null) throw new Error(`worker exited early (${child.exitCode}): ${child.output.join('')}`);
    if (Date.now() > until) throw new Error(`worker did not start: ${child.output.join('')}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Sends `signal` and resolves with the exit code once the process is gone. */
export function stopProcess(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve(child.exitCode);
    child.once('exit', (code) => resolve(code));
    child.kill(signal);
  });
}
