/**
 * Reads the office policy file (`--policy FILE` or `CASEFLOW_POLICY`) at start-up. A file that is
 * missing, is not JSON or breaks a rule is refused with INVALID_POLICY, naming the file and field.
 */
import fs from 'node:fs';
import type { CaseDefinition } from '../machines/types';
import { DEFAULT_POLICY, InvalidPolicyError, parseOfficePolicy, type OfficePolicy } from '../src/officePolicy';

/** The policy file to read: an explicit path, else `CASEFLOW_POLICY`, else none (the defaults). */
export const resolvePolicyFile = (explicit?: string, env: NodeJS.ProcessEnv = process.env): string | undefined =>
  explicit ?? (env.CASEFLOW_POLICY || undefined);

/** The office policy in `file` (the defaults when there is no file), validated against `definitions`. */
export function loadOfficePolicy(file: string | undefined, definitions: readonly CaseDefinition[]): OfficePolicy {
  if (file === undefined) return DEFAULT_POLICY;
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw new InvalidPolicyError(file, [{ path: '', message: `it cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)})` }]);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new InvalidPolicyError(file, [{ path: '', message: `it is not JSON (${(error as Error).message})` }]);
  }
  return parseOfficePolicy(raw, definitions, file);
}
