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
  const send = async (id: string, type: string, as: string, payload: Record<string, unknown>) => {
    const sent = await caseflow('send', id, type, '--as', as, '--payload', JSON.stringify(payload));
    expect(sent.stderr).toBe('');
  };

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
    const { id } = JSON.parse((await caseflow('--json', 'create', 'selfRecommendation', '--as', 'lin.qing:official', '--input', JSON.stringify(input))).stdout) as { id: string };
    const clear = { fraudFound: false, concealmentFound: false, favouritismFound: false };
    await send(id, 'FORWARD', 'qian.hua:organizationDepartment', { note: 'Received' });
    await send(id, 'RECORD_ELIGIBILITY', 'qian.hua:organizationDepartment', { eligible: true, checks: { qualifications: 'passed', record: 'passed', integrity: 'passed' }, reason: 'Meets the requirements' });
    await send(id, 'RECORD_INSPECTION', 'qian.hua:organizationDepartment', { annualReviews: [{ year: 2024, grade: 'competent' }, { year: 2025, grade: 'excellent' }], surveyResults: '41 of 45 support', rating: 'Strong' });
    await send(id, 'RECORD_OD_VIEW', 'feng.yu:organizationDepartment', { view: 'Results verified', ...clear });
    await send(id, 'RECORD_DIC_VIEW', 'wu.jun:disciplineCommission', { view: 'No lobbying found', ...clear });
    await send(id, 'DECIDE', 'zhao.lei:conferenceChair', { outcome: 'appointed', reason: 'Both views clear' });

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
    const applied = await caseflow('migrate', 'apply', '--plan', file, '--as', 'root.admin:admin');
    expect(applied.stderr).toBe('');
    expect(applied.stdout).toContain(`${id}: POLICY_CHANGED v1→v1 publicNotice, 1 deadline(s) re-planned`);
    expect((await caseflow('history', id)).stdout.trim().split('\n').at(-1)).toMatch(/POLICY_CHANGED\s+by root\.admin \(admin\)/);

    expect((await caseflow('migrate', 'apply', '--plan', file, '--as', 'root.admin:admin')).stdout).toContain('0 case(s) moved');
    const refused = await caseflow('migrate', 'apply', '--type', 'selfRecommendation', '--to-version', '9', '--as', 'root.admin:admin');
    expect(refused).toMatchObject({ code: 1, stderr: expect.stringMatching(/^MIGRATION_TARGET_UNKNOWN: This caseflow has no version 9 of the selfRecommendation machine/) });
    // a dozen processes, each opening the database
  }, 180_000);
});
