/**
 * Card consequences (office policy `cardConsequences`): what a unit's cards lead to, decided in the
 * transaction that issues the card, so no sweep can miss or double one. Every `yellowCards` yellow
 * cards of a unit in a period bring a formal letter and points off its assessment; a red card brings
 * a talk with the unit head; `redCardsInARow` red cards with no deadline of the unit met on time
 * between them bring a talk with the top official instead. Each consequence is a supervision action
 * case (machines/supervisionAction.ts) with its own deadline, and a row the supervisors read.
 *
 * The unit is held first (`tx.consequences.holdUnit`), so two transactions issuing cards to one
 * unit count them one after the other; a card already named by a consequence is never counted twice.
 *
 * A card of a case supervisors may not read (a confidential self-recommendation: policy
 * `supervisorsRead`) counts like any other, but the supervision action names neither its case nor
 * its deadline (`CONFIDENTIAL_CARD`); only the consequence's stored row keeps them, to count each
 * card once, and the supervisors' list shows them only to a reader who may see the case.
 */
import type { Tx } from '../../db/port';
import type { CardConsequenceRecord, CardConsequenceRow, ConsequenceKind, NewWarningCard, WarningCardRecord } from '../../db/records';
import { DEFAULT_TIME_ZONE } from '../../machines/types';
import type { CardConsequencesPolicy } from '../officePolicy';
import { computeDueAt, reportingPeriodOf, type ReportingPeriod, type WorkingDayCalendar } from '../time';
import { decideOpen, type DecideContext } from './decide';
import { supervisorsRead } from './policy';
import { DEADLINE_WORKER } from './deadlinePlans';
import { emptyPlan, mergePlans, type WritePlan } from './plan';

/** The supervision action case type every consequence opens. */
export const SUPERVISION_ACTION = 'supervisionAction';

/** What a unit's record says when one of its cards is decided on. */
export interface UnitCardFacts {
  unit: string;
  /** The card being decided on, as stored. */
  card: WarningCardRecord;
  /** The period the card falls in, and the unit's cards issued in it (the card included). */
  period: ReportingPeriod;
  cardsInPeriod: readonly WarningCardRecord[];
  /** The unit's red cards since its last deadline met on time (the card included), oldest first. */
  redsSinceLastMet: readonly WarningCardRecord[];
  /** The unit's consequences so far. */
  consequences: readonly CardConsequenceRow[];
}

/** A consequence decided: its kind and the cards that triggered it. */
export interface DecidedConsequence {
  kind: ConsequenceKind;
  cards: WarningCardRecord[];
}

const cardKey = (c: { deadlineId: string; step: string }): string => `${c.deadlineId}|${c.step}`;

/** The keys of the cards the unit's consequences already name. */
function namedCards(consequences: readonly CardConsequenceRow[], kind?: ConsequenceKind): Set<string> {
  const named = new Set<string>();
  for (const c of consequences) {
    if (kind && c.kind !== kind) continue;
    for (const card of JSON.parse(c.triggeredBy) as { cardDeadlineId: string; step: string }[]) named.add(`${card.cardDeadlineId}|${card.step}`);
  }
  return named;
}

/** Decides, purely, what the card of `facts` leads to under `policy`: nothing, or one consequence. */
export function decideCardConsequence(facts: UnitCardFacts, policy: CardConsequencesPolicy): DecidedConsequence | null {
  const { card } = facts;
  if (namedCards(facts.consequences).has(cardKey(card))) return null;
  if (card.warning === 'yellow' && policy.formalLetter.enabled) {
    const lettered = namedCards(facts.consequences, 'formalLetter');
    const open = facts.cardsInPeriod.filter((c) => c.warning === 'yellow' && !lettered.has(cardKey(c)));
    return open.length >= policy.formalLetter.yellowCards ? { kind: 'formalLetter', cards: open.slice(-policy.formalLetter.yellowCards) } : null;
  }
  if (card.warning !== 'red') return null;
  if (policy.topOfficialTalk.enabled) {
    // the streak starts again after each talk with the top official
    const talked = namedCards(facts.consequences, 'topOfficialTalk');
    const lastTalk = facts.redsSinceLastMet.findLastIndex((c) => talked.has(cardKey(c)));
    const streak = facts.redsSinceLastMet.slice(lastTalk + 1);
    if (streak.length >= policy.topOfficialTalk.redCardsInARow) return { kind: 'topOfficialTalk', cards: streak.slice(-policy.topOfficialTalk.redCardsInARow) };
  }
  return policy.unitHeadTalk.enabled ? { kind: 'unitHeadTalk', cards: [card] } : null;
}

/** What a supervision action says in place of the case and deadline of a card on a case supervisors may not read. */
export const CONFIDENTIAL_CARD = 'a confidential case';

/** What is to be done, as the supervisors read it. */
function actionText(kind: ConsequenceKind, unit: string, cards: readonly WarningCardRecord[], period: ReportingPeriod, pointsOff: number): string {
  if (kind === 'formalLetter') {
    return `Send ${unit} a formal letter on its ${cards.length} yellow cards in ${period.name}, and take ${pointsOff} points off its assessment`;
  }
  if (kind === 'unitHeadTalk') return `Hold a talk with the head of ${unit} about its red card on ${cards[0]!.caseId === CONFIDENTIAL_CARD ? CONFIDENTIAL_CARD : `case ${cards[0]!.caseId}`}`;
  return `Hold a talk with the top official of ${unit} about its ${cards.length} red cards in a row`;
}

/**
 * Plans the supervision action of a decided consequence: its case (with its deadline) and its row.
 * The cards on the cases of `confidential` are named in the action as `CONFIDENTIAL_CARD`.
 */
export function planConsequence(
  ctx: DecideContext,
  facts: UnitCardFacts,
  decided: DecidedConsequence,
  policy: CardConsequencesPolicy,
  timeZone: string,
  confidential: ReadonlySet<string> = new Set(),
): WritePlan {
  const rule = policy[decided.kind];
  const pointsOff = decided.kind === 'formalLetter' ? policy.formalLetter.pointsOff : 0;
  const dueAt = computeDueAt(rule.due, ctx.now, timeZone, ctx.calendar);
  const toCard = (c: WarningCardRecord) => ({ cardDeadlineId: c.deadlineId, caseId: c.caseId, warning: c.warning, step: c.step, issuedAt: new Date(c.issuedAt).toISOString() });
  const cards = decided.cards.map(toCard);
  const named = decided.cards.map((c) => (confidential.has(c.caseId) ? { ...c, deadlineId: CONFIDENTIAL_CARD, caseId: CONFIDENTIAL_CARD } : c));
  const action = actionText(decided.kind, facts.unit, named, facts.period, pointsOff);
  const definition = ctx.definitionOf(SUPERVISION_ACTION);
  const input = definition.input.parse({
    unit: facts.unit,
    consequence: decided.kind,
    action,
    basis: rule.basis,
    dueAt: new Date(dueAt).toISOString(),
    pointsOff,
    period: facts.period.name,
    cards: named.map(toCard),
    timeZone,
  });
  const opening = decideOpen(ctx, definition, input, DEADLINE_WORKER, confidential.has(facts.card.caseId) ? undefined : facts.card.caseId);
  const row: CardConsequenceRecord = {
    caseId: opening.row.id,
    unit: facts.unit,
    kind: decided.kind,
    period: facts.period.name,
    triggeredBy: JSON.stringify(cards),
    action,
    pointsOff,
    basis: rule.basis,
    dueAt,
    createdAt: ctx.now,
  };
  return mergePlans(opening.plan, { ...emptyPlan(), consequences: [row] });
}

/** Reads what deciding on `card` needs, inside the transaction that issued it (the unit already held). */
async function unitCardFacts(tx: Tx, card: NewWarningCard & { unit: string }, timeZone: string, length: CardConsequencesPolicy['period']): Promise<UnitCardFacts | null> {
  const period = reportingPeriodOf(card.issuedAt, timeZone, length);
  const cardsInPeriod = await tx.consequences.cardsOfUnit(card.unit, period.since, period.until);
  const stored = cardsInPeriod.find((c) => cardKey(c) === cardKey(card));
  if (!stored) return null;
  const lastMet = await tx.consequences.lastMetAt(card.unit);
  const since = lastMet === null ? 0 : lastMet + 1;
  const reds = (await tx.consequences.cardsOfUnit(card.unit, since, card.issuedAt + 1)).filter((c) => c.warning === 'red');
  return { unit: card.unit, card: stored, period, cardsInPeriod, redsSinceLastMet: reds, consequences: await tx.consequences.ofUnit(card.unit) };
}

/**
 * Plans the consequences of the cards a plan just wrote (inside its transaction): each unit held,
 * then each of its yellow and red cards decided in turn, each decision seeing the ones before it.
 */
export async function planCardConsequences(
  tx: Tx,
  cards: readonly NewWarningCard[],
  ctx: DecideContext,
  policy: CardConsequencesPolicy,
  calendar: WorkingDayCalendar,
): Promise<WritePlan> {
  const plan = emptyPlan();
  const counted = cards.filter((c): c is NewWarningCard & { unit: string } => c.unit !== null && (c.warning === 'yellow' || c.warning === 'red'));
  const units = [...new Set(counted.map((c) => c.unit))].sort();
  for (const unit of units) {
    // one order for every transaction, so two holding several units never wait on each other in a ring
    await tx.consequences.holdUnit(unit);
    const decidedSoFar: CardConsequenceRow[] = [];
    for (const card of counted.filter((c) => c.unit === unit)) {
      const timeZone = (await tx.deadlines.byId(card.deadlineId))?.timeZone ?? DEFAULT_TIME_ZONE;
      const facts = await unitCardFacts(tx, card, timeZone, policy.period);
      if (!facts) continue;
      const withPlanned = { ...facts, consequences: [...facts.consequences, ...decidedSoFar] };
      const decided = decideCardConsequence(withPlanned, policy);
      if (!decided) continue;
      const confidential = new Set((await tx.cases.accessFacts([...new Set(decided.cards.map((c) => c.caseId))])).filter((f) => !supervisorsRead(f.type)).map((f) => f.id));
      const planned = planConsequence({ ...ctx, calendar }, withPlanned, decided, policy, timeZone, confidential);
      decidedSoFar.push(...planned.consequences.map((c) => ({ ...c, status: 'open' as const, closedAt: null })));
      mergePlans(plan, planned);
    }
  }
  return plan;
}
