import { CaseflowError } from '../../src/errors';
import { pingDefinition } from '../support/pingMachine';
import { criticism, dumpDatabase, engineFixture, liaison, supervisor, type EngineFixture } from '../support/engine';

describe('a failure at any step of a write changes nothing', () => {
  let fx: EngineFixture;
  afterEach(() => fx.cleanup());

  it('a database failure while opening the next deadline rolls back the snapshot and the event row', () => {
    fx = engineFixture();
    const caseId = fx.engine.createCase({ type: 'rectification', input: criticism(), actor: supervisor }).id;
    fx.engine.applyEvent(caseId, { type: 'NOTIFY_UNIT', liaisonId: liaison.id }, supervisor);
    fx.db.$client.exec(
      "CREATE TRIGGER fail_review_deadline BEFORE INSERT ON deadlines WHEN NEW.kind = 'planReviewDue' BEGIN SELECT RAISE(ABORT, 'disk full'); END",
    );
    const before = dumpDatabase(fx.db);
    expect(() =>
      fx.engine.applyEvent(caseId, { type: 'SUBMIT_PLAN', plan: 'x', measures: ['y'], completionDueAt: '2026-12-10T00:00:00Z' }, liaison),
    ).toThrow('disk full');
    expect(dumpDatabase(fx.db)).toEqual(before);
    expect(fx.engine.getCase(caseId)).toMatchObject({ state: 'planDue', version: 2 });

    fx.db.$client.exec('DROP TRIGGER fail_review_deadline');
    const retried = fx.engine.applyEvent(
      caseId,
      { type: 'SUBMIT_PLAN', plan: 'x', measures: ['y'], completionDueAt: '2026-12-10T00:00:00Z' },
      liaison,
    );
    expect(retried.case).toMatchObject({ state: 'planReview', version: 3 });
  });

  it('a database failure while logging the opening of a case leaves no case behind', () => {
    fx = engineFixture();
    fx.db.$client.exec("CREATE TRIGGER fail_log BEFORE INSERT ON case_events WHEN NEW.kind = 'created' BEGIN SELECT RAISE(ABORT, 'log full'); END");
    const before = dumpDatabase(fx.db);
    expect(() => fx.engine.createCase({ type: 'rectification', input: criticism(), actor: supervisor })).toThrow('log full');
    expect(dumpDatabase(fx.db)).toEqual(before);
  });

  it('an event that would change nothing is refused with NO_CHANGE and not logged', () => {
    fx = engineFixture({ definitions: [pingDefinition()] });
    const caseId = fx.engine.createCase({ type: 'rectification', input: { unit: 'Ping Office' }, actor: supervisor }).id;
    const before = dumpDatabase(fx.db);
    let caught: unknown;
    try {
      fx.engine.applyEvent(caseId, { type: 'PING' }, supervisor);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(CaseflowError);
    expect((caught as CaseflowError).code).toBe('NO_CHANGE');
    expect(dumpDatabase(fx.db)).toEqual(before);
    expect(fx.engine.applyEvent(caseId, { type: 'MOVE' }, supervisor).case.state).toBe('moved');
  });
});
