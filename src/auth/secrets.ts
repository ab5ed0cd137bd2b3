/**
 * Secrets handed to people: API tokens and reporters' receipt codes. Both are high-entropy random
 * values shown once; only their SHA-256 hashes are stored (no salt is needed at this entropy).
 */
import { createHash, randomBytes } from 'node:crypto';

/** The prefix every API token starts with, so a leaked token is recognisable (e.g. by secret scanners). */
export const API_TOKEN_PREFIX = 'cf_';

/** Random bytes in an API token. */
const TOKEN_BYTES = 32;
/** Random bytes in a receipt code: 160 bits, 32 base-32 characters. */
const RECEIPT_BYTES = 20;
/** Crockford's base 32: no I, L, O or U, so a code read aloud or retyped is not misread. */
const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** SHA-256 of `value`, hex-encoded. */
export const sha256 = (value: string): string => createHash('sha256').update(value, 'utf8').digest('hex');

/** A new API token: `cf_` and 32 random bytes in base64url. */
export const newApiToken = (): string => `${API_TOKEN_PREFIX}${randomBytes(TOKEN_BYTES).toString('base64url')}`;

/** The stored form of an API token. */
export const apiTokenHash = (token: string): string => sha256(`caseflow-token:${token.trim()}`);

/** Bytes as Crockford base-32 characters, five bits each. */
function base32(bytes: Buffer): string {
  let out = '';
  let buffer = 0;
  let bits = 0;
  for (const byte of bytes) {
    buffer = (buffer << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += CROCKFORD[(buffer >> (bits - 5)) & 31];
      bits -= 5;
    }
    buffer &= (1 << bits) - 1;
  }
  if (bits > 0) out += CROCKFORD[(buffer << (5 - bits)) & 31];
  return out;
}

/** A new receipt code: 160 random bits as eight groups of four characters, e.g. `7KQ2-M9XH-…`. */
export function newReceiptCode(): string {
  return base32(randomBytes(RECEIPT_BYTES)).match(/.{4}/g)!.join('-');
}

/** A receipt code as typed by a person, in canonical form: upper case, no separators, O→0 and I/L→1. */
export function normalizeReceiptCode(code: string): string {
  return code.toUpperCase().replace(/[\s-]/g, '').replace(/O/g, '0').replace(/[IL]/g, '1');
}

/** The stored form of a receipt code. */
export const receiptCodeHash = (code: string): string => sha256(`caseflow-receipt:${normalizeReceiptCode(code)}`);
