/**
 * Parsing the CLI's `--as user:role` into an actor.
 */
import { canonicalOfficialId, officialIdProblem } from '../../machines/officials';
import { ROLES, type Actor, type Role } from '../../machines/types';
import { InvalidPayloadError } from '../errors';

/** Reads `user:role` (e.g. `li.wei:supervisor`) into an actor, or explains the expected form. */
export function parseActor(text: string): Actor {
  const at = text.lastIndexOf(':');
  const id = text.slice(0, at).trim();
  const role = text.slice(at + 1).trim();
  if (at <= 0 || !id) {
    throw new InvalidPayloadError('--as option', [{ path: 'as', message: `expected user:role such as li.wei:supervisor, got "${text}"` }]);
  }
  if (!(ROLES as readonly string[]).includes(role)) {
    throw new InvalidPayloadError('--as option', [{ path: 'as', message: `"${role}" is not a role; roles: ${ROLES.join(', ')}` }]);
  }
  const problem = officialIdProblem(id);
  if (problem) throw new InvalidPayloadError('--as option', [{ path: 'as', message: `the user ${problem}` }]);
  return { id: canonicalOfficialId(id), role: role as Role };
}

/** Reads `key=value` pairs into an object; a value that parses as JSON is taken as JSON. */
export function parseAssignments(pairs: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new InvalidPayloadError('event fields', [{ path: pair, message: 'expected key=value' }]);
    const raw = pair.slice(eq + 1);
    let value: unknown = raw;
    try {
      value = JSON.parse(raw);
    } catch {
      value = raw;
    }
    out[pair.slice(0, eq)] = value;
  }
  return out;
}

/** Parses a JSON option, or explains which option was malformed. */
export function parseJsonOption(text: string | undefined, option: string): Record<string, unknown> {
  if (text === undefined) return {};
  try {
    const value = JSON.parse(text) as unknown;
    if (value && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // reported below
  }
  throw new InvalidPayloadError(`${option} option`, [{ path: option, message: 'must be a JSON object, e.g. {"reason":"..."}' }]);
}
