import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { criticism, engineFixture, liaison, supervisor, type EngineFixture } from '../support/engine';

const run = promisify(execFile);
const TSX = path.join(__dirname, '..', '..', 'node_modules', '.bin', 'tsx');
const SENDER = path.join(__dirname, '..', 'support', 'raceSender.ts');

describe('two engines in two processes race on one case', () => {
  let fx: EngineFixture;
  beforeEach(() => {
    fx = engineFixture();
  });
  afterEach(() => fx.cleanup());

  it('exactly one wins, the other gets VERSION_CONFLICT, and nothing is lost', async () => {
    const caseId = fx.engine.createCase({ type: 'rectification', input: criticism(), actor: supervisor }).id;
    fx.engine.applyEvent(caseId, { type: 'NOTIFY_UNIT', liaisonId: liaison.id }, supervisor);
    const plan = { type: 'SUBMIT_PLAN', plan: 'A plan', measures: ['a measure'], completionDueAt: '2026-12-31T00:00:00Z' };
    const escalate = { type: 'ESCALATE', reason: 'no plan yet' };
    const startAt = Date.now() + 2500;
    const send = (event: object, actor: object) =>
      run(TSX, [SENDER, fx.file, caseId, String(startAt), '2', JSON.stringify(event), JSON.stringify(actor)]).then(
        (r) => JSON.parse(r.stdout) as { ok: boolean; code?: string; version?: number },
      );
    const outcomes = await Promise.all([send(plan, liaison), send(escalate, supervisor)]);
    expect(outcomes.filter((o) => o.ok)).toEqual([{ ok: true, version: 3 }]);
    expect(outcomes.filter((o) => !o.ok)).toEqual([{ ok: false, code: 'VERSION_CONFLICT' }]);
    const stored = fx.engine.getCase(caseId);
    expect(stored.version).toBe(3);
    const log = fx.engine.history(caseId);
    expect(log.map((e) => e.version)).toEqual([1, 2, 3]);
    expect(['planReview', 'escalated']).toContain(stored.state);
    expect(log[2]?.toState).toBe(stored.state);
  });
});
