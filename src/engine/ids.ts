/**
 * Case ids: a type prefix, the opening day, and 60 random bits, e.g. `RC-20261125-7KQ2M9XH4D3A`.
 */
import { randomBytes } from 'node:crypto';
import type { CaseType } from '../../machines/types';

const PREFIX: Record<CaseType, string> = { clue: 'CL', selfRecommendation: 'SR', rectification: 'RC', supervisionAction: 'SA', adjustmentReview: 'AR' };
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ'; // Crockford base32: no I, L, O, U

/** A fresh, readable, practically unique case id. */
export function randomCaseId(type: CaseType, now: number): string {
  const day = new Date(now).toISOString().slice(0, 10).replaceAll('-', '');
  const bytes = randomBytes(12);
  let suffix = '';
  for (const byte of bytes) suffix += ALPHABET[byte & 31];
  return `${PREFIX[type]}-${day}-${suffix}`;
}
