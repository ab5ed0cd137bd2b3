/**
 * What the candidate may see of their own self-recommendation: the `applicantStatus` its state
 * declares in meta (nearest ancestor first) and a coarse stage. Never the internal state, a
 * department's view, the conference's deliberation, a clue that holds it up, or the log.
 *
 * Everyone else reads a case through the access policy (src/engine/policy.ts), which refuses the
 * official a case is about; this is the one narrow answer to them, and only on a case type whose
 * states declare it (self-recommendations). On any other case about them it answers as for an
 * unknown id, so a clue about an official is never revealed to them.
 */
import type { CaseRecord } from '../../db/records';
import { sameOfficial } from '../../machines/officials';
import type { Actor, CaseDefinition, StateMeta } from '../../machines/types';
import { CaseNotFoundError } from '../errors';

export type ApplicantStage = 'submitted' | 'inProgress' | 'concluded';

/** A candidate's view of their own self-recommendation. */
export interface ApplicantStatus {
  caseId: string;
  type: string;
  /** Where it stands, in the candidate's words. */
  status: string;
  stage: ApplicantStage;
  submittedAt: string;
}

/** The `applicantStatus` of `state` (a dotted path) or its nearest ancestor that declares one, or null. */
function declaredStatus(definition: CaseDefinition, state: string): string | null {
  const segments = state.split('.');
  for (let depth = segments.length; depth > 0; depth--) {
    let meta: StateMeta | undefined;
    try {
      meta = definition.machine.getStateNodeById(`${definition.machine.id}.${segments.slice(0, depth).join('.')}`).meta as StateMeta | undefined;
    } catch {
      meta = undefined; // a state no longer in the machine
    }
    if (meta?.applicantStatus) return meta.applicantStatus;
  }
  return null;
}

/**
 * The status of `row` (of `definition`) as its candidate `actor` may see it; CASE_NOT_FOUND, worded
 * as for an unknown id, when it is not about `actor` or its state tells the candidate nothing.
 */
export function applicantStatusOf(definition: CaseDefinition, row: CaseRecord, actor: Actor): ApplicantStatus {
  const status = sameOfficial(row.subjectId, actor.id) ? declaredStatus(definition, row.state) : null;
  if (status === null) throw new CaseNotFoundError(row.id);
  const closed = row.status === 'closed';
  const stage: ApplicantStage = closed ? 'concluded' : row.state === definition.machine.config.initial ? 'submitted' : 'inProgress';
  return { caseId: row.id, type: row.type, status, stage, submittedAt: new Date(row.createdAt).toISOString() };
}
