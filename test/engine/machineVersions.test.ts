import { pingDefinition } from '../support/pingMachine';
import { engineFixture, supervisor, type EngineFixture } from '../support/engine';

describe('a case keeps the machine version it was opened on', () => {
  let fx: EngineFixture;
  afterEach(() => fx.cleanup());

  it('after a machine change, an old case runs on its old machine and a new case on the new one', async () => {
    fx = await engineFixture({ definitions: [pingDefinition(1)] });
    const old = await fx.engine.createCase({ type: 'rectification', input: { unit: 'Old Office' }, actor: supervisor });
    expect(old.machineVersion).toBe(1);

    const upgraded = (await fx.openAnother({ definitions: [pingDefinition(2, [pingDefinition(1)])] })).engine;
    const fresh = await upgraded.createCase({ type: 'rectification', input: { unit: 'New Office' }, actor: supervisor });
    expect(fresh.machineVersion).toBe(2);
    expect((await upgraded.applyEvent(old.id, { type: 'MOVE' }, supervisor)).case).toMatchObject({ state: 'moved', machineVersion: 1 });
    expect((await upgraded.applyEvent(fresh.id, { type: 'MOVE' }, supervisor)).case).toMatchObject({ state: 'movedOnV2', machineVersion: 2 });
  });

  it('a server that no longer has a case’s machine version says so instead of guessing', async () => {
    fx = await engineFixture({ definitions: [pingDefinition(1)] });
    const old = await fx.engine.createCase({ type: 'rectification', input: { unit: 'Old Office' }, actor: supervisor });
    const upgraded = (await fx.openAnother({ definitions: [pingDefinition(2)] })).engine;
    await expect(upgraded.applyEvent(old.id, { type: 'MOVE' }, supervisor)).rejects.toThrow(
      expect.objectContaining({ code: 'MACHINE_VERSION_UNKNOWN', details: expect.objectContaining({ version: 1, known: [2] }) }),
    );
  });
});
