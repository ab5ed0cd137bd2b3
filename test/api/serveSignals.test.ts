/**
 * The package bin (bin/caseflow.js) is what users run: SIGTERM or SIGINT to it stops `caseflow
 * serve` gracefully, and so does stopping the npm process that started it (npx does not pass
 * signals on), while the server stays up as long as that parent lives.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { createTestDatabase, type TestDatabase } from '../support/backend';
import { CLI } from '../support/processes';

const ROOT = path.join(__dirname, '..', '..');

interface Served {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

/** Starts `caseflow serve` through `args` (node running the bin, or a launcher) and waits until it listens. */
async function serve(args: string[], env: Record<string, string>): Promise<Served & { url: string }> {
  const child = spawn(process.execPath, args, { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let text = '';
  child.stdout.on('data', (chunk: Buffer) => (text += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (text += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const until = Date.now() + 30_000;
  while (!/listening on (http:\/\/\S+)/.test(text)) {
    if (child.exitCode !== null || Date.now() > until) throw new Error(`serve did not start: ${text}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return { child, output: () => text, exited, url: /listening on (http:\/\/\S+)/.exec(text)![1]! };
}

/** Resolves once nothing answers at `url` any more. */
async function gone(url: string): Promise<void> {
  const until = Date.now() + 20_000;
  for (;;) {
    try {
      await fetch(`${url}/healthz`);
    } catch {
      return;
    }
    if (Date.now() > until) throw new Error(`the server at ${url} is still answering`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('signals reach caseflow serve through the package bin', () => {
  let db: TestDatabase;
  beforeEach(async () => {
    db = await createTestDatabase();
  });
  afterEach(() => db.drop());

  test.each(['SIGTERM', 'SIGINT'] as const)('%s to bin/caseflow.js stops the server gracefully', async (signal) => {
    const served = await serve([CLI, ...db.args, 'serve', '--port', '0'], db.env);
    expect((await fetch(`${served.url}/healthz`)).status).toBe(200);
    served.child.kill(signal);
    expect(await served.exited).toBe(0);
    expect(served.output()).toContain('"msg":"shutting down: finishing requests in flight"');
    expect(served.output()).toContain(`"signal":"${signal}"`);
    expect(served.output()).toContain('"msg":"stopped"');
  });

  test('stopping the npm process that started it (as npx does) stops the server too', async () => {
    // a launcher that, like npm exec, runs the bin with npm's environment and exits on SIGTERM without passing it on
    const launcher = `
      const { spawn } = require('node:child_process');
      const child = spawn(process.execPath, ${JSON.stringify([CLI, ...db.args, 'serve', '--port', '0'])}, { stdio: 'inherit', env: { ...process.env, npm_command: 'exec' } });
      process.on('SIGTERM', () => process.exit(143));`;
    const served = await serve(['-e', launcher], db.env);
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect((await fetch(`${served.url}/healthz`)).status).toBe(200);
    served.child.kill('SIGTERM');
    expect(await served.exited).toBe(143);
    await gone(served.url);
  });
});
