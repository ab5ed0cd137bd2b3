/**
 * On-time rates are fair: a unit's rate counts only the limits that unit owns (its rectification
 * plan, a revised plan, the rectification itself, forwarding a self-recommendation); the office's own
 * limits (registering a clue, notifying the unit, reviewing the plan…) count against the office, in a
 * row of their own. Every limit names its owner on the machine (DeadlineSpec.owner).
 */
import { caseDefinitions } from '../../machines';
import type { StateMeta } from '../../machines/types';
import { criticism, clerk, engineFixture, liaison, supervisor, type EngineFixture } from '../support/engine';

const UNIT = 'Municipal Housing Bureau';
const clue = {
  aspect: 'draggingFeet',
  summary: 'Permits sit unsigned for weeks',
  channel: 'hotline',
  anonymous: true,
  subject: { officialId: 'ma.lin', name: 'Ma Lin', post: 'Section chief', unit: UNIT },
};
const plan = { type: 'SUBMIT_PLAN', plan: 'Same-day stamps', measures: ['a fast lane'], completionDueAt: '2026-12-10T18:00:00+08:00' };
/** November and December 2026, in office days. */
const period = { since: Date.parse('2026-11-01T00:00:00+08:00'), until: Date.parse('2027-01-01T00:00:00+08:00') };

describe('fair on-time rates', () => {
  let fx: EngineFixture;
  beforeEach(async () => {
    fx = await engineFixture();
  });
  afterEach(() => fx.cleanup());

  /** A rectification of the unit: notified at 20:05, its plan in at `planAt`. */
  async function rectification(planAt: string): Promise<void> {
    const { id } = await fx.engine.createCase({ type: 'rectification', input: criticism(UNIT), actor: supervisor });
    fx.clock.set('2026-11-25T20:05:00+08:00');
    await fx.engine.applyEvent(id, { type: 'NOTIFY_UNIT', liaisonId: liaison.id }, supervisor);
    fx.clock.set(planAt);
    await fx.engine.applyEvent(id, plan, liaison);
  }

  test('the office registering a clue late does not lower the unit’s on-time rate; it lowers the office’s', async () => {
    const { id } = await fx.engine.createCase({ type: 'clue', input: clue, actor: clerk });
    await rectification('2026-11-25T20:40:00+08:00');
    // registration is due within 5 working days (by the end of 2 December); it happens on 7 December
    fx.clock.set('2026-12-07T10:00:00+08:00');
    await fx.engine.applyEvent(id, { type: 'REGISTER', clueNumber: 'XS-2026-0042', handlerId: clerk.id }, clerk);

    expect(await fx.cf.supervision.onTimeRates(period)).toEqual([
      { owner: 'unit', unit: UNIT, met: 1, late: 0, rate: 1 },
      { owner: 'office', unit: null, met: 1, late: 1, rate: 0.5 },
    ]);
    expect(await fx.cf.supervision.onTimeRates(period, { unit: UNIT })).toEqual([{ owner: 'unit', unit: UNIT, met: 1, late: 0, rate: 1 }]);
  });

  test('a unit submitting its plan late lowers the unit’s rate, not the office’s', async () => {
    await rectification('2026-11-25T21:10:00+08:00');
    expect(await fx.cf.supervision.onTimeRates(period)).toEqual([
      { owner: 'unit', unit: UNIT, met: 0, late: 1, rate: 0 },
      { owner: 'office', unit: null, met: 1, late: 0, rate: 1 },
    ]);
  });

  test('a plan deadline extended after it lapsed still counts late for the unit when the plan comes', async () => {
    const { id } = await fx.engine.createCase({ type: 'rectification', input: criticism(UNIT), actor: supervisor });
    await fx.engine.applyEvent(id, { type: 'NOTIFY_UNIT', liaisonId: liaison.id }, supervisor);
    const due = (await fx.engine.getCase(id)).deadlines.find((d) => d.kind === 'rectificationPlanDue')!;
    fx.clock.set('2026-11-25T21:05:00+08:00');
    await fx.engine.deadlines.extend(due.id, { until: Date.parse('2026-11-25T23:00:00+08:00'), reason: 'power cut' }, supervisor);
    fx.clock.set('2026-11-25T22:00:00+08:00');
    await fx.engine.applyEvent(id, plan, liaison);
    expect(await fx.cf.supervision.onTimeRates(period, { unit: UNIT })).toEqual([{ owner: 'unit', unit: UNIT, met: 0, late: 1, rate: 0 }]);
  });

  test('every limit of every machine names whose rate it counts in', () => {
    const owners = new Map<string, string>();
    interface Node {
      meta?: unknown;
      states: Record<string, Node>;
    }
    const visit = (node: Node): void => {
      for (const spec of ((node.meta as StateMeta | undefined)?.deadlines ?? [])) owners.set(spec.kind, spec.owner);
      Object.values(node.states).forEach(visit);
    };
    for (const definition of caseDefinitions) visit(definition.machine.root);
    expect(owners.size).toBeGreaterThan(20);
    expect(Object.fromEntries([...owners].filter(([, owner]) => owner === 'unit'))).toEqual({
      rectificationPlanDue: 'unit',
      revisedPlanDue: 'unit',
      rectificationCompletionDue: 'unit',
      selfRecommendationForwardingDue: 'unit',
    });
    expect([...owners.values()].every((owner) => owner === 'unit' || owner === 'office')).toBe(true);
    expect(owners.get('clueRegistrationDue')).toBe('office');
    expect(owners.get('planReviewDue')).toBe('office');
  });
});
