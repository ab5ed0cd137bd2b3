/**
 * The "done when" walk, as a new user runs it: the public-notice limit changed from 5 to 7 working
 * days in a policy file, `migrate plan` shows which open self-recommendations move and by how much
 * (table, CSV, JSON), `migrate apply --plan` applies the reviewed plan, and the case's history shows
 * POLICY_CHANGED. Applying the same plan again moves nothing.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { composeCaseflow } from '../../app/compose';
import type { CaseworkerEvent } from '../../src/engine/engine';
import { CLI } from '../support/processes';

const run = promisify(execFile);

describe('caseflow migrate, run as a real process', () => {
  let dir: string;
  let db: string;
  const caseflow = async (...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> => {
    try {
      const { stdout, stderr } = await run(process.execPath, [CLI, '--db', db, ...args], { cwd: dir });
      return { code: 0, stdout, stderr };
    } catch (error) {
      const e = error as { code: number; stdout: string; stderr: string };
      return { code: e.code, stdout: e.stdout, stderr: e.stderr };
    }
  };
  /** The case's walk to its public notice, done in-process (the caseworkers' part; the operator's part is the CLI's). */
  const actor = (text: string) => ({ id: text.split(':')[0]!, role: text.split(':')[1]! }) as never;

  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'caseflow-migrate-'));
    db = path.join(dir, 'cli.sqlite');
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('plans the public notice from 5 to 7 working days, applies the reviewed plan, and the history shows it', async () => {
    const input = {
      candidate: { officialId: 'lin.qing', name: 'Lin Qing', currentPost: 'Section Chief', unit: 'Municipal Data Bureau' },
      targetPost: 'Deputy Director',
      channel: 'organizationDepartment',
      statement: 'Led the one-window reform.',
      evidence: ['2025 annual review: excellent'],
    };
    const clear = { fraudFound: false, concealmentFound: false, favouritismFound: false };
    const cf = composeCaseflow({ dbFile: db });
    let id: string;
    try {
      id = (await cf.engine.createCase({ type: 'selfRecommendation', input, actor: actor('lin.qing:official') })).id;
      const steps: [string, CaseworkerEvent][] = [
        ['qian.hua:organizationDepartment', { type: 'RECORD_ELIGIBILITY', eligible: true, checks: { qualifications: 'passed', record: 'passed', integrity: 'passed' }, reason: 'Meets the requirements' }],
        ['qian.hua:organizationDepartment', { type: 'RECORD_INSPECTION', annualReviews: [{ year: 2024, grade: 'competent' }, { year: 2025, grade: 'excellent' }], surveyResults: '41 of 45 support', rating: 'Strong' }],
        ['feng.yu:organizationDepartment', { type: 'RECORD_OD_VIEW', view: 'Results verified', ...clear }],
        ['wu.jun:disciplineCommission', { type: 'RECORD_DIC_VIEW', view: 'No lobbying found', ...clear }],
        ['zhao.lei:conferenceChair', { type: 'DECIDE', outcome: 'appointed', reason: 'Both views clear' }],
      ];
      for (const [who, event] of steps) await cf.engine.applyEvent(id, event, actor(who));
    } finally {
      await cf.close();
    }

    const policy = path.join(dir, 'office.json');
    fs.writeFileSync(policy, JSON.stringify({ limits: { publicNoticePeriod: { limit: { kind: 'workingDays', days: 7 }, basis: 'Wancheng rule 9: 7 working days of public notice' } } }));
    const table = await caseflow('migrate', 'plan', '--type', 'selfRecommendation', '--to-version', '1', '--policy', policy);
    expect(table.stderr).toBe('');
    expect(table.stdout).toContain('1 open case(s): 1 safe, 0 to decide, 0 up to date; 1 deadline(s) move');
    expect(table.stdout).toMatch(new RegExp(`${id}\\s+v1→v1\\s+publicNotice\\s+publicNoticePeriod \\+2 working days\\s+safe`));
    const csv = (await caseflow('migrate', 'plan', '--type', 'selfRecommendation', '--to-version', '1', '--format', 'csv', '--policy', policy)).stdout.trim().split('\n');
    expect(csv[0]).toMatch(/^caseId,unit,fromVersion,toVersion,fromState,toState,action,safe,deadlineId,deadlineKind,change,dueAt,newDueAt,moveMs,move/);
    expect(csv.slice(1).find((row) => row.includes('publicNoticePeriod'))).toContain(',moved,');

    const file = path.join(dir, 'plan.json');
    expect((await caseflow('migrate', 'plan', '--type', 'selfRecommendation', '--to-version', '1', '--format', 'json', '--out', file, '--policy', policy)).stdout).toContain(`written to ${file}`);
    const applied = await caseflow('migrate', 'apply', '--plan', file);
    expect(applied.stderr).toBe('');
    expect(applied.stdout).toContain(`${id}: POLICY_CHANGED v1→v1 publicNotice, 1 deadline(s) re-planned`);
    const reader = composeCaseflow({ dbFile: db });
    try {
      expect((await reader.engine.history(id)).at(-1)).toMatchObject({ type: 'POLICY_CHANGED', actor: { role: 'operator' } });
    } finally {
      await reader.close();
    }
    expect((await caseflow('migrate', 'apply', '--plan', file, '--as', 'root.admin:admin')).stderr).toMatch(/^ACTOR_NOT_CLAIMABLE/);

    expect((await caseflow('migrate', 'apply', '--plan', file)).stdout).toContain('0 case(s) moved');
    const refused = await caseflow('migrate', 'apply', '--type', 'selfRecommendation', '--to-version', '9');
    expect(refused).toMatchObject({ code: 1, stderr: expect.stringMatching(/^MIGRATION_TARGET_UNKNOWN: This caseflow has no version 9 of the selfRecommendation machine/) });
    // a dozen processes, each opening the database
  }, 180_000);
});
