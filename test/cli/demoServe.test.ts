/**
 * `caseflow demo --serve`, run as a real process: after the demo it serves the web app on the demo
 * data and prints the URL and the demo sign-ins; the demo supervisor signs in and finds the late
 * Transport Bureau on the overdue board; SIGTERM stops it cleanly.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CLI } from '../support/processes';
import { WebClient } from '../web/support/web';

jest.setTimeout(120_000);

describe('caseflow demo --serve', () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'caseflow-demo-serve-'));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('serves the demo data, prints the sign-ins, and the demo supervisor finds the late unit on the board', async () => {
    const child = spawn(process.execPath, [CLI, 'demo', '--fresh-db', path.join(dir, 'demo.sqlite'), '--serve', '--port', '0'], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      const until = Date.now() + 100_000;
      while (!/open (http:\/\/\S+)\//.test(stdout)) {
        if (child.exitCode !== null || Date.now() > until) throw new Error(`demo --serve did not serve: ${stdout}${stderr}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      const url = /open (http:\/\/\S+)\//.exec(stdout)![1]!;
      const password = /sign in with password "([^"]+)"/.exec(stdout)![1]!;
      expect(stdout).toMatch(/li\.wei +supervisor/);
      const supervisor = new WebClient(url);
      await supervisor.get('/login');
      expect((await supervisor.post('/login', { name: 'li.wei', password })).status).toBe(303);
      const board = await supervisor.get('/board');
      expect(board.status).toBe(200);
      // the tests have a Redis, so part 2 ran: Transport missed 21:00, Housing answered in time
      expect(stdout).toContain('Part 2');
      const rows = [...board.html.matchAll(/<tr data-case="[^"]+">([\s\S]*?)<\/tr>/g)].map((m) => m[1]!);
      expect(rows.filter((row) => row.includes('Municipal Transport Bureau'))).toHaveLength(1);
      expect(rows.filter((row) => row.includes('Municipal Housing Bureau'))).toEqual([]);
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
  });
});
