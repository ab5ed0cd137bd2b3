/**
 * The suite-wide byte search (issue 12): every log line the test fixtures capture — the API's log,
 * the workers' log, the stderr of every CLI, server and worker process the tests start — is kept in
 * one folder for the whole `jest` run, with every secret the fixtures saw handed out (API tokens,
 * receipt codes, named reporters' names and contacts). After the last test, `searchCapture` looks
 * for every secret, in every encoding, in every captured line, and for anything shaped like a token
 * or a receipt code; a find fails the run (test/support/captureTeardown.ts).
 *
 * A SQLite fixture's data file is searched when the fixture is cleaned up, for the secrets this test
 * process saw (only its own tests wrote that file).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Logger } from '../../src/logger';

/** The environment variable naming the run's capture folder (set by test/support/captureSetup.ts). */
export const CAPTURE_DIR_ENV = 'CASEFLOW_TEST_CAPTURE_DIR';

export const API_TOKEN = 'an API token';
const RECEIPT_CODE = 'a receipt code';
const REPORTER_NAME = 'a reporter’s name';
const REPORTER_CONTACT = 'a reporter’s contact';

/** A secret the suite handed out, and what it is. */
export interface CapturedSecret {
  what: string;
  value: string;
}

/** A place a secret was found. */
export interface Find {
  what: string;
  where: string;
}

/** Anything shaped like an API token (`cf_` and 32 base64url bytes) or a receipt code (eight groups of four). */
export const SECRET_SHAPES: readonly { what: string; pattern: RegExp }[] = [
  { what: API_TOKEN, pattern: /cf_[A-Za-z0-9_-]{43}/ },
  { what: RECEIPT_CODE, pattern: /[0-9A-HJKMNP-TV-Z]{4}(?:-[0-9A-HJKMNP-TV-Z]{4}){7}/ },
];

const dir = (): string | undefined => process.env[CAPTURE_DIR_ENV];
const own = (kind: 'secrets' | 'log'): string => path.join(dir()!, `${kind}-${process.pid}.${kind === 'log' ? 'log' : 'jsonl'}`);

/** Secrets seen in this process, in order, so a fixture can search its data file for those seen since it opened. */
const seenHere: CapturedSecret[] = [];
const seenKeys = new Set<string>();
/** Secrets already written to a capture folder's file, by folder. */
const writtenKeys = new Set<string>();

/** Notes a secret the suite handed out (shorter than 6 characters it could match by chance: refused). */
export function captureSecret(what: string, value: string): void {
  if (value.length < 6) throw new Error(`a secret to search for must be at least 6 characters (${what})`);
  const key = `${what}\u0000${value}`;
  if (!seenKeys.has(key)) seenHere.push({ what, value });
  seenKeys.add(key);
  // tokens (many) are found in the logs by their shape; the rest by value too (a receipt code also without dashes)
  const written = `${dir()}\u0000${key}`;
  if (writtenKeys.has(written)) return;
  writtenKeys.add(written);
  if (dir() && what !== API_TOKEN) fs.appendFileSync(own('secrets'), `${JSON.stringify({ what, value })}\n`);
}

/** How many secrets this process has seen: a mark for `assertDataFileHoldsNoSecret`. */
export const secretsSeenSoFar = (): number => seenHere.length;

/** Keeps captured log text (one or more lines) from `source`, e.g. "api" or "caseflow worker". */
export function captureLog(source: string, text: string): void {
  if (!dir() || text.length === 0) return;
  fs.appendFileSync(own('log'), `${JSON.stringify({ source, text })}\n`);
}

/** A logger whose lines are captured for the search (and otherwise discarded). */
export function capturingLogger(source: string): Logger {
  const write = (level: string) => (message: string, fields?: Record<string, unknown>) => captureLog(source, JSON.stringify({ level, message, ...fields }));
  return { info: write('info'), warn: write('warn'), error: write('error') };
}

/**
 * Notes the secrets a JSON value carries: a named reporter (`reporter: {name, contact}`) in what
 * was sent, a `token` or `receiptCode` in what was answered.
 */
export function captureSecretsIn(value: unknown): void {
  if (Array.isArray(value)) return value.forEach(captureSecretsIn);
  if (value === null || typeof value !== 'object') return;
  for (const [key, field] of Object.entries(value as Record<string, unknown>)) {
    if (key === 'reporter' && field !== null && typeof field === 'object') {
      const { name, contact } = field as { name?: unknown; contact?: unknown };
      if (typeof name === 'string' && name.length >= 6) captureSecret(REPORTER_NAME, name);
      if (typeof contact === 'string' && contact.length >= 6) captureSecret(REPORTER_CONTACT, contact);
    } else if ((key === 'token' || key === 'receiptCode') && typeof field === 'string' && field.length >= 6) {
      captureSecret(key === 'token' ? API_TOKEN : RECEIPT_CODE, field);
    } else captureSecretsIn(field);
  }
}

/** Every way `text` could sit in bytes: UTF-8 and UTF-16 in both byte orders; a receipt code also without its dashes. */
export function needles(secret: CapturedSecret): Buffer[] {
  const forms = secret.what === RECEIPT_CODE ? [secret.value, secret.value.replace(/-/g, '')] : [secret.value];
  return forms.flatMap((text) => [Buffer.from(text, 'utf8'), Buffer.from(text, 'utf16le'), Buffer.from(text, 'utf16le').swap16()]);
}

/** What of `secrets` is in `bytes` (every encoding), and what of `shapes` (read as Latin-1, one byte a character), each named with `where`. */
export function findSecrets(bytes: Buffer, secrets: Iterable<CapturedSecret>, where: string, shapes: typeof SECRET_SHAPES = SECRET_SHAPES): Find[] {
  const finds: Find[] = [];
  for (const secret of secrets) if (needles(secret).some((needle) => bytes.includes(needle))) finds.push({ what: secret.what, where });
  const text = bytes.toString('latin1');
  for (const shape of shapes) if (shape.pattern.test(text)) finds.push({ what: shape.what, where });
  return finds;
}

/** Throws if the SQLite data file `file` (with its -wal) holds a secret seen since mark `since`, or anything shaped like one. */
export function assertDataFileHoldsNoSecret(file: string, since: number): void {
  const bytes = Buffer.concat([file, `${file}-wal`].filter((f) => fs.existsSync(f)).map((f) => fs.readFileSync(f)));
  const finds = findSecrets(bytes, seenHere.slice(since), `the data file ${path.basename(file)}`);
  if (finds.length > 0) throw new Error(`secrets in the data file ${file}: ${finds.map((f) => f.what).join(', ')}`);
}

/**
 * Searches the capture folder `folder`: every captured line for every named reporter's name and
 * contact the run saw, and for anything shaped like a token or a receipt code.
 */
export function searchCapture(folder: string): { finds: Find[]; lines: number; secrets: number } {
  const files = fs.readdirSync(folder);
  const secrets = new Map<string, CapturedSecret>();
  for (const file of files.filter((f) => f.startsWith('secrets-'))) {
    for (const line of fs.readFileSync(path.join(folder, file), 'utf8').split('\n').filter(Boolean)) {
      const secret = JSON.parse(line) as CapturedSecret;
      secrets.set(`${secret.what}\u0000${secret.value}`, secret);
    }
  }
  const finds: Find[] = [];
  let lines = 0;
  for (const file of files.filter((f) => f.startsWith('log-'))) {
    const entries = fs.readFileSync(path.join(folder, file), 'utf8').split('\n').filter(Boolean);
    lines += entries.length;
    const whole = Buffer.from(entries.map((entry) => (JSON.parse(entry) as { text: string }).text).join('\n'), 'utf8');
    // one pass over the file's text; only a find is looked for again, line by line, to say where
    if (findSecrets(whole, secrets.values(), file).length === 0) continue;
    for (const entry of entries) {
      const { source, text } = JSON.parse(entry) as { source: string; text: string };
      finds.push(...findSecrets(Buffer.from(text, 'utf8'), secrets.values(), `a line of ${source}: ${text.slice(0, 200)}`));
    }
  }
  return { finds, lines, secrets: secrets.size };
}

/** A new, empty capture folder for one run. */
export const newCaptureFolder = (): string => fs.mkdtempSync(path.join(os.tmpdir(), 'caseflow-capture-'));
