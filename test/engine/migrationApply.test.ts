/**
 * `migrate apply` on cases in every reachable state of each machine, for each new version: every
 * case either moves — one MACHINE_MIGRATED entry, its history intact and its chain still verifying,
 * its deadlines re-planned — or stays as it was, reported with the reason. Applying again changes
 * nothing; a plan made before a case's log moved on is refused whole.
 */
import { caseDefinitions } from '../../machines';
import type { CaseDefinition } from '../../machines/types';
import type { ComposedCaseflow } from '../../app/compose';
import { CHINA_MAINLAND_DEFINITION, LiveCalendar } from '../../src/time';
import { engineFixture, type EngineFixture } from '../support/engine';
import { newVersions } from '../support/machineVersions';
import { playPaths, reachableStates } from '../support/reachableCases';

const admin = { id: 'root.admin', role: 'admin' } as const;
const T0 = Date.parse('2026-11-02T09:00:00+08:00');
const withVersion = (replaced: CaseDefinition): CaseDefinition[] => caseDefinitions.map((d) => (d.type === replaced.type ? replaced : d));

type Change = keyof (typeof newVersions)['rectification'];
const cases = caseDefinitions.filter((d): d is typeof d & { type: keyof typeof newVersions } => d.type in newVersions).flatMap((d) => (Object.keys(newVersions[d.type]) as Change[]).map((change) => [d.type, change, d] as const));

describe.each(cases)('migrate apply: %s to the version where the %s', (type, change, definition) => {
  let fx: EngineFixture;
  let upgraded: ComposedCaseflow;
  let ids: string[];
  const next = newVersions[type][change];

  beforeAll(async () => {
    fx = await engineFixture({}, new Date(T0).toISOString());
    ids = await playPaths(fx.engine, fx.clock, definition, reachableStates(definition, new LiveCalendar(CHINA_MAINLAND_DEFINITION), T0));
    upgraded = await fx.openAnother({ definitions: withVersion(next) });
  });
  afterAll(() => fx.cleanup());

  it('moves every safe case with its history intact and its deadlines re-planned, leaves the others as they were, and changes nothing when run again', async () => {
    const engine = upgraded.engine;
    const histories = new Map(await Promise.all(ids.map(async (id) => [id, await engine.history(id)] as const)));
    const plan = await engine.migrations.plan({ type, toVersion: 2 }, admin);
    const result = await engine.migrations.apply({ type, toVersion: 2 }, admin);
    expect(result.planDigest).toBe(plan.digest);
    expect(result.applied.map((a) => a.caseId).sort()).toEqual(plan.cases.filter((c) => c.safe).map((c) => c.caseId).sort());
    for (const planned of plan.cases) {
      const view = await engine.getCase(planned.caseId);
      const history = await engine.history(planned.caseId);
      const before = histories.get(planned.caseId)!;
      expect(history.slice(0, before.length)).toEqual(before);
      if (planned.safe) {
        expect(view).toMatchObject({ machineVersion: 2, state: planned.toState });
        expect(history.slice(before.length)).toEqual([expect.objectContaining({ type: 'MACHINE_MIGRATED', payload: expect.objectContaining({ from: 1, to: 2, planDigest: plan.digest }) })]);
        expect((await upgraded.audit.verifyCase(planned.caseId)).ok).toBe(true);
      } else {
        expect(planned.decide.length).toBeGreaterThan(0);
        expect(view).toMatchObject({ machineVersion: 1, state: planned.fromState });
        expect(history).toEqual(before);
      }
    }
    // planned again, every moved case is where the new version and its deadlines put it: nothing to do
    const again = await engine.migrations.plan({ type, toVersion: 2 }, admin);
    for (const a of result.applied) expect(again.cases.find((c) => c.caseId === a.caseId)).toMatchObject({ action: 'none', deadlines: expect.not.arrayContaining([expect.objectContaining({ change: expect.not.stringMatching(/^unchanged$/) })]) });
    const dump = await fx.dump();
    const second = await engine.migrations.apply({ type, toVersion: 2 }, admin);
    expect(second.applied).toEqual([]);
    expect(await fx.dump()).toEqual(dump);
  });
});
