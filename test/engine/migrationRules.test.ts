/**
 * What a person reads in a migration plan, change by change: a renamed state waits for a mapping,
 * a tightened guard names the refused event in the API's words, a lengthened limit moves the due
 * moment by its working days; a stale plan is refused whole; a policy change alone (the public
 * notice from 5 to 7 working days) goes through the same plan and apply, as POLICY_CHANGED.
 */
import type { ComposedCaseflow } from '../../app/compose';
import { caseDefinitions } from '../../machines';
import type { CaseDefinition } from '../../machines/types';
import { parseOfficePolicy } from '../../src/officePolicy';
import { CHINA_MAINLAND_DEFINITION, LiveCalendar } from '../../src/time';
import { engineFixture, type EngineFixture } from '../support/engine';
import { newVersions } from '../support/machineVersions';
import { playPaths, reachableStates, type StatePath } from '../support/reachableCases';

const admin = { id: 'root.admin', role: 'admin' } as const;
const T0 = Date.parse('2026-11-02T09:00:00+08:00');
const calendar = new LiveCalendar(CHINA_MAINLAND_DEFINITION);
const withVersion = (replaced: CaseDefinition): CaseDefinition[] => caseDefinitions.map((d) => (d.type === replaced.type ? replaced : d));

/** caseflow with one case in each reachable state of `type`, by state. */
async function casesOf(type: string): Promise<{ fx: EngineFixture; byState: Map<string, string>; paths: StatePath[] }> {
  const definition = caseDefinitions.find((d) => d.type === type)!;
  const fx = await engineFixture({}, new Date(T0).toISOString());
  const paths = reachableStates(definition, calendar, T0);
  const ids = await playPaths(fx.engine, fx.clock, definition, paths);
  return { fx, paths, byState: new Map(paths.map((p, i) => [p.state, ids[i]!])) };
}

describe('migrating rectifications', () => {
  let fx: EngineFixture;
  let byState: Map<string, string>;
  beforeEach(async () => ({ fx, byState } = await casesOf('rectification')));
  afterEach(() => fx.cleanup());
  const open = (next: CaseDefinition): Promise<ComposedCaseflow> => fx.openAnother({ definitions: withVersion(next) });

  it('a renamed state waits for a person’s mapping; mapped, the case moves and goes on in the renamed state', async () => {
    const { engine } = await open(newVersions.rectification.stateRenamed);
    const inReview = byState.get('planReview')!;
    const plan = await engine.migrations.plan({ type: 'rectification', toVersion: 2 }, admin);
    expect(plan.cases.find((c) => c.caseId === inReview)).toMatchObject({
      safe: false,
      stateGone: true,
      toState: 'planScrutiny',
      decide: [expect.stringContaining('--map planReview=planScrutiny')],
    });
    expect((await engine.migrations.apply({ type: 'rectification', toVersion: 2 }, admin)).skipped).toContainEqual({ caseId: inReview, why: expect.stringContaining('no longer exists') });
    expect(await engine.getCase(inReview)).toMatchObject({ machineVersion: 1, state: 'planReview' });

    const mapped = await engine.migrations.apply({ type: 'rectification', toVersion: 2, map: { planReview: 'planScrutiny' } }, admin);
    expect(mapped.applied).toEqual([expect.objectContaining({ caseId: inReview, fromState: 'planReview', toState: 'planScrutiny', event: 'MACHINE_MIGRATED' })]);
    const accepted = await engine.applyEvent(inReview, { type: 'ACCEPT_PLAN', reason: 'Concrete measures with owners' }, { id: 'li.wei', role: 'supervisor' });
    expect(accepted.case.state).toBe('inProgress');
    expect(accepted.case.deadlines.find((d) => d.kind === 'planReviewDue')).toMatchObject({ status: 'met' });
  });

  it('a tightened guard names each refused event in the API’s words, and such a case stays where it is', async () => {
    const { engine } = await open(newVersions.rectification.guardTightened);
    const plan = await engine.migrations.plan({ type: 'rectification', toVersion: 2 }, admin);
    const working = plan.cases.find((c) => c.caseId === byState.get('inProgress'))!;
    expect(working.refusals).toEqual([expect.objectContaining({ event: 'ACCEPT_PLAN', code: 'GUARD_REJECTED', message: expect.stringContaining('Accepting a plan needs a reason of at least 30 characters') })]);
    expect(working.safe).toBe(false);
    expect(plan.cases.find((c) => c.caseId === byState.get('planReview'))).toMatchObject({ safe: true, refusals: [] });
  });

  it('a lengthened limit moves the running deadline by its working days and re-schedules its wake-up through the outbox', async () => {
    const cf = await open(newVersions.rectification.limitLengthened);
    const inReview = byState.get('planReview')!;
    const plan = await cf.engine.migrations.plan({ type: 'rectification', toVersion: 2 }, admin);
    const moved = plan.cases.find((c) => c.caseId === inReview)!;
    const deadline = moved.deadlines.find((d) => d.kind === 'planReviewDue')!;
    expect(moved.safe).toBe(true);
    expect(deadline).toMatchObject({ change: 'moved', move: '+2 working days', basis: 'A submitted plan is reviewed within three working days' });
    expect(Date.parse(deadline.newDueAt!)).toBeGreaterThan(Date.parse(deadline.dueAt!));
    const before = (await fx.store.read((tx) => tx.deadlines.byId(deadline.deadlineId)))!;
    await cf.engine.migrations.apply({ type: 'rectification', toVersion: 2 }, admin);
    const after = (await fx.store.read((tx) => tx.deadlines.byId(deadline.deadlineId)))!;
    expect(after).toMatchObject({ dueAt: Date.parse(deadline.newDueAt!), originalDueAt: Date.parse(deadline.newDueAt!), basis: deadline.basis, scheduleRev: before.scheduleRev + 1 });
    expect((await fx.store.read((tx) => tx.outbox.pending('', 100))).map((w) => w.deadlineId)).toContain(deadline.deadlineId);
  });

  it('a plan made before a case’s log moved on is refused whole, and nothing is written', async () => {
    const { engine } = await open(newVersions.rectification.limitLengthened);
    const plan = await engine.migrations.plan({ type: 'rectification', toVersion: 2 }, admin);
    await engine.applyEvent(byState.get('planReview')!, { type: 'SEND_BACK_PLAN', reason: 'Name an owner per window' }, { id: 'li.wei', role: 'supervisor' });
    const before = await fx.dump();
    await expect(engine.migrations.apply({ plan }, admin)).rejects.toMatchObject({ code: 'MIGRATION_PLAN_STALE', details: { stale: [{ caseId: byState.get('planReview'), why: 'its log moved on' }] } });
    expect(await fx.dump()).toEqual(before);
  });

  it('a plan applied twice moves each case once; an altered plan, a stranger and an unknown version are refused', async () => {
    const { engine } = await open(newVersions.rectification.limitLengthened);
    const plan = await engine.migrations.plan({ type: 'rectification', toVersion: 2 }, admin);
    expect((await engine.migrations.apply({ plan }, admin)).applied.length).toBe(plan.summary.safe);
    const second = await engine.migrations.apply({ plan }, admin);
    expect(second.applied).toEqual([]);
    expect(second.skipped.filter((s) => s.why === 'already applied by this plan')).toHaveLength(plan.summary.safe);
    expect(second.skipped.every((s) => s.why === 'already applied by this plan' || plan.cases.find((c) => c.caseId === s.caseId)!.decide.length > 0)).toBe(true);
    await expect(engine.migrations.apply({ plan: { ...plan, toVersion: 1 } }, admin)).rejects.toMatchObject({ code: 'INVALID_PAYLOAD' });
    await expect(engine.migrations.plan({ type: 'rectification', toVersion: 2 }, { id: 'li.wei', role: 'supervisor' })).rejects.toMatchObject({ code: 'FORBIDDEN_ROLE' });
    await expect(engine.migrations.plan({ type: 'rectification', toVersion: 3 }, admin)).rejects.toMatchObject({ code: 'MIGRATION_TARGET_UNKNOWN', details: { known: [1, 2] } });
  });
});

describe('changing the public notice from 5 to 7 working days in the policy', () => {
  let fx: EngineFixture;
  let byState: Map<string, string>;
  beforeAll(async () => ({ fx, byState } = await casesOf('selfRecommendation')));
  afterAll(() => fx.cleanup());

  it('plans which open self-recommendations move and by how much, applies it as POLICY_CHANGED, and a second run changes nothing', async () => {
    const policy = parseOfficePolicy(
      { limits: { publicNoticePeriod: { limit: { kind: 'workingDays', days: 7 }, basis: 'Wancheng rule 9: the public notice runs 7 working days' } } },
      caseDefinitions,
    );
    const noticed = byState.get('publicNotice')!;
    const plan = await fx.engine.migrations.plan({ type: 'selfRecommendation', toVersion: 1, policy }, admin);
    const moving = plan.cases.filter((c) => c.action !== 'none');
    expect(moving.map((c) => c.caseId)).toEqual([noticed]);
    expect(moving[0]).toMatchObject({ safe: true, deadlines: [expect.objectContaining({ kind: 'publicNoticePeriod', change: 'moved', move: '+2 working days' })] });

    const result = await fx.engine.migrations.apply({ type: 'selfRecommendation', toVersion: 1, policy }, admin);
    expect(result.applied).toEqual([expect.objectContaining({ caseId: noticed, event: 'POLICY_CHANGED' })]);
    const history = await fx.engine.history(noticed);
    expect(history.at(-1)).toMatchObject({ type: 'POLICY_CHANGED', payload: { planDigest: plan.digest, deadlines: [expect.objectContaining({ kind: 'publicNoticePeriod', move: '+2 working days' })] } });
    expect((await fx.engine.getCase(noticed)).deadlines.find((d) => d.kind === 'publicNoticePeriod')).toMatchObject({ basis: 'Wancheng rule 9: the public notice runs 7 working days' });
    expect((await fx.cf.audit.verifyCase(noticed)).ok).toBe(true);

    const dump = await fx.dump();
    expect((await fx.engine.migrations.apply({ type: 'selfRecommendation', toVersion: 1, policy }, admin)).applied).toEqual([]);
    expect(await fx.dump()).toEqual(dump);
  });
});
