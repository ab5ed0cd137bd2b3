/**
 * `migrate plan` against cases in every reachable state of each machine (generated from its graph):
 * under the version they run and the office's own policy, every case replays to where it stands, with
 * nothing to do; under each new version, every case is either safe or names what a person must
 * decide, and nothing is written.
 */
import { caseDefinitions } from '../../machines';
import type { CaseDefinition } from '../../machines/types';
import { CHINA_MAINLAND_DEFINITION, LiveCalendar } from '../../src/time';
import { engineFixture, type EngineFixture } from '../support/engine';
import { newVersions } from '../support/machineVersions';
import { playPaths, reachableStates } from '../support/reachableCases';

const admin = { id: 'root.admin', role: 'admin' } as const;
const T0 = Date.parse('2026-11-02T09:00:00+08:00');

/** caseflow with every case type, `replaced` standing in for its type. */
const withVersion = (replaced: CaseDefinition): CaseDefinition[] => caseDefinitions.map((d) => (d.type === replaced.type ? replaced : d));

describe.each(caseDefinitions.filter((d) => d.type in newVersions).map((d) => [d.type as keyof typeof newVersions, d] as const))('migrate plan: %s cases in every reachable state', (type, definition) => {
  let fx: EngineFixture;
  let ids: string[];
  const paths = reachableStates(definition, new LiveCalendar(CHINA_MAINLAND_DEFINITION), T0);

  beforeAll(async () => {
    fx = await engineFixture({}, new Date(T0).toISOString());
    ids = await playPaths(fx.engine, fx.clock, definition, paths);
  });
  afterAll(() => fx.cleanup());

  it('walks the graph to more than one open state', () => {
    expect(paths.length).toBeGreaterThan(4);
  });

  it('replays every case under its own version to where it stands: nothing to do', async () => {
    const plan = await fx.engine.migrations.plan({ type, toVersion: 1 }, admin);
    expect(plan.cases.map((c) => c.caseId).sort()).toEqual([...ids].sort());
    expect(plan.cases.filter((c) => c.action !== 'none').map((c) => ({ id: c.caseId, state: c.fromState, decide: c.decide, deadlines: c.deadlines.filter((d) => d.change !== 'unchanged') }))).toEqual([]);
    expect(plan.summary).toMatchObject({ cases: ids.length, unchanged: ids.length, safe: 0 });
  });

  it.each(Object.entries(newVersions[type]))('under the new version (%s) every case is safe or names what to decide, and nothing is written', async (_change, next) => {
    const upgraded = await fx.openAnother({ definitions: withVersion(next) });
    const before = await fx.dump();
    const plan = await upgraded.engine.migrations.plan({ type, toVersion: next.machineVersion }, admin);
    expect(plan.cases).toHaveLength(ids.length);
    for (const c of plan.cases) {
      expect(c.action).toBe('migrate');
      expect(c.safe).toBe(c.decide.length === 0);
    }
    expect(await fx.dump()).toEqual(before);
  });
});
