import { CaseflowError, type ErrorCode } from '../../src/errors';
import { clerk, criticism, engineFixture, liaison, supervisor, type EngineFixture } from '../support/engine';

/** Runs `act`, expects a caseflow error with `code`, and proves the database is exactly as before. */
async function expectRefused(fx: EngineFixture, code: ErrorCode, act: () => Promise<unknown>): Promise<CaseflowError> {
  const before = await fx.dump();
  let caught: unknown;
  try {
    await act();
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(CaseflowError);
  const error = caught as CaseflowError;
  expect(error.code).toBe(code);
  expect(await fx.dump()).toEqual(before);
  return error;
}

describe('every bad request gets a typed error and leaves the stored case exactly as it was', () => {
  let fx: EngineFixture;
  let caseId: string;
  beforeEach(async () => {
    fx = await engineFixture();
    caseId = (await fx.engine.createCase({ type: 'rectification', input: criticism(), actor: supervisor })).id;
    await fx.engine.applyEvent(caseId, { type: 'NOTIFY_UNIT', liaisonId: liaison.id }, supervisor);
  });
  afterEach(() => fx.cleanup());

  it('CASE_NOT_FOUND names the unknown case', async () => {
    const error = await expectRefused(fx, 'CASE_NOT_FOUND', () => fx.engine.applyEvent('RC-NOPE', { type: 'NOTIFY_UNIT' }, supervisor));
    expect(error.message).toContain('RC-NOPE');
    await expect(fx.engine.getCase('RC-NOPE')).rejects.toThrow(expect.objectContaining({ code: 'CASE_NOT_FOUND' }));
    await expect(fx.engine.history('RC-NOPE')).rejects.toThrow(expect.objectContaining({ code: 'CASE_NOT_FOUND' }));
  });

  it('EVENT_NOT_ALLOWED names the state and the events allowed there', async () => {
    const error = await expectRefused(fx, 'EVENT_NOT_ALLOWED', () =>
      fx.engine.applyEvent(caseId, { type: 'ASSESS_PASSED', reason: 'fine' }, supervisor),
    );
    expect(error.message).toContain('"planDue"');
    expect(error.details).toMatchObject({ state: 'planDue', allowed: ['DEADLINE_ESCALATED', 'DEADLINE_MISSED', 'ESCALATE', 'SUBMIT_PLAN'] });
  });

  it('an event no case type knows is EVENT_NOT_ALLOWED too', async () => {
    await expectRefused(fx, 'EVENT_NOT_ALLOWED', () => fx.engine.applyEvent(caseId, { type: 'MAKE_IT_GO_AWAY' }, supervisor));
  });

  it('FORBIDDEN_ROLE names the role and the roles that may', async () => {
    const error = await expectRefused(fx, 'FORBIDDEN_ROLE', () =>
      fx.engine.applyEvent(caseId, { type: 'SUBMIT_PLAN', plan: 'x', measures: ['y'], completionDueAt: '2026-12-01T00:00:00Z' }, clerk),
    );
    expect(error.details).toMatchObject({ role: 'intakeClerk', allowed: ['unitLiaison'] });
    await expectRefused(fx, 'FORBIDDEN_ROLE', () => fx.engine.createCase({ type: 'rectification', input: criticism(), actor: liaison }));
  });

  it('INVALID_PAYLOAD names the field: missing, wrong type, unknown, or an attempt to set the actor', async () => {
    const missing = await expectRefused(fx, 'INVALID_PAYLOAD', () => fx.engine.applyEvent(caseId, { type: 'SUBMIT_PLAN', plan: 'x' }, liaison));
    expect(missing.details.issues).toEqual(expect.arrayContaining([expect.objectContaining({ path: 'measures' })]));
    const wrongType = await expectRefused(fx, 'INVALID_PAYLOAD', () =>
      fx.engine.applyEvent(caseId, { type: 'SUBMIT_PLAN', plan: 'x', measures: 'y', completionDueAt: 'tomorrow' }, liaison),
    );
    expect(wrongType.message).toMatch(/measures/);
    expect(wrongType.message).toMatch(/completionDueAt/);
    const unknown = await expectRefused(fx, 'INVALID_PAYLOAD', () =>
      fx.engine.applyEvent(caseId, { type: 'ESCALATE', reason: 'late', actor: { id: 'boss', role: 'admin' } }, supervisor),
    );
    expect(unknown.message).toMatch(/unknown field\(s\): actor/);
    await expectRefused(fx, 'INVALID_PAYLOAD', () => fx.engine.createCase({ type: 'rectification', input: { unit: 'X' }, actor: supervisor }));
  });

  it('GUARD_REJECTED names the rule: a decision needs a reason', async () => {
    const error = await expectRefused(fx, 'GUARD_REJECTED', () => fx.engine.applyEvent(caseId, { type: 'ESCALATE' }, supervisor));
    expect(error.message).toContain('A decision needs a reason');
    expect(error.details).toMatchObject({ rules: [{ guard: 'hasReason', rule: 'A decision needs a reason' }] });
  });

  it('GUARD_REJECTED: nobody accepts the plan they submitted themself', async () => {
    await fx.engine.applyEvent(
      caseId,
      { type: 'SUBMIT_PLAN', plan: 'x', measures: ['y'], completionDueAt: '2026-12-10T00:00:00Z' },
      liaison,
    );
    const selfReview = { id: liaison.id, role: 'supervisor' as const };
    const error = await expectRefused(fx, 'GUARD_REJECTED', () => fx.engine.applyEvent(caseId, { type: 'ACCEPT_PLAN', reason: 'good' }, selfReview));
    expect(error.details).toMatchObject({ rules: [{ guard: 'notOwnCase' }] });
  });

  it('VERSION_CONFLICT when the caller holds a stale version', async () => {
    const error = await expectRefused(fx, 'VERSION_CONFLICT', () =>
      fx.engine.applyEvent(caseId, { type: 'ESCALATE', reason: 'late' }, supervisor, 1),
    );
    expect(error.details).toMatchObject({ expected: 1, actual: 2 });
  });

  it('UNKNOWN_CASE_TYPE lists the known types', async () => {
    const error = await expectRefused(fx, 'UNKNOWN_CASE_TYPE', () => fx.engine.createCase({ type: 'complaint', input: {}, actor: supervisor }));
    expect(error.message).toContain('rectification');
  });
});
