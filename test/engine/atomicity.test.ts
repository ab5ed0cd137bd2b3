/**
 * Failures the engine itself detects change nothing. (Database failures in the middle of a write
 * are provoked with SQLite triggers, so they live with the adapter: test/db/sqlite/atomicity.test.ts.)
 */
import { CaseflowError } from '../../src/errors';
import { pingDefinition } from '../support/pingMachine';
import { engineFixture, supervisor, type EngineFixture } from '../support/engine';

describe('a failure at any step of a write changes nothing', () => {
  let fx: EngineFixture;
  afterEach(() => fx.cleanup());

  it('an event that would change nothing is refused with NO_CHANGE and not logged', async () => {
    fx = await engineFixture({ definitions: [pingDefinition()] });
    const caseId = (await fx.engine.createCase({ type: 'rectification', input: { unit: 'Ping Office' }, actor: supervisor })).id;
    const before = await fx.dump();
    let caught: unknown;
    try {
      await fx.engine.applyEvent(caseId, { type: 'PING' }, supervisor);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(CaseflowError);
    expect((caught as CaseflowError).code).toBe('NO_CHANGE');
    expect(await fx.dump()).toEqual(before);
    expect((await fx.engine.applyEvent(caseId, { type: 'MOVE' }, supervisor)).case.state).toBe('moved');
  });
});
