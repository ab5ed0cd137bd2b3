/**
 * An official's record, as the adjustment rules read it: the steps that come before an adjustment
 * out of the post (调整) — a talk or written inquiry, an admonishment, a rectification that failed
 * after a red card, an adjustment review that retained the official with a warning.
 *
 * Reads go through the `Tx` of the command that asks; what they show is decided purely.
 */
import type { Tx } from '../../db/port';
import type { CaseEventRecord, CaseRecord } from '../../db/records';

/** What a clue's record shows of the steps that come before an adjustment. */
interface ClueRecordFacts {
  disposal?: { route?: string } | null;
  outcome?: { result?: string; at?: string } | null;
}

/** The context of a stored case, as its snapshot holds it. */
export const contextOf = <T>(row: CaseRecord): Partial<T> => (JSON.parse(row.snapshot) as { context?: Partial<T> }).context ?? {};

/** Whether a clue's record shows a talk or written inquiry, or an admonishment. */
export const clueShowsEarlierStep = (row: CaseRecord): boolean => {
  const facts = contextOf<ClueRecordFacts>(row);
  return facts.disposal?.route === 'talkOrWrittenInquiry' || facts.outcome?.result === 'admonished';
};

/** Whether an adjustment review ended by retaining the official with a formal warning. */
export const reviewShowsWarning = (row: CaseRecord): boolean => row.type === 'adjustmentReview' && row.state === 'retainedWithWarning';

/**
 * Whether a rectification's log shows it failed after a red card: a red card of the unit's own
 * limits (DEADLINE_ESCALATED) followed by a failed assessment (ASSESS_FAILED), or by its escalation
 * to the Discipline Inspection Commission (the case ended `escalated`).
 */
export function failedAfterRedCard(row: CaseRecord, log: readonly CaseEventRecord[]): boolean {
  const transitions = log.filter((e) => e.kind === 'transition');
  const red = transitions.findIndex((e) => e.type === 'DEADLINE_ESCALATED');
  if (red < 0) return false;
  return row.state === 'escalated' || transitions.slice(red + 1).some((e) => e.type === 'ASSESS_FAILED');
}

/** The rectifications a clue ordered, as its log names them (LINKED_CASE_OPENED). */
export async function orderedRectifications(tx: Tx, clueId: string): Promise<CaseRecord[]> {
  const found: CaseRecord[] = [];
  for (const entry of await tx.events.ofCase(clueId)) {
    if (entry.kind !== 'linkedCaseOpened') continue;
    const { caseType, caseId } = JSON.parse(entry.payload) as { caseType?: string; caseId?: string };
    const ordered = caseType === 'rectification' && caseId ? await tx.cases.byId(caseId) : undefined;
    if (ordered) found.push(ordered);
  }
  return found;
}

/** The rectifications the clues of `clues` ordered that failed after a red card, read in `tx`. */
export async function rectificationsFailedAfterRedCard(tx: Tx, clues: readonly CaseRecord[]): Promise<CaseRecord[]> {
  const failed: CaseRecord[] = [];
  for (const clue of clues) {
    for (const rectification of await orderedRectifications(tx, clue.id)) {
      if (failedAfterRedCard(rectification, await tx.events.ofCase(rectification.id))) failed.push(rectification);
    }
  }
  return failed;
}
