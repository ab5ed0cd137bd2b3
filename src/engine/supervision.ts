/**
 * What supervisors watch: overdue cases by lateness, escalations, each unit's on-time completion
 * rate and warning cards over a period, and open cases per state. Reads through the store's
 * supervision read model. The lists that name cases (overdue limits, escalations, adjustment
 * reviews) show, to a reader, only the cases the access policy lets them see: cases about them and
 * cases of a type they do not read (self-recommendations, for a supervisor) are left out, decided in
 * the read transaction. The counts (on-time rates, cards, open cases per state) name no case.
 */
import type { CardConsequenceRow, EscalationRecord, OverdueFilter, OverdueRecord, PeriodQuery, Store, SupervisionReadModel, Tx } from '../../db/port';
import { canonicalOfficialId } from '../../machines/officials';
import type { AdjustmentReviewContext } from '../../machines/adjustmentReview';
import type { Actor, DeadlineSpec } from '../../machines/types';
import { CONFIDENTIAL_CARD } from './consequences';
import { visibilityOf } from './policy';
import { defaultCalendar, provisionalNote, type WorkingDayCalendar } from '../time';
import { splitAtOfficeDays, sumCounts } from './onTime';

/** A reporting period: [since, until) in epoch ms. */
export type Period = PeriodQuery;

/** A running deadline past due, as supervisors read it. */
export type OverdueCase = Omit<OverdueRecord, 'dueAt' | 'originalDueAt' | 'spec'> & {
  dueAt: string;
  /** The due moment before any extension, always shown. */
  originalDueAt: string;
  /** How late: past the due moment; for a deadline extended after it lapsed, past the original due moment. */
  latenessMs: number;
  /** True when the deadline lapsed and was extended afterwards: still counted late, due again at `dueAt`. */
  extendedAfterLapse: boolean;
  /** How the limit counts: `workingDays`, `duration` or `localTime` (from the deadline as stored, policy included). */
  limitKind: DeadlineSpec['limit']['kind'];
  /** Set when the due moment counts working days in a year the calendar does not cover yet: the lateness is provisional. */
  provisional: string | null;
};

/** A red card (escalation), as supervisors read it. */
export type Escalation = Omit<EscalationRecord, 'issuedAt'> & { issuedAt: string };

export interface OnTimeRate {
  /** `unit`: the limits that unit owns; `office`: the office's own limits (registering, notifying the unit, reviewing…), one row. */
  owner: 'unit' | 'office';
  /** The unit (null for cases without one); null on the office's row. */
  unit: string | null;
  met: number;
  late: number;
  /** met / (met + late), or null when nothing closed in the period. */
  rate: number | null;
}

/** A card consequence, as supervisors read it: the unit, the cards that triggered it, what is to be done and by when. */
export interface CardConsequence {
  /** The supervision action case that carries it out (`MARK_DONE` on it marks it done). */
  caseId: string;
  unit: string;
  kind: CardConsequenceRow['kind'];
  period: string;
  cards: { cardDeadlineId: string; caseId: string; warning: string; step: string; issuedAt: string }[];
  action: string;
  pointsOff: number;
  basis: string;
  dueAt: string;
  createdAt: string;
  /** `open` until a supervisor marks it done, then `done` (at `doneAt`). */
  status: 'open' | 'done';
  doneAt: string | null;
}

/** A stored card consequence as supervisors read it. */
export function toCardConsequence(row: CardConsequenceRow): CardConsequence {
  const iso = (ms: number) => new Date(ms).toISOString();
  return {
    caseId: row.caseId,
    unit: row.unit,
    kind: row.kind,
    period: row.period,
    cards: JSON.parse(row.triggeredBy) as CardConsequence['cards'],
    action: row.action,
    pointsOff: row.pointsOff,
    basis: row.basis,
    dueAt: iso(row.dueAt),
    createdAt: iso(row.createdAt),
    status: row.status === 'closed' ? 'done' : 'open',
    doneAt: row.closedAt === null ? null : iso(row.closedAt),
  };
}

/** An adjustment review, as supervisors read it: the official, the pattern and the cases that opened it, where it stands and by when. */
export interface AdjustmentReviewRow {
  caseId: string;
  official: AdjustmentReviewContext['subject'];
  /** The pattern of the office policy that opened it; null when the Organization Department opened it. */
  pattern: string | null;
  summary: string;
  basis: string;
  triggeredBy: AdjustmentReviewContext['triggeredBy'];
  state: string;
  status: 'open' | 'closed';
  openedAt: string;
  /** When the review is due (adjustmentReviewDue), and how that deadline stands. */
  dueAt: string | null;
  deadlineStatus: string | null;
  outcome: AdjustmentReviewContext['outcome'];
}

export type WarningCardCount = Awaited<ReturnType<SupervisionReadModel['warningCardCounts']>>[number];
export type StateCount = Awaited<ReturnType<SupervisionReadModel['stateCounts']>>[number];

const bounded = (limit: number | undefined, fallback: number): number => Math.min(Math.max(limit ?? fallback, 1), 1000);
const about = (notAbout: string | undefined) => (notAbout ? { notAbout: canonicalOfficialId(notAbout) } : {});

/** A filter's `notAbout`, or the reader's own id: a list never names a case about its reader. */
const notAboutOf = (filter: { notAbout?: string }, reader: Actor | undefined) => about(filter.notAbout ?? reader?.id);

/**
 * The first `want` rows of `read` (asked for at most `limit` rows, in its order) about cases `reader`
 * may see, in `tx`; rows of cases hidden from them are left out and made up from the rows that
 * follow. Without a reader (the operator, the demo) every row.
 */
async function visibleRows<R extends { caseId: string }>(tx: Tx, reader: Actor | undefined, want: number, read: (limit: number) => Promise<R[]>): Promise<R[]> {
  for (let limit = want; ; ) {
    const rows = await read(limit);
    if (!reader) return rows;
    const facts = new Map((await tx.cases.accessFacts([...new Set(rows.map((r) => r.caseId))])).map((f) => [f.id, f]));
    const kept = rows.filter((r) => {
      const found = facts.get(r.caseId);
      return found !== undefined && visibilityOf(reader, found) === 'visible';
    });
    if (kept.length >= want || rows.length < limit) return kept.slice(0, want);
    limit += Math.max(want - kept.length, limit);
  }
}

/** The supervision reports over one store. */
export class SupervisionReports {
  constructor(
    private readonly store: Store,
    /** The calendar deadlines are counted in, to flag provisional due moments. @defaultValue the official mainland China calendar */
    private readonly calendar: WorkingDayCalendar = defaultCalendar(),
  ) {}

  /**
   * Running deadlines past due at `now` (or lapsed and extended since), most overdue first, optionally
   * for one unit or type, of the cases `reader` may see; a provisional due moment is flagged.
   */
  async overdue(now: number, filter: Partial<OverdueFilter> = {}, reader?: Actor): Promise<OverdueCase[]> {
    return this.store.read(async (tx) => {
      const query = { ...filter, ...notAboutOf(filter, reader) };
      const rows = await visibleRows(tx, reader, bounded(filter.limit, 100), (limit) => tx.supervision.overdue(now, { ...query, limit }));
      const overdue: OverdueCase[] = [];
      for (const { spec, ...r } of rows) {
        const { limit } = JSON.parse(spec) as DeadlineSpec;
        const provisional = provisionalNote(limit, r.dueAt, r.timeZone, this.calendar);
        const extendedAfterLapse = r.dueAt >= now;
        overdue.push({
          ...r,
          dueAt: new Date(r.dueAt).toISOString(),
          originalDueAt: new Date(r.originalDueAt).toISOString(),
          latenessMs: now - (extendedAfterLapse ? r.originalDueAt : r.dueAt),
          extendedAfterLapse,
          limitKind: limit.kind,
          provisional,
        });
      }
      return overdue;
    });
  }

  /** Red cards (escalations) issued in a period, newest first, on the cases `reader` may see. */
  async escalations(period: Period, filter: { unit?: string; limit?: number; notAbout?: string } = {}, reader?: Actor): Promise<Escalation[]> {
    const query = { ...filter, ...notAboutOf(filter, reader) };
    const rows = await this.store.read((tx) => visibleRows(tx, reader, bounded(filter.limit, 100), (limit) => tx.supervision.escalations(period, { ...query, limit })));
    return rows.map((r) => ({ ...r, issuedAt: new Date(r.issuedAt).toISOString() }));
  }

  /**
   * Of the deadlines closed in the period, how many were met on time (按时办结率): per unit, of the
   * limits it owns, and in a row of its own, the office's (units first, the office last; with a
   * `unit`, that unit's row only). Whole office days come from the on-time rollup; a partial day at
   * either end of the period is counted from the closed deadlines.
   */
  async onTimeRates(period: Period, filter: { unit?: string } = {}): Promise<OnTimeRate[]> {
    const { days, partialDays } = splitAtOfficeDays(period);
    const rows = await this.store.read(async (tx) => {
      const parts = [];
      if (days) parts.push(await tx.onTime.counts(days, filter));
      for (const part of partialDays) parts.push(await tx.supervision.closedDeadlineCounts(part, filter));
      return parts.length === 1 ? parts[0]! : sumCounts(parts);
    });
    return rows.map((r) => ({ ...r, rate: r.met / (r.met + r.late) }));
  }

  /** Per unit: blue, yellow and red cards issued in the period. */
  warningCardCounts(period: Period, filter: { unit?: string } = {}): Promise<WarningCardCount[]> {
    return this.store.read((tx) => tx.supervision.warningCardCounts(period, filter));
  }

  /**
   * Card consequences decided in a period (letters, talks), newest first, optionally for one unit. A
   * card on a case `reader` may not see is shown without its case and deadline (`CONFIDENTIAL_CARD`).
   */
  async cardConsequences(period: Period, filter: { unit?: string; limit?: number } = {}, reader?: Actor): Promise<CardConsequence[]> {
    return this.store.read(async (tx) => {
      const consequences = (await tx.consequences.list(period, { ...(filter.unit ? { unit: filter.unit } : {}), limit: bounded(filter.limit, 100) })).map(toCardConsequence);
      if (!reader) return consequences;
      const ids = [...new Set(consequences.flatMap((c) => c.cards.map((card) => card.caseId)))];
      const seen = new Set((await tx.cases.accessFacts(ids)).filter((f) => visibilityOf(reader, f) === 'visible').map((f) => f.id));
      const shown = (card: CardConsequence['cards'][number]) => (seen.has(card.caseId) ? card : { ...card, cardDeadlineId: CONFIDENTIAL_CARD, caseId: CONFIDENTIAL_CARD });
      return consequences.map((c) => ({ ...c, cards: c.cards.map(shown) }));
    });
  }

  /** Adjustment reviews, newest first, optionally only open or closed ones, that `reader` may see; reviews about `notAbout` are left out. */
  adjustmentReviews(filter: { status?: 'open' | 'closed'; limit?: number; notAbout?: string } = {}, reader?: Actor): Promise<AdjustmentReviewRow[]> {
    return this.store.read(async (tx) => {
      const query = { type: 'adjustmentReview', ...(filter.status ? { status: filter.status } : {}), ...notAboutOf(filter, reader) };
      const listed = await visibleRows(tx, reader, bounded(filter.limit, 100), async (limit) => (await tx.cases.list({ ...query, limit })).map((c) => ({ ...c, caseId: c.id })));
      const rows: AdjustmentReviewRow[] = [];
      for (const summary of listed) {
        const row = await tx.cases.byId(summary.id);
        if (!row) continue;
        const c = (JSON.parse(row.snapshot) as { context: AdjustmentReviewContext }).context;
        const due = (await tx.deadlines.ofCase(row.id)).find((d) => d.kind === 'adjustmentReviewDue');
        rows.push({
          caseId: row.id,
          official: c.subject,
          pattern: c.pattern,
          summary: c.summary,
          basis: c.basis,
          triggeredBy: c.triggeredBy,
          state: row.state,
          status: row.status,
          openedAt: new Date(row.createdAt).toISOString(),
          dueAt: due ? new Date(due.dueAt).toISOString() : null,
          deadlineStatus: due?.status ?? null,
          outcome: c.outcome,
        });
      }
      return rows;
    });
  }

  /** How many open cases stand in each state, by case type. */
  countsByState(filter: { type?: string } = {}): Promise<StateCount[]> {
    return this.store.read((tx) => tx.supervision.stateCounts(filter));
  }
}
