import { spawn } from 'node:child_process';
import path from 'node:path';
import { criticism, engineFixture, liaison, supervisor, type EngineFixture } from '../support/engine';

/** Starts a sender process; resolves with a handle once it has opened the database and said "ready". */
function startSender(args: string[]): Promise<{ go: (at: number) => Promise<{ ok: boolean; code?: string; version?: number }> }> {
  const child = spawn(TSX, [SENDER, ...args], { stdio: ['pipe', 'pipe', 'inherit'] });
  let out = '';
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => reject(new Error(`the sender exited (${String(code)}) before it was ready`)));
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.startsWith('ready\n') && !out.slice(6)) {
        resolve({
          go: (at) =>
            new Promise((done) => {
              child.once('close', () => done(JSON.parse(out.slice(6)) as { ok: boolean; code?: string; version?: number }));
              child.stdin.write(`${at}\n`);
            }),
        });
      }
    });
  });
}
const TSX = path.join(__dirname, '..', '..', 'node_modules', '.bin', 'tsx');
const SENDER = path.join(__dirname, '..', 'support', 'raceSender.ts');

describe('two engines in two processes race on one case', () => {
  let fx: EngineFixture;
  beforeEach(async () => {
    fx = await engineFixture();
  });
  afterEach(() => fx.cleanup());

  it('exactly one wins, the other gets VERSION_CONFLICT, and nothing is lost', async () => {
    const caseId = (await fx.engine.createCase({ type: 'rectification', input: criticism(), actor: supervisor })).id;
    await fx.engine.applyEvent(caseId, { type: 'NOTIFY_UNIT', liaisonId: liaison.id }, supervisor);
    const plan = { type: 'SUBMIT_PLAN', plan: 'A plan', measures: ['a measure'], completionDueAt: '2026-12-31T00:00:00Z' };
    const escalate = { type: 'ESCALATE', reason: 'no plan yet' };
    const database = fx.backend === 'postgres' ? fx.url : fx.file;
    const senders = await Promise.all([
      startSender([database, caseId, '2', JSON.stringify(plan), JSON.stringify(liaison), String(fx.clock.now())]),
      startSender([database, caseId, '2', JSON.stringify(escalate), JSON.stringify(supervisor), String(fx.clock.now())]),
    ]);
    // both are ready: start them at the same moment
    const startAt = Date.now() + 200;
    const outcomes = await Promise.all(senders.map((s) => s.go(startAt)));
    expect(outcomes.filter((o) => o.ok)).toEqual([{ ok: true, version: 3 }]);
    expect(outcomes.filter((o) => !o.ok)).toEqual([{ ok: false, code: 'VERSION_CONFLICT' }]);
    const stored = await fx.engine.getCase(caseId);
    expect(stored.version).toBe(3);
    const log = await fx.engine.history(caseId);
    expect(log.map((e) => e.version)).toEqual([1, 2, 3]);
    expect(['planReview', 'escalated']).toContain(stored.state);
    expect(log[2]?.toState).toBe(stored.state);
  });
});
