/**
 * `caseflow audit` as a new user runs it: verify a data file and see it pass, take a signed
 * checkpoint, edit one row with SQL and see verify fail, naming the entry and why.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import Database from 'better-sqlite3';
import { openCaseflow } from '../../app/compose';
import { CLI } from '../support/processes';

const run = promisify(execFile);

describe('caseflow audit on a data file', () => {
  let dir: string;
  let db: string;
  let keyFile: string;
  const caseflow = async (...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> => {
    try {
      const { stdout, stderr } = await run(process.execPath, [CLI, '--db', db, ...args], { cwd: dir, env: { ...process.env, DATABASE_URL: '', CASEFLOW_AUDIT_KEY_FILE: keyFile } });
      return { code: 0, stdout, stderr };
    } catch (error) {
      const e = error as { code: number; stdout: string; stderr: string };
      return { code: e.code, stdout: e.stdout, stderr: e.stderr };
    }
  };

  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'caseflow-audit-'));
    db = path.join(dir, 'caseflow.sqlite');
    keyFile = path.join(dir, 'audit-key.pem');
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('passes on an untouched file, fails after one row is edited, and a checkpoint catches a cut-off tail', async () => {
    // eight commands, each a process of its own
    const airedAt = new Date(Math.floor(Date.now() / 60_000) * 60_000 - 60_000).toISOString();
    // the case written by the engine on the file, as `caseflow serve` would
    const cf = await openCaseflow({ dbFile: db });
    let caseId: string;
    try {
      const supervisor = { id: 'li.wei', role: 'supervisor' } as const;
      caseId = (await cf.engine.createCase({ type: 'rectification', input: { unit: 'Housing Bureau', report: 'Seeing: stamps take weeks', airedAt }, actor: supervisor })).id;
      await cf.engine.applyEvent(caseId, { type: 'NOTIFY_UNIT', liaisonId: 'zhou.min' }, supervisor);
    } finally {
      await cf.close();
    }

    const all = await caseflow('audit', 'verify', '--all');
    expect(all).toMatchObject({ code: 0, stdout: expect.stringMatching(/^OK: 1 case\(s\), 2 log entries checked/) });
    expect(await caseflow('audit', 'verify', caseId)).toMatchObject({ code: 0, stdout: expect.stringContaining('OK: 1 case(s), 2 log entries') });

    expect((await caseflow('audit', 'checkpoint')).stderr).toContain('AUDIT_KEY_INVALID');
    expect((await caseflow('audit', 'keygen', '--out', keyFile)).code).toBe(0);
    expect(fs.statSync(keyFile).mode & 0o077).toBe(0);
    const checkpointFile = path.join(dir, 'checkpoint.json');
    expect((await caseflow('audit', 'checkpoint', '--out', checkpointFile)).code).toBe(0);
    expect(await caseflow('audit', 'verify', '--all', '--checkpoint', checkpointFile)).toMatchObject({ code: 0, stdout: expect.stringContaining('matches') });

    const raw = new Database(db);
    try {
      expect(() => raw.prepare("UPDATE case_events SET actor_id = 'mallory' WHERE type = 'NOTIFY_UNIT'").run()).toThrow(/append-only/);
      raw.exec('DROP TRIGGER case_events_no_update; DROP TRIGGER case_events_no_delete;');
      raw.prepare("UPDATE case_events SET actor_id = 'mallory' WHERE type = 'NOTIFY_UNIT'").run();
    } finally {
      raw.close();
    }
    const broken = await caseflow('audit', 'verify', caseId);
    expect(broken.code).toBe(1);
    expect(broken.stderr).toMatch(new RegExp(`^CASE_LOG_BROKEN: Case ${caseId}: entry #2 \\(id \\d+\\) no longer matches its hash: its stored values were edited`));
    const json = await caseflow('--json', 'audit', 'verify', '--all');
    expect(JSON.parse(json.stderr)).toMatchObject({ code: 'CASE_LOG_BROKEN', details: { ok: false, breaks: [{ caseId, reason: 'edited', seq: 2 }] } });

    const cut = new Database(db);
    try {
      cut.prepare("DELETE FROM case_events WHERE type = 'NOTIFY_UNIT'").run();
      cut.prepare('UPDATE cases SET chain_seq = 1, chain_head = (SELECT hash FROM case_events WHERE case_id = ? AND seq = 1) WHERE id = ?').run(caseId, caseId);
    } finally {
      cut.close();
    }
    expect((await caseflow('audit', 'verify', caseId)).code).toBe(0);
    const against = await caseflow('audit', 'verify', '--all', '--checkpoint', checkpointFile);
    expect(against.code).toBe(1);
    expect(against.stderr).toContain('its tail was cut off');
  }, 120_000);

  it('refuses a case id together with --all, and neither', async () => {
    expect((await caseflow('audit', 'verify')).stderr).toContain('INVALID_PAYLOAD');
    expect((await caseflow('audit', 'verify', 'RC-1', '--all')).stderr).toContain('INVALID_PAYLOAD');
  });
});
