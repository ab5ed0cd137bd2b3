/**
 * Cases about the same official are linked (office policy `linkedCases`, each rule with its basis):
 * - an open clue about an official holds up that official's self-recommendation: no decision,
 *   appointment or confirmation while it is open (CASE_ON_HOLD, naming the clue); when the clue
 *   closes, its outcome is noted in the log of every self-recommendation it held;
 * - a new clue naming an official wakes every set-aside clue about them (NEW_EVIDENCE on each, and
 *   a note in the new clue's log);
 * - a clue does not close while the rectification it ordered is still open;
 * - a clue is not decided `adjusted` unless the official's record shows an earlier step: a talk or
 *   written inquiry (this clue's disposal or an earlier one's), an admonishment an earlier clue decided,
 *   a rectification a clue about them ordered that failed after a red card, or an adjustment review
 *   that retained them with a warning (officialRecord.ts).
 *
 * Officials are matched only through canonicalOfficialId / sameOfficial. The other cases are read
 * inside the command's transaction (`loadLinkedFacts`); what follows from them is decided purely
 * and joins the command's one write plan.
 */
import type { Tx } from '../../db/port';
import type { CaseRecord, NewCaseEvent } from '../../db/records';
import { canonicalOfficialId, sameOfficial } from '../../machines/officials';
import type { Actor, CaseDefinition } from '../../machines/types';
import { CaseOnHoldError, GuardRejectedError } from '../errors';
import type { OfficePolicy } from '../officePolicy';
import { clueShowsEarlierStep, orderedRectifications, rectificationsFailedAfterRedCard, reviewShowsWarning } from './officialRecord';
import { decideEvent, restoreCase, type DecideContext, type Transition } from './decide';
import { emptyPlan, mergeLinkedPlan, type WritePlan } from './plan';

/** The actor linked-case rules act as. */
export const LINKED_CASES: Actor = { id: 'linked-cases', role: 'system' };

/** Self-recommendation events an open clue about the candidate holds up: decision, appointment, confirmation. */
export const HELD_SELF_RECOMMENDATION_EVENTS: readonly string[] = ['DECIDE', 'NOTICE_PERIOD_ENDED', 'CONFIRM'];

/** What the link rules read of other cases, inside the command's transaction. */
export interface LinkedFacts {
  /** The other open cases about the same official, oldest first. */
  about: CaseRecord[];
  /** The open rectifications this clue ordered (read only when it is about to close). */
  openOrdered: CaseRecord[];
  /** Every other case about the official, open or closed (read only when a clue is decided). */
  record: CaseRecord[];
  /** The rectifications ordered by this clue or another about the official that failed after a red card (read only when a clue is decided). */
  failedRectifications: CaseRecord[];
}

/** How a linked case stands to the case whose view shows it. */
export const CASE_LINK_RELATIONS = ['heldUpBy', 'holdsUp', 'openedReview', 'openedBy'] as const;
export type CaseLinkRelation = (typeof CASE_LINK_RELATIONS)[number];

/** A link between two cases as a reader sees it. */
export interface CaseLink {
  caseId: string;
  type: string;
  state: string;
  /**
   * `heldUpBy`: this case waits for that one; `holdsUp`: that one waits for this; `openedReview`:
   * this case is one an adjustment review rests on, that review; `openedBy`: this adjustment review
   * rests on that case.
   */
  relation: CaseLinkRelation;
  basis: string;
}

const byType = (rows: readonly CaseRecord[], type: string) => rows.filter((c) => c.type === type);
const facts = (c: CaseRecord) => ({ caseId: c.id, type: c.type, state: c.state });

/** Reads, in `tx`, the other open cases about `row`'s official, and for a clue sending CLOSE the open rectifications it ordered. */
export async function loadLinkedFacts(tx: Tx, row: CaseRecord, eventType?: string): Promise<LinkedFacts> {
  const subject = row.subjectId ? canonicalOfficialId(row.subjectId) : '';
  const others = (rows: CaseRecord[]) => rows.filter((c) => c.id !== row.id && sameOfficial(c.subjectId, subject));
  const about = subject ? others(await tx.cases.openAbout(subject)) : [];
  const openOrdered = row.type === 'clue' && eventType === 'CLOSE' ? (await orderedRectifications(tx, row.id)).filter((c) => c.status === 'open') : [];
  const decided = subject !== '' && row.type === 'clue' && eventType === 'DECIDE';
  const record = decided ? others(await tx.cases.allAbout(subject)) : [];
  const failedRectifications = decided ? await rectificationsFailedAfterRedCard(tx, [row, ...byType(record, 'clue')]) : [];
  return { about, openOrdered, record, failedRectifications };
}

/** Whether the official's record shows a step that comes before an adjustment out of the post. */
const showsEarlierStep = (row: CaseRecord, linked: LinkedFacts): boolean =>
  [row, ...byType(linked.record, 'clue')].some(clueShowsEarlierStep) || linked.failedRectifications.length > 0 || linked.record.some(reviewShowsWarning);

/**
 * Throws when a linked case holds up `event` on `row` under `policy`: CASE_ON_HOLD naming the case
 * that holds it, or GUARD_REJECTED naming the rule an `adjusted` decision without an earlier step breaks.
 */
export function checkHolds(policy: OfficePolicy, row: CaseRecord, event: { type: string } & Record<string, unknown>, linked: LinkedFacts): void {
  const rules = policy.linkedCases;
  const eventType = event.type;
  if (row.type === 'clue' && eventType === 'DECIDE' && event.outcome === 'adjusted' && rules.adjustmentNeedsEarlierStep.enabled) {
    if (!showsEarlierStep(row, linked)) throw new GuardRejectedError(row.id, eventType, row.state, [{ guard: 'earlierStepOnRecord', rule: rules.adjustmentNeedsEarlierStep.basis }]);
  }
  if (row.type === 'selfRecommendation' && rules.clueHoldsSelfRecommendation.enabled && HELD_SELF_RECOMMENDATION_EVENTS.includes(eventType)) {
    const clues = byType(linked.about, 'clue');
    if (clues.length) throw new CaseOnHoldError(row.id, eventType, clues.map(facts), rules.clueHoldsSelfRecommendation.basis);
  }
  if (row.type === 'clue' && eventType === 'CLOSE' && rules.rectificationHoldsClueClosure.enabled && linked.openOrdered.length) {
    throw new CaseOnHoldError(row.id, eventType, linked.openOrdered.map(facts), rules.rectificationHoldsClueClosure.basis);
  }
}

/** The cases linked to `row`, as its view shows them. */
export function linksOf(policy: OfficePolicy, row: CaseRecord, linked: LinkedFacts): CaseLink[] {
  const rule = policy.linkedCases.clueHoldsSelfRecommendation;
  if (!rule.enabled) return [];
  const link = (c: CaseRecord, relation: CaseLink['relation']): CaseLink => ({ ...facts(c), relation, basis: rule.basis });
  if (row.type === 'selfRecommendation' && row.status === 'open') return byType(linked.about, 'clue').map((c) => link(c, 'heldUpBy'));
  if (row.type === 'clue' && row.status === 'open') return byType(linked.about, 'selfRecommendation').map((c) => link(c, 'holdsUp'));
  return [];
}

/** A note in another case's log, at its current version. */
const note = (on: CaseRecord, type: string, at: number, payload: object): NewCaseEvent => ({
  caseId: on.id,
  version: on.version,
  kind: 'linkedCaseNote',
  type,
  actorId: LINKED_CASES.id,
  actorRole: LINKED_CASES.role,
  at,
  payload: JSON.stringify(payload),
  fromState: null,
  toState: null,
});

/**
 * What follows for the linked cases from a decided transition of `before`: a clue that closed
 * leaves its outcome in the log of every open self-recommendation about the same official, and
 * says whether the hold on it lifted (no other clue about the official is open).
 */
export function planAfterTransition(ctx: DecideContext, policy: OfficePolicy, before: CaseRecord, after: Transition, linked: LinkedFacts): WritePlan {
  const plan = emptyPlan();
  if (before.type !== 'clue' || before.status !== 'open' || after.row.status !== 'closed') return plan;
  if (!policy.linkedCases.clueHoldsSelfRecommendation.enabled) return plan;
  const outcome = (after.snapshot.context as { outcome?: { result?: string; reason?: string } | null }).outcome ?? null;
  const otherClues = byType(linked.about, 'clue').map((c) => c.id);
  for (const held of byType(linked.about, 'selfRecommendation')) {
    plan.log.push(
      note(held, 'CLUE_OUTCOME_RECORDED', ctx.now, {
        clueId: before.id,
        clueState: after.row.state,
        outcome: outcome?.result ?? after.row.state,
        reason: outcome?.reason ?? null,
        holdLifted: otherClues.length === 0,
        stillHeldBy: otherClues,
      }),
    );
  }
  return plan;
}

/**
 * Wakes every set-aside clue about the official a new clue names: each gets NEW_EVIDENCE (a
 * transition in its log naming the new clue) and the new clue's log notes each one woken. Reads
 * each woken clue's running deadlines in `tx`.
 */
export async function planWakeUps(
  tx: Tx,
  ctx: DecideContext,
  policy: OfficePolicy,
  opened: CaseRecord,
  linked: LinkedFacts,
  definitionOf: (row: CaseRecord) => CaseDefinition,
): Promise<WritePlan> {
  const plan = emptyPlan();
  if (opened.type !== 'clue' || !policy.linkedCases.newClueWakesSetAside.enabled) return plan;
  for (const clue of byType(linked.about, 'clue').filter((c) => c.state === 'setAside')) {
    const definition = definitionOf(clue);
    const evidence = `A new clue (${opened.id}) names the same official. ${policy.linkedCases.newClueWakesSetAside.basis}.`;
    const woken = decideEvent(
      ctx,
      { definition, row: clue, snapshot: restoreCase(definition, clue), running: await tx.deadlines.runningOfCase(clue.id) },
      { type: 'NEW_EVIDENCE', evidence },
      LINKED_CASES,
    );
    mergeLinkedPlan(plan, woken.plan);
    plan.log.push(note(opened, 'SET_ASIDE_CLUE_WOKEN', ctx.now, { wokenCaseId: clue.id, toState: woken.row.state }));
  }
  return plan;
}
