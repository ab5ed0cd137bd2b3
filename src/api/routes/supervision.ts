/**
 * Supervisors' routes: overdue cases by lateness, escalations, each unit's on-time completion rate
 * and warning cards over a period, card consequences, adjustment reviews, and open cases per state. Thin wrappers over src/engine/supervision.ts.
 * The lists that name cases (overdue, escalations, adjustment reviews) leave out the cases the caller
 * may not see (about them, or of a type they do not read, such as self-recommendations for a
 * supervisor), as every case list does; the per-unit and per-state counts are the same for every
 * supervisor and name no case.
 */
import { actorOf } from '../../auth/accounts';
import { SUPERVISORS } from '../../engine/policy';
import { InvalidPayloadError } from '../../errors';
import type { Period } from '../../engine/supervision';
import type { Api } from '../context';
import { requireUser } from '../routing';
import { adjustmentReviewList, adjustmentReviewsQuery, cardConsequenceList, escalationList, onTimeRateList, overdueList, overdueQuery, periodQuery, stateCountList, stateCountsQuery, warningCardList } from '../schemas';

/** The default reporting period: the 30 days before `until`. */
const DEFAULT_PERIOD_MS = 30 * 24 * 60 * 60 * 1000;

/** The period a query asks for, with defaults; `since` must come before `until`. */
function periodOf(query: { since?: number; until?: number }, now: number): Period {
  // Exclusive: by default one millisecond after now, so that what happened this instant counts.
  const until = query.until ?? now + 1;
  const since = query.since ?? until - DEFAULT_PERIOD_MS;
  if (since >= until) throw new InvalidPayloadError('request query', [{ path: 'query.since', message: 'since must be before until' }]);
  return { since, until };
}

const isoPeriod = (p: Period) => ({ since: new Date(p.since).toISOString(), until: new Date(p.until).toISOString() });
const periodText = 'The period is [since, until): until defaults to now (inclusive), since to 30 days before until.';

/** Registers the supervision routes. */
export function registerSupervisionRoutes(api: Api): void {
  api.route(
    {
      method: 'GET',
      url: '/supervision/overdue',
      tag: 'supervision',
      summary: 'Running deadlines past due, most overdue first',
      description: 'Cases about the caller, and cases of a type the caller does not read (self-recommendations, for a supervisor), are left out.',
      access: SUPERVISORS,
      query: overdueQuery,
      response: { description: 'Overdue cases, one row per overdue deadline', schema: overdueList },
    },
    async ({ query, user }) => {
      const now = api.clock.now();
      return { asOf: new Date(now).toISOString(), cases: await api.supervision.overdue(now, query, actorOf(requireUser(user))) };
    },
  );

  api.route(
    {
      method: 'GET',
      url: '/supervision/escalations',
      tag: 'supervision',
      summary: 'Red cards (escalations) issued in a period, newest first',
      description: `${periodText} Cases about the caller, and cases of a type the caller does not read, are left out.`,
      access: SUPERVISORS,
      query: periodQuery,
      response: { description: 'Escalations', schema: escalationList },
    },
    async ({ query, user }) => {
      const period = periodOf(query, api.clock.now());
      return { period: isoPeriod(period), escalations: await api.supervision.escalations(period, query, actorOf(requireUser(user))) };
    },
  );

  api.route(
    {
      method: 'GET',
      url: '/supervision/on-time-rates',
      tag: 'supervision',
      summary: 'Per unit: deadlines closed in a period, met on time or late, and the on-time rate',
      description: periodText,
      access: SUPERVISORS,
      query: periodQuery,
      response: { description: 'One row per unit', schema: onTimeRateList },
    },
    async ({ query }) => {
      const period = periodOf(query, api.clock.now());
      return { period: isoPeriod(period), units: await api.supervision.onTimeRates(period, query) };
    },
  );

  api.route(
    {
      method: 'GET',
      url: '/supervision/warning-cards',
      tag: 'supervision',
      summary: 'Per unit: blue, yellow and red cards issued in a period',
      description: periodText,
      access: SUPERVISORS,
      query: periodQuery,
      response: { description: 'One row per unit', schema: warningCardList },
    },
    async ({ query }) => {
      const period = periodOf(query, api.clock.now());
      return { period: isoPeriod(period), units: await api.supervision.warningCardCounts(period, query) };
    },
  );

  api.route(
    {
      method: 'GET',
      url: '/supervision/card-consequences',
      tag: 'supervision',
      summary: 'Card consequences decided in a period: formal letters and talks, each with its deadline and status',
      description: `${periodText} Each is a supervisionAction case (caseId): its deadline is reminded and escalated like any other, and a supervisor marks it done by sending MARK_DONE with a note to /cases/{id}/events.`,
      access: SUPERVISORS,
      query: periodQuery,
      response: { description: 'Newest first', schema: cardConsequenceList },
    },
    async ({ query, user }) => {
      const period = periodOf(query, api.clock.now());
      return { period: isoPeriod(period), consequences: await api.supervision.cardConsequences(period, query, actorOf(requireUser(user))) };
    },
  );

  api.route(
    {
      method: 'GET',
      url: '/supervision/adjustment-reviews',
      tag: 'supervision',
      summary: 'Adjustment reviews: the official, the pattern and the cases that opened each, where it stands and by when',
      description:
        'Each is an adjustmentReview case (caseId), opened when a pattern of the office policy (adjustmentReview.patterns) completes; the Organization Department records its finding and decides it. Reviews about the caller are left out.',
      access: SUPERVISORS,
      query: adjustmentReviewsQuery,
      response: { description: 'Newest first', schema: adjustmentReviewList },
    },
    async ({ query, user }) => ({ reviews: await api.supervision.adjustmentReviews(query, actorOf(requireUser(user))) }),
  );

  api.route(
    {
      method: 'GET',
      url: '/supervision/state-counts',
      tag: 'supervision',
      summary: 'Open cases per type and state',
      access: SUPERVISORS,
      query: stateCountsQuery,
      response: { description: 'Counts', schema: stateCountList },
    },
    async ({ query }) => ({ counts: await api.supervision.countsByState(query) }),
  );
}
