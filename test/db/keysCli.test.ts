/**
 * `caseflow keys` as an operator runs it on a data file: generate a key, file a named clue with it
 * (in this process, as a server holding that key would), generate a second key and rotate onto it
 * with the first kept in the keyring. (Named intake without a key: test/api/identityKeyMissing.test.ts.)
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import Database from 'better-sqlite3';
import { composeCaseflow } from '../../app/compose';
import { identitySealFromEnv } from '../../app/identityKeys';
import { CLI } from '../support/processes';

const run = promisify(execFile);

describe('caseflow keys on a data file', () => {
  let dir: string;
  let db: string;
  const caseflow = async (env: Record<string, string>, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> => {
    try {
      const { stdout, stderr } = await run(process.execPath, [CLI, '--db', db, ...args], {
        cwd: dir,
        env: { ...process.env, DATABASE_URL: '', CASEFLOW_IDENTITY_KEY: '', CASEFLOW_IDENTITY_KEY_FILE: '', CASEFLOW_IDENTITY_KEYRING_FILE: '', ...env },
      });
      return { code: 0, stdout, stderr };
    } catch (error) {
      const e = error as { code: number; stdout: string; stderr: string };
      return { code: e.code, stdout: e.stdout, stderr: e.stderr };
    }
  };
  const clue = {
    aspect: 'slowResponseToPublic',
    summary: 'The permit office has not answered for three weeks',
    subject: { officialId: 'he.ping', name: 'He Ping', post: 'Deputy director', unit: 'Municipal Housing Bureau' },
    channel: 'hotline',
    anonymous: false,
  };

  const keyIds = () => {
    const sqlite = new Database(db, { readonly: true });
    try {
      return (sqlite.prepare('SELECT key_id FROM reporter_identities ORDER BY case_id').all() as { key_id: string }[]).map((r) => r.key_id);
    } finally {
      sqlite.close();
    }
  };

  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'caseflow-keys-'));
    db = path.join(dir, 'caseflow.sqlite');
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('seals with the generated key, and rotates onto a new key keeping the old one readable', async () => {
    const k1 = path.join(dir, 'k1.key');
    expect((await caseflow({}, '--json', 'keys', 'generate', '--kid', 'k1', '--out', k1)).stdout).toContain('"kid": "k1"');
    expect(fs.statSync(k1).mode & 0o077).toBe(0);
    const cf = composeCaseflow({ dbFile: db, identitySeal: identitySealFromEnv({ CASEFLOW_IDENTITY_KEY_FILE: k1 }) });
    try {
      await cf.engine.createCase({ type: 'clue', input: clue, actor: { id: 'wang.fang', role: 'intakeClerk' }, reporter: { name: 'Zhang San', contact: '138-0000-0000' } });
    } finally {
      await cf.close();
    }
    expect(keyIds()).toEqual(['k1']);

    const k2 = path.join(dir, 'k2.key');
    await caseflow({}, 'keys', 'generate', '--kid', 'k2', '--out', k2);
    const rotated = await caseflow({ CASEFLOW_IDENTITY_KEY_FILE: k2, CASEFLOW_IDENTITY_KEYRING_FILE: k1 }, '--json', 'keys', 'rotate');
    expect(rotated.code).toBe(0);
    expect(JSON.parse(rotated.stdout)).toEqual({ keyId: 'k2', sealed: 0, rewrapped: 1 });
    expect(keyIds()).toEqual(['k2']);
    const bytes = Buffer.concat([db, `${db}-wal`].filter((f) => fs.existsSync(f)).map((f) => fs.readFileSync(f)));
    expect(bytes.includes(Buffer.from('Zhang San'))).toBe(false);
    expect(bytes.includes(Buffer.from('138-0000-0000'))).toBe(false);
    // three CLI processes on a machine shared with other suites
  }, 120_000);
});
