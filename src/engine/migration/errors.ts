/**
 * The errors of `migrate plan` / `migrate apply`: a target machine version this caseflow does not
 * have, and a plan made before a case's log moved on.
 */
import { CaseflowError } from '../../errors';

/** The machine version named as the migration's target is not one this caseflow runs. */
export class MigrationTargetUnknownError extends CaseflowError {
  constructor(type: string, version: number, known: readonly number[]) {
    super(
      'MIGRATION_TARGET_UNKNOWN',
      `This caseflow has no version ${version} of the ${type} machine (it has ${known.join(', ')}). Ship the new version first, keeping the old one in previousVersions, then migrate to it.`,
      { type, version, known },
    );
  }
}

/** A case's log (or the plan's target) changed since the plan was made: nothing was applied. */
export class MigrationPlanStaleError extends CaseflowError {
  constructor(stale: readonly { caseId: string; why: string }[], planDigest: string) {
    const names = stale.slice(0, 5).map((s) => `${s.caseId} (${s.why})`).join(', ');
    const more = stale.length > 5 ? ` and ${stale.length - 5} more` : '';
    super(
      'MIGRATION_PLAN_STALE',
      `The migration plan ${planDigest.slice(0, 12)} is out of date: ${names}${more} changed since it was made. Nothing was applied: run migrate plan again and review it.`,
      { planDigest, stale },
    );
  }
}
