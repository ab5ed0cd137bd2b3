/**
 * The suite-wide byte search (test/support/capture.ts) finds what it looks for: a named reporter's
 * name or contact, a receipt code with or without its dashes, anything shaped like an API token,
 * in a captured log line or in a data file's bytes in any encoding; and finds nothing in clean lines.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { newApiToken, newReceiptCode } from '../../src/auth/secrets';
import { CAPTURE_DIR_ENV, captureLog, captureSecret, captureSecretsIn, findSecrets, newCaptureFolder, searchCapture, type CapturedSecret } from '../support/capture';

describe('the byte search over captured logs and data files', () => {
  let folder: string;
  let before: string | undefined;
  beforeEach(() => {
    // a folder of this test's own, so the run's real capture is not touched
    before = process.env[CAPTURE_DIR_ENV];
    folder = newCaptureFolder();
    process.env[CAPTURE_DIR_ENV] = folder;
  });
  afterEach(() => {
    if (before === undefined) delete process.env[CAPTURE_DIR_ENV];
    else process.env[CAPTURE_DIR_ENV] = before;
    fs.rmSync(folder, { recursive: true, force: true });
  });

  test('clean lines give no find', () => {
    captureSecretsIn({ reporter: { name: 'Qian Duoduo', contact: '139-0000-1111' } });
    captureLog('the API', '{"level":"info","message":"request completed","url":"/public/clues"}');
    expect(searchCapture(folder).finds).toEqual([]);
  });

  test('a reporter’s name and contact, from what was sent, are found in a line that holds them', () => {
    captureSecretsIn({ subject: { name: 'He Ping' }, reporter: { name: 'Qian Duoduo', contact: '139-0000-1111' } });
    captureLog('the workers', '{"message":"notice sent","to":"139-0000-1111"}');
    captureLog('caseflow serve', 'filed by Qian Duoduo\n');
    const { finds } = searchCapture(folder);
    expect(finds.map((f) => f.what).sort()).toEqual(['a reporter’s contact', 'a reporter’s name']);
    expect(finds.find((f) => f.what === 'a reporter’s name')!.where).toContain('caseflow serve');
  });

  test('a receipt code is found with and without its dashes; a token by its shape, even one never noted', () => {
    const receipt = newReceiptCode();
    captureSecretsIn({ receiptCode: receipt });
    captureLog('the API', `code ${receipt.replace(/-/g, '')}`);
    captureLog('the API', `authorization: Bearer ${newApiToken()}`);
    expect(searchCapture(folder).finds.map((f) => f.what).sort()).toEqual(['a receipt code', 'an API token']);
  });

  test('a data file holding a name in UTF-16 is caught, and a file without it is not', () => {
    const secret: CapturedSecret = { what: 'a reporter’s name', value: 'Qian Duoduo' };
    const file = path.join(os.tmpdir(), `byte-search-${process.pid}.bin`);
    fs.writeFileSync(file, Buffer.concat([Buffer.from('SQLite format 3\u0000'), Buffer.from(secret.value, 'utf16le')]));
    try {
      expect(findSecrets(fs.readFileSync(file), [secret], 'the file')).toEqual([{ what: secret.what, where: 'the file' }]);
      expect(findSecrets(Buffer.from('SQLite format 3\u0000 nothing here'), [secret], 'the file')).toEqual([]);
    } finally {
      fs.rmSync(file, { force: true });
    }
  });

  test('a secret too short to search for is refused', () => {
    expect(() => captureSecret('a reporter’s name', 'Li')).toThrow(/at least 6 characters/);
  });
});
