/**
 * Machine versions side by side: every version of every case type this caseflow runs, keyed by
 * type and version — the current definition and the earlier ones it keeps in `previousVersions`.
 * A migration moves open cases from the version they were opened on to another one listed here.
 */
import type { CaseDefinition } from '../../../machines/types';
import { UnknownCaseTypeError } from '../../errors';
import { MigrationTargetUnknownError } from './errors';

/** Every machine version of the given case types. */
export class MachineVersions {
  private readonly byType = new Map<string, Map<number, CaseDefinition>>();

  constructor(definitions: readonly CaseDefinition[]) {
    for (const current of definitions) {
      const versions = new Map<number, CaseDefinition>();
      for (const d of [current, ...(current.previousVersions ?? [])]) if (!versions.has(d.machineVersion)) versions.set(d.machineVersion, d);
      this.byType.set(current.type, versions);
    }
  }

  /** The versions of `type`, ascending; UNKNOWN_CASE_TYPE for a type caseflow does not run. */
  versionsOf(type: string): number[] {
    return [...this.versions(type).keys()].sort((a, b) => a - b);
  }

  /** Version `version` of `type`, or MIGRATION_TARGET_UNKNOWN naming the versions there are. */
  get(type: string, version: number): CaseDefinition {
    const found = this.versions(type).get(version);
    if (!found) throw new MigrationTargetUnknownError(type, version, this.versionsOf(type));
    return found;
  }

  /** Version `version` of `type`, or undefined. */
  find(type: string, version: number): CaseDefinition | undefined {
    return this.byType.get(type)?.get(version);
  }

  private versions(type: string): Map<number, CaseDefinition> {
    const found = this.byType.get(type);
    if (!found) throw new UnknownCaseTypeError(type, [...this.byType.keys()]);
    return found;
  }
}
