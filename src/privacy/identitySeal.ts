/**
 * Sealed reporter identities: envelope encryption with node:crypto. Each identity gets a random
 * 256-bit data key; each field (name, contact) is sealed with AES-256-GCM under it, the case id and
 * the field's name bound as associated data, so a sealed value moved to another case or field does
 * not open. The data key is wrapped (AES-256-GCM) by a key-encryption key of the keyring, whose id
 * the stored identity carries: rotating re-wraps the data keys and never touches the fields.
 *
 * May import: node:crypto and the kernel (src/errors.ts). The keyring is passed in (app/identityKeys.ts reads it).
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { CaseflowError } from '../errors';

/** One key-encryption key: its id and its 32 bytes. */
export interface KeyEncryptionKey {
  kid: string;
  key: Buffer;
}

/** The key new identities are wrapped with, and every key older identities may still be wrapped with. */
export interface IdentityKeyring {
  current: KeyEncryptionKey;
  /** Every readable key by id, the current one included. */
  byId: ReadonlyMap<string, KeyEncryptionKey>;
}

/** The fields of a reporter's identity. */
export interface IdentityFields {
  name: string;
  contact: string | null;
}

/** An identity as it is stored: the wrapping key's id, the wrapped data key and the sealed fields (base64). */
export interface SealedIdentity {
  keyId: string;
  wrappedKey: string;
  /** Field name → iv ‖ tag ‖ ciphertext, base64; a missing field is absent. */
  sealedFields: Record<string, string>;
}

/** The identity key (or one it needs) is missing or not valid; the stored identities stay as they are. */
export class IdentityKeyError extends CaseflowError {
  constructor(message: string, details: Record<string, unknown> = {}) {
    super('IDENTITY_KEY_INVALID', message, details);
  }
}

/** A sealed identity did not open: the wrong case, a swapped field, a changed byte, or a key that is not this one. */
export class IdentitySealBrokenError extends CaseflowError {
  constructor(caseId: string, what: string) {
    super('IDENTITY_SEAL_BROKEN', `The sealed reporter identity of case ${caseId} does not open (${what}). It was altered, moved, or sealed with another key.`, { caseId, what });
  }
}

const IV_BYTES = 12;
const TAG_BYTES = 16;
const KEY_BYTES = 32;
const FIELD_TAG = 'caseflow/identity-field/v1';
const WRAP_TAG = 'caseflow/identity-data-key/v1';

/** Parses `kid:base64` (a key id, a colon, 32 bytes in base64). `where` names the source in the error. */
export function parseKeyEncryptionKey(text: string, where: string): KeyEncryptionKey {
  const match = /^([A-Za-z0-9._-]{1,64}):([A-Za-z0-9+/=]+)$/.exec(text.trim());
  if (!match) throw new IdentityKeyError(`The identity key in ${where} is not "kid:base64" (a key id of letters, digits, ".", "_" or "-", a colon, then 32 bytes in base64).`, { where });
  const key = Buffer.from(match[2]!, 'base64');
  if (key.length !== KEY_BYTES) throw new IdentityKeyError(`The identity key "${match[1]}" in ${where} is ${key.length} bytes; it must be 32 (base64 of 32 random bytes).`, { where, kid: match[1] });
  return { kid: match[1]!, key };
}

/** Parses key lines (`kid:base64`, one a line; blank lines and `#` comments skipped). */
export function parseKeyLines(text: string, where: string): KeyEncryptionKey[] {
  return text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'))
    .map((line, i) => parseKeyEncryptionKey(line, `${where} (line ${i + 1})`));
}

/** A keyring of `current` and the older keys; a key id used for two different keys is refused. */
export function makeKeyring(current: KeyEncryptionKey, older: readonly KeyEncryptionKey[] = []): IdentityKeyring {
  const byId = new Map<string, KeyEncryptionKey>();
  for (const k of [current, ...older]) {
    const known = byId.get(k.kid);
    if (known && !known.key.equals(k.key)) throw new IdentityKeyError(`The key id "${k.kid}" names two different keys; give each key its own id.`, { kid: k.kid });
    byId.set(k.kid, k);
  }
  return { current, byId };
}

/** A new random key-encryption key as `kid:base64`. */
export function newKeyLine(kid: string): string {
  return `${kid}:${randomBytes(KEY_BYTES).toString('base64')}`;
}

function seal(key: Buffer, plain: Buffer, aad: string): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(aad, 'utf8'));
  const body = Buffer.concat([cipher.update(plain), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64');
}

function open(key: Buffer, sealed: string, aad: string): Buffer | null {
  const bytes = Buffer.from(sealed, 'base64');
  if (bytes.length < IV_BYTES + TAG_BYTES) return null;
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, bytes.subarray(0, IV_BYTES));
    decipher.setAAD(Buffer.from(aad, 'utf8'));
    decipher.setAuthTag(bytes.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
    return Buffer.concat([decipher.update(bytes.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]);
  } catch {
    return null;
  }
}

const fieldAad = (caseId: string, field: string): string => `${FIELD_TAG}\u0000${caseId}\u0000${field}`;
const wrapAad = (caseId: string, kid: string): string => `${WRAP_TAG}\u0000${caseId}\u0000${kid}`;

/** Seals and opens reporter identities with one keyring. Built by the composition root, never a singleton. */
export class IdentitySeal {
  constructor(private readonly keyring: IdentityKeyring) {}

  /** The id of the key new identities are wrapped with. */
  get currentKeyId(): string {
    return this.keyring.current.kid;
  }

  /** Seals `fields` for case `caseId` under a fresh data key wrapped by the current key. */
  seal(caseId: string, fields: IdentityFields): SealedIdentity {
    const dataKey = randomBytes(KEY_BYTES);
    try {
      const sealedFields: Record<string, string> = {};
      for (const [field, value] of Object.entries<string | null>({ ...fields })) {
        if (value !== null) sealedFields[field] = seal(dataKey, Buffer.from(value, 'utf8'), fieldAad(caseId, field));
      }
      const { kid, key } = this.keyring.current;
      return { keyId: kid, wrappedKey: seal(key, dataKey, wrapAad(caseId, kid)), sealedFields };
    } finally {
      dataKey.fill(0);
    }
  }

  /** Opens a sealed identity of case `caseId`; IDENTITY_SEAL_BROKEN when anything about it is not as sealed. */
  open(caseId: string, sealed: SealedIdentity): IdentityFields {
    const dataKey = this.unwrap(caseId, sealed);
    try {
      const field = (name: string): string | null => {
        const value = sealed.sealedFields[name];
        if (value === undefined) return null;
        const plain = open(dataKey, value, fieldAad(caseId, name));
        if (!plain) throw new IdentitySealBrokenError(caseId, `field ${name}`);
        return plain.toString('utf8');
      };
      const name = field('name');
      if (name === null) throw new IdentitySealBrokenError(caseId, 'no name');
      return { name, contact: field('contact') };
    } finally {
      dataKey.fill(0);
    }
  }

  /** The same identity with its data key wrapped by the current key; the fields are not opened. Null when it already is. */
  rewrap(caseId: string, sealed: SealedIdentity): SealedIdentity | null {
    if (sealed.keyId === this.keyring.current.kid) return null;
    const dataKey = this.unwrap(caseId, sealed);
    try {
      const { kid, key } = this.keyring.current;
      return { ...sealed, keyId: kid, wrappedKey: seal(key, dataKey, wrapAad(caseId, kid)) };
    } finally {
      dataKey.fill(0);
    }
  }

  private unwrap(caseId: string, sealed: SealedIdentity): Buffer {
    const kek = this.keyring.byId.get(sealed.keyId);
    if (!kek) {
      throw new IdentityKeyError(`The reporter identity of case ${caseId} is wrapped with key "${sealed.keyId}", which is not in the keyring. Add that key to CASEFLOW_IDENTITY_KEYRING_FILE.`, {
        caseId,
        kid: sealed.keyId,
      });
    }
    const dataKey = open(kek.key, sealed.wrappedKey, wrapAad(caseId, sealed.keyId));
    if (!dataKey || dataKey.length !== KEY_BYTES) throw new IdentitySealBrokenError(caseId, 'data key');
    return dataKey;
  }
}
