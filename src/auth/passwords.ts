/**
 * Web sign-in passwords: Argon2id hashes (the `argon2` package, OWASP's recommended parameters),
 * stored as PHC strings. A password is never stored, logged or compared in plain text.
 */
import type { HashOptions } from 'argon2';
import { InvalidPayloadError } from '../errors';

/** The argon2 binding, loaded on first use so that commands that hash no password never pay for it. */
const argon2 = () => require('argon2') as typeof import('argon2');

/** Shortest password accepted, in characters. */
export const MIN_PASSWORD_LENGTH = 10;
/** Longest password accepted, in characters (bounds the hashing work an attacker can ask for). */
export const MAX_PASSWORD_LENGTH = 200;

/** Argon2id (type 2) with 19 MiB, 2 passes, 1 lane: the OWASP password storage minimum. */
const OPTIONS = { type: 2, memoryCost: 19 * 1024, timeCost: 2, parallelism: 1 } as const satisfies HashOptions;

/** Refuses a password that is too short or too long, naming the limit. */
export function checkPassword(password: string): void {
  const length = [...password].length;
  if (length < MIN_PASSWORD_LENGTH || length > MAX_PASSWORD_LENGTH) {
    throw new InvalidPayloadError('password', [
      { path: 'password', message: `a password needs ${MIN_PASSWORD_LENGTH} to ${MAX_PASSWORD_LENGTH} characters; this one has ${length}` },
    ]);
  }
}

/** The Argon2id hash of a password that passes `checkPassword`. */
export async function hashPassword(password: string): Promise<string> {
  checkPassword(password);
  return argon2().hash(password, OPTIONS);
}

/** True when `password` matches `hash`; false for a wrong password or a malformed hash. */
export async function verifyPassword(hash: string, password: string): Promise<boolean> {
  if (password.length > MAX_PASSWORD_LENGTH * 4) return false;
  try {
    return await argon2().verify(hash, password);
  } catch {
    return false;
  }
}

/** A hash of no one's password: verifying against it costs what a real check costs, so a wrong user name answers as slowly as a wrong password. */
export const decoyHash = async (): Promise<string> => argon2().hash('caseflow-decoy-password', OPTIONS);
