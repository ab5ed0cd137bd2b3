/**
 * Where the identity keys come from: the environment and the files it names, read once at start and
 * handed to the engine as an IdentitySeal (src/privacy/identitySeal.ts).
 *
 * - `CASEFLOW_IDENTITY_KEY`: the current key-encryption key, `kid:base64` (32 bytes).
 * - `CASEFLOW_IDENTITY_KEY_FILE`: a file of `kid:base64` lines instead; the first is the current key,
 *   any others stay readable (the keys before a rotation).
 * - `CASEFLOW_IDENTITY_KEYRING_FILE`: older keys, one `kid:base64` a line, kept readable after a rotation.
 *
 * Neither of the first two set: no seal, and named intake is refused (IDENTITY_KEY_MISSING).
 */
import fs from 'node:fs';
import path from 'node:path';
import { IdentityKeyError, IdentitySeal, makeKeyring, newKeyLine, parseKeyEncryptionKey, parseKeyLines, type KeyEncryptionKey } from '../src/privacy/identitySeal';

export const IDENTITY_KEY_ENV = 'CASEFLOW_IDENTITY_KEY';
export const IDENTITY_KEY_FILE_ENV = 'CASEFLOW_IDENTITY_KEY_FILE';
export const IDENTITY_KEYRING_FILE_ENV = 'CASEFLOW_IDENTITY_KEYRING_FILE';

function readKeyFile(file: string, env: string): KeyEncryptionKey[] {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    throw new IdentityKeyError(`The identity key file "${file}" (${env}) cannot be read. Check the path and its permissions.`, { file, env });
  }
  return parseKeyLines(text, `${env} file "${file}"`);
}

/** The seal the environment's keys make, or null when no identity key is configured. */
export function identitySealFromEnv(env: NodeJS.ProcessEnv = process.env): IdentitySeal | null {
  const inline = env[IDENTITY_KEY_ENV]?.trim();
  const file = env[IDENTITY_KEY_FILE_ENV]?.trim();
  if (!inline && !file) return null;
  const fromFile = file ? readKeyFile(file, IDENTITY_KEY_FILE_ENV) : [];
  const current = inline ? parseKeyEncryptionKey(inline, IDENTITY_KEY_ENV) : fromFile[0];
  if (!current) throw new IdentityKeyError(`The identity key file "${file}" (${IDENTITY_KEY_FILE_ENV}) holds no key; write one "kid:base64" line (caseflow keys generate).`, { file });
  const ring = env[IDENTITY_KEYRING_FILE_ENV]?.trim();
  const older = [...fromFile, ...(ring ? readKeyFile(ring, IDENTITY_KEYRING_FILE_ENV) : [])];
  return new IdentitySeal(makeKeyring(current, older));
}

/** How long an approved reveal stays open: `CASEFLOW_IDENTITY_REVEAL_MINUTES`, else undefined (the engine's 15 minutes). */
export function revealTtlFromEnv(env: NodeJS.ProcessEnv = process.env): number | undefined {
  const text = env.CASEFLOW_IDENTITY_REVEAL_MINUTES?.trim();
  if (!text) return undefined;
  if (!/^[0-9]{1,6}$/.test(text) || Number(text) < 1) {
    throw new IdentityKeyError(`CASEFLOW_IDENTITY_REVEAL_MINUTES must be a whole number of minutes, at least 1 (got "${text}").`, { value: text });
  }
  return Number(text) * 60_000;
}

/**
 * The demo's seal: a key file beside its data file (`<file>.identity-key`, readable by its owner
 * only), made on first use, so the demo seals like production and needs no setup.
 */
export function demoIdentitySeal(dbFile: string): IdentitySeal {
  const keyFile = `${dbFile}.identity-key`;
  if (!fs.existsSync(keyFile)) {
    fs.mkdirSync(path.dirname(keyFile), { recursive: true });
    fs.writeFileSync(keyFile, `${newKeyLine('demo-1')}\n`, { mode: 0o600 });
  }
  return identitySealFromEnv({ [IDENTITY_KEY_FILE_ENV]: keyFile })!;
}
