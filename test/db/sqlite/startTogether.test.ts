/**
 * Two processes opening a new SQLite database at the same moment both come up, and the migrations
 * are applied once.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';

/** Opens the store on `file` in a new process at the moment `startAt`. */
function openAt(file: string, startAt: number): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['-r', 'tsx/cjs', path.join(__dirname, 'openAt.ts'), file, String(startAt)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    child.on('exit', (code) => resolve({ code, output }));
  });
}

describe('SQLite migrations on start', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'caseflow-start-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('two processes starting on an empty database at the same moment both come up, migrations applied once', async () => {
    const file = path.join(dir, 'new.sqlite');
    const startAt = Date.now() + 3000; // after every process has loaded the adapter
    const results = await Promise.all([openAt(file, startAt), openAt(file, startAt), openAt(file, startAt)]);
    for (const r of results) expect({ code: r.code, output: r.output }).toEqual({ code: 0, output: 'opened\n' });
    const db = new Database(file, { readonly: true });
    try {
      const applied = db.prepare('SELECT hash FROM __drizzle_migrations').all() as { hash: string }[];
      const journal = JSON.parse(fs.readFileSync(path.join(__dirname, '../../../db/sqlite/migrations/meta/_journal.json'), 'utf8')) as { entries: unknown[] };
      expect(applied).toHaveLength(journal.entries.length);
      expect(new Set(applied.map((a) => a.hash)).size).toBe(journal.entries.length);
    } finally {
      db.close();
    }
  });
});
