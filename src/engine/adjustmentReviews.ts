/**
 * Repeated findings open an adjustment review (office policy `adjustmentReview.patterns`), decided
 * in the transaction of the event that completes the pattern:
 * - `repeatedAdmonishments`: a clue decides the `admonishments`th admonishment of the same official
 *   within `withinMonths` months (admonishments a review already names are not counted again);
 * - `rectificationFailedAfterRedCard`: a rectification ordered on a clue about the official, with a
 *   red card of the unit's limits on record, is assessed as failed or escalated — by a supervisor, or by
 *   the red card that escalates it (the deadline worker's step) — once per rectification. A red card
 *   the catch-up records before a caseworker's event (catchUp.ts) is part of the case that event
 *   moves: an ESCALATE or ASSESS_FAILED after it completes the pattern in that one transaction. A
 *   caught-up red card that itself escalates the case ends it (`escalated` is final), so the
 *   caseworker's event is refused and nothing is written; the deadline worker's step then opens it.
 * The review is opened for the Organization Department and names the cases that triggered it; each of
 * those cases' logs notes it (ADJUSTMENT_REVIEW_OPENED). Officials are matched through canonicalOfficialId.
 *
 * The review and the cases it rests on show each other in their views' `links` (`reviewLinks`), open
 * or closed: the review names them (`openedBy`), each of them names the review (`openedReview`).
 */
import { DateTime } from 'luxon';
import type { Tx } from '../../db/port';
import type { CaseRecord, NewCaseEvent } from '../../db/records';
import { canonicalOfficialId, sameOfficial } from '../../machines/officials';
import type { AdjustmentReviewPolicy } from '../officePolicy';
import { decideOpen, type DecideContext } from './decide';
import { LINKED_CASES, type CaseLink } from './links';
import { contextOf } from './officialRecord';
import { emptyPlan, mergePlans, type WritePlan } from './plan';

/** The case type a pattern opens. */
export const ADJUSTMENT_REVIEW = 'adjustmentReview';

/** The actor the pattern rules open reviews as: the linked-case rules. */
const ADJUSTMENT_PATTERNS = LINKED_CASES;

export type AdjustmentPattern = keyof AdjustmentReviewPolicy['patterns'];

/** A case the pattern rests on, and what it shows. */
interface Trigger {
  row: CaseRecord;
  finding: string;
}

/** A pattern that completed: about whom, why, and on which cases. */
interface Occurrence {
  pattern: AdjustmentPattern;
  subject: { officialId: string; name: string; unit?: string };
  summary: string;
  basis: string;
  triggers: Trigger[];
  timeZone: string;
}

interface ClueFacts {
  subject: { officialId: string | null; name: string; unit: string };
  outcome: { result: string; at: string } | null;
  timeZone: string;
}

interface ReviewFacts {
  pattern: string | null;
  triggeredBy: { caseId: string }[];
}

/** The case ids the reviews in `record` already name under `pattern`. */
function namedBy(record: readonly CaseRecord[], pattern: AdjustmentPattern): Set<string> {
  const named = new Set<string>();
  for (const review of record.filter((c) => c.type === ADJUSTMENT_REVIEW)) {
    const facts = contextOf<ReviewFacts>(review);
    if (facts.pattern === pattern) for (const t of facts.triggeredBy ?? []) named.add(t.caseId);
  }
  return named;
}

const day = (iso: string, zone: string): string => DateTime.fromISO(iso, { zone }).toISODate() ?? iso;

/**
 * Decides, purely, whether the clue `decided` (just decided) completes the repeated-admonishments
 * pattern with the official's `record` (their other cases, reviews included) at `now`.
 */
export function admonishmentsPattern(rule: AdjustmentReviewPolicy['patterns']['repeatedAdmonishments'], decided: CaseRecord, record: readonly CaseRecord[], now: number): Occurrence | null {
  const own = contextOf<ClueFacts>(decided);
  if (!rule.enabled || decided.type !== 'clue' || own.outcome?.result !== 'admonished' || !own.subject?.officialId) return null;
  const zone = own.timeZone ?? decided.timeZone;
  const since = DateTime.fromMillis(now, { zone }).minus({ months: rule.withinMonths }).toMillis();
  const named = namedBy(record, 'repeatedAdmonishments');
  const admonished = [decided, ...record.filter((c) => c.type === 'clue' && c.id !== decided.id)]
    .map((row) => ({ row, at: contextOf<ClueFacts>(row).outcome }))
    .filter(({ row, at }) => at?.result === 'admonished' && Date.parse(at.at) >= since && !named.has(row.id))
    .sort((a, b) => Date.parse(a.at!.at) - Date.parse(b.at!.at));
  if (admonished.length < rule.admonishments) return null;
  const triggers = admonished.slice(-rule.admonishments).map(({ row, at }) => ({ row, finding: `admonished on ${day(at!.at, zone)}` }));
  return {
    pattern: 'repeatedAdmonishments',
    subject: { officialId: own.subject.officialId, name: own.subject.name, unit: own.subject.unit },
    summary: `Admonished ${triggers.length} times within ${rule.withinMonths} months (${triggers.map((t) => t.row.id).join(', ')})`,
    basis: rule.basis,
    triggers,
    timeZone: zone,
  };
}

/**
 * Reads, in `tx`, whether the rectification `before` → `after` (on `eventType`) completes the
 * rectification-failed-after-a-red-card pattern for the official of the clue that ordered it.
 */
async function failedRectificationPattern(tx: Tx, rule: AdjustmentReviewPolicy['patterns']['rectificationFailedAfterRedCard'], before: CaseRecord, after: CaseRecord, eventType: string): Promise<Occurrence | null> {
  if (!rule.enabled || before.type !== 'rectification') return null;
  const failed = eventType === 'ASSESS_FAILED' || (after.state === 'escalated' && before.state !== 'escalated');
  // the red cards as the case holds them after the event: a red card that escalates the case is one of them
  const facts = contextOf<{ escalations: { kind: string; at: string }[]; sourceCaseId: string | null }>(after);
  const red = facts.escalations?.[0];
  if (!failed || !red || !facts.sourceCaseId) return null;
  const clue = await tx.cases.byId(facts.sourceCaseId);
  const subject = clue?.subjectId ? canonicalOfficialId(clue.subjectId) : '';
  if (!clue || subject === '') return null;
  const record = (await tx.cases.allAbout(subject)).filter((c) => sameOfficial(c.subjectId, subject));
  if (namedBy(record, 'rectificationFailedAfterRedCard').has(before.id)) return null;
  const clueFacts = contextOf<ClueFacts>(clue);
  const how = eventType === 'ASSESS_FAILED' ? 'assessed as failed' : 'escalated';
  return {
    pattern: 'rectificationFailedAfterRedCard',
    subject: { officialId: subject, name: clueFacts.subject?.name ?? subject, unit: clueFacts.subject?.unit },
    summary: `The rectification ${before.id}, ordered on clue ${clue.id}, was ${how} after a red card on ${red.kind}`,
    basis: rule.basis,
    triggers: [
      { row: after, finding: `${how} after a red card on ${red.kind} (${day(red.at, after.timeZone)})` },
      { row: clue, finding: `ordered the rectification ${before.id}` },
    ],
    timeZone: after.timeZone,
  };
}

/** A note in a triggering case's log that the review opened, at `version`. */
const noteOpened = (on: CaseRecord, version: number, at: number, review: string, pattern: AdjustmentPattern): NewCaseEvent => ({
  caseId: on.id,
  version,
  kind: 'linkedCaseOpened',
  type: 'ADJUSTMENT_REVIEW_OPENED',
  actorId: ADJUSTMENT_PATTERNS.id,
  actorRole: ADJUSTMENT_PATTERNS.role,
  at,
  payload: JSON.stringify({ caseType: ADJUSTMENT_REVIEW, caseId: review, pattern }),
  fromState: null,
  toState: null,
});

/** Plans the review of an occurrence: its case (with its deadline) and a note in each triggering case's log. */
function planReview(ctx: DecideContext, occurrence: Occurrence, moved: CaseRecord): WritePlan {
  const definition = ctx.definitionOf(ADJUSTMENT_REVIEW);
  const input = definition.input.parse({
    subject: occurrence.subject,
    pattern: occurrence.pattern,
    summary: occurrence.summary,
    basis: occurrence.basis,
    triggeredBy: occurrence.triggers.map((t) => ({ caseId: t.row.id, type: t.row.type, finding: t.finding })),
    timeZone: occurrence.timeZone,
  });
  const opening = decideOpen(ctx, definition, input, ADJUSTMENT_PATTERNS, moved.id);
  const notes = occurrence.triggers.map((t) => noteOpened(t.row, t.row.id === moved.id ? moved.version : t.row.version, ctx.now, opening.row.id, occurrence.pattern));
  return mergePlans(opening.plan, { ...emptyPlan(), log: notes });
}

/**
 * What a decided transition of `before` to `after` (on `eventType`) opens under the policy's patterns, read and
 * decided in the command's transaction: nothing, or an adjustment review. `record` is the official's
 * other cases, as the linked-case rules read them for a clue's decision.
 */
export async function planAdjustmentReviews(
  tx: Tx,
  ctx: DecideContext,
  policy: AdjustmentReviewPolicy,
  before: CaseRecord,
  after: CaseRecord,
  eventType: string,
  record: readonly CaseRecord[],
): Promise<WritePlan> {
  const occurrence =
    before.type === 'clue' && eventType === 'DECIDE'
      ? admonishmentsPattern(policy.patterns.repeatedAdmonishments, after, record, ctx.now)
      : await failedRectificationPattern(tx, policy.patterns.rectificationFailedAfterRedCard, before, after, eventType);
  return occurrence ? planReview(ctx, occurrence, after) : emptyPlan();
}

/** What a rectification's context says of the clue that ordered it. */
interface OrderedFacts {
  sourceCaseId: string | null;
}

/**
 * Reads, in `tx`, the cases `row` is linked to through an adjustment review, open or closed: for a
 * review, the cases it rests on; for a clue or a rectification, the reviews about the official (the
 * rectification's through the clue that ordered it) that rest on it.
 */
export async function loadReviewLinked(tx: Tx, row: CaseRecord): Promise<CaseRecord[]> {
  if (row.type === ADJUSTMENT_REVIEW) {
    const found: CaseRecord[] = [];
    for (const id of new Set((contextOf<ReviewFacts>(row).triggeredBy ?? []).map((t) => t.caseId))) {
      const named = await tx.cases.byId(id);
      if (named) found.push(named);
    }
    return found;
  }
  let subjectId = row.subjectId;
  if (row.type === 'rectification') {
    const source = contextOf<OrderedFacts>(row).sourceCaseId;
    subjectId = source ? ((await tx.cases.byId(source))?.subjectId ?? null) : null;
  }
  if (row.type !== 'clue' && row.type !== 'rectification') return [];
  const subject = subjectId ? canonicalOfficialId(subjectId) : '';
  if (subject === '') return [];
  return (await tx.cases.allAbout(subject)).filter((c) => c.type === ADJUSTMENT_REVIEW && (contextOf<ReviewFacts>(c).triggeredBy ?? []).some((t) => t.caseId === row.id));
}

/** The links of `row` to the cases `loadReviewLinked` read: each with the review's basis. */
export function reviewLinks(row: CaseRecord, linked: readonly CaseRecord[]): CaseLink[] {
  const basisOf = (review: CaseRecord) => contextOf<{ basis: string }>(review).basis ?? 'Adjustment review';
  return linked.map((c) =>
    row.type === ADJUSTMENT_REVIEW
      ? { caseId: c.id, type: c.type, state: c.state, relation: 'openedBy', basis: basisOf(row) }
      : { caseId: c.id, type: c.type, state: c.state, relation: 'openedReview', basis: basisOf(c) },
  );
}
