/**
 * Who a CLI command acts as. A caseworker command acts as the person its token belongs to (through
 * the HTTP API; `--role` only names which of their roles, and the server checks it); an operator
 * command, one that opens the data file itself, acts as the operator: `operator:<os user>` in the role
 * `operator`, which no account can hold. Nobody names who they are on the command line: `--as` is refused.
 */
import os from 'node:os';
import { Option } from 'commander';
import type { Actor } from '../../machines/types';
import { isInternalRole, RoleNotClaimableError } from '../auth/roles';
import { CaseflowError, InvalidPayloadError } from '../errors';

/** `--as user:role`, which the CLI once took on trust: refused, explaining the way it works now. */
export class ActorNotClaimableError extends CaseflowError {
  constructor(command: string, claimed: string) {
    super(
      'ACTOR_NOT_CLAIMABLE',
      `caseflow ${command} no longer takes --as: nobody says on the command line who they are. A caseworker command acts as the person whose token it sends, ` +
        'through the caseflow server: sign in with `caseflow login --url URL` (or set CASEFLOW_URL and CASEFLOW_TOKEN), and add --role ROLE to choose among your roles. ' +
        'Commands that open the data file (init, user, token, calendar import, audit, …) are recorded as the operator.',
      { option: '--as', claimed, command },
    );
  }
}

/** The hidden `--as` option of a command that once took it: parsed only to be refused. */
export const refusedAsOption = (): Option => new Option('--as <user:role>', 'refused: the actor is who the token says').hideHelp();

/** Throws ACTOR_NOT_CLAIMABLE when a command was given `--as`. */
export function refuseAs(command: string, opts: { as?: string }): void {
  if (opts.as !== undefined) throw new ActorNotClaimableError(command, opts.as);
}

/** The `--role` option of caseworker commands. */
export const roleOption = (): Option => new Option('--role <role>', 'which of your roles to act in (the server checks that your token’s user holds it)');

/** `--role` as given, refusing caseflow's own roles before anything is sent. */
export function claimedRole(opts: { role?: string }): string | undefined {
  const role = opts.role?.trim();
  if (role === undefined || role === '') return undefined;
  if (isInternalRole(role)) throw new RoleNotClaimableError(role, 'act in');
  return role;
}

/** The operator's actor: `operator:<os user name>` in the role `operator`; the colon keeps it apart from every account's name. */
export function operatorActor(osUser: string = safeOsUser()): Actor {
  const name = osUser.toLowerCase().replace(/[^a-z0-9._-]+/g, '_').slice(0, 64) || 'unknown';
  return { id: `operator:${name}`, role: 'operator' };
}

function safeOsUser(): string {
  try {
    return os.userInfo().username;
  } catch {
    return process.env.USER ?? process.env.LOGNAME ?? 'unknown';
  }
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
