import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { CLI } from '../support/processes';

const run = promisify(execFile);

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

describe('the caseflow command line, run as a real process', () => {
  let dir: string;
  let db: string;
  const caseflow = async (...args: string[]): Promise<Result> => {
    try {
      const { stdout, stderr } = await run(process.execPath, [CLI, '--db', db, ...args], { cwd: dir });
      return { code: 0, stdout, stderr };
    } catch (error) {
      const e = error as { code: number; stdout: string; stderr: string };
      return { code: e.code, stdout: e.stdout, stderr: e.stderr };
    }
  };

  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'caseflow-cli-'));
    db = path.join(dir, 'cli.sqlite');
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('init creates the database; a caseworker opens, advances, shows and lists a rectification', async () => {
    expect((await caseflow('init')).stdout).toContain(`database ready: ${db}`);
    // aired a minute ago (the CLI runs on the real clock): no step of the plan deadline is due yet
    const airedAt = Math.floor(Date.now() / 60_000) * 60_000 - 60_000;
    const planDueAt = new Date(airedAt + 60 * 60_000).toISOString();
    const planDueText = planDueAt.replace('T', ' ').replace(/\.\d+Z$/, 'Z');
    // an hour after airing, named explicitly: by the wall-clock 21:00 rule the real clock's hour would decide
    const input = JSON.stringify({ unit: 'Housing Bureau', report: 'Seeing: stamps take weeks', airedAt: new Date(airedAt).toISOString(), planDueMinutes: 60 });
    const created = await caseflow('--json', 'create', 'rectification', '--as', 'li.wei:supervisor', '--input', input);
    expect(created.code).toBe(0);
    const { id, state } = JSON.parse(created.stdout) as { id: string; state: string };
    expect(state).toBe('criticismAired');

    const sent = await caseflow('send', id, 'NOTIFY_UNIT', 'liaisonId=zhou.min', '--as', 'li.wei:supervisor', '--expect-version', '1');
    expect(sent.code).toBe(0);
    expect(sent.stdout).toContain('NOTIFY_UNIT: criticismAired → planDue');
    expect(sent.stdout).toContain(`rectificationPlanDue due ${planDueText}`);

    const shown = await caseflow('show', id, '--as', 'zhou.min:unitLiaison');
    expect(shown.stdout).toContain('allowed events: SUBMIT_PLAN');
    const history = await caseflow('history', id);
    expect(history.stdout.trim().split('\n')).toHaveLength(2);
    const listed = await caseflow('list', '--type', 'rectification', '--state', 'planDue');
    expect(listed.stdout).toContain(id);

    const { deadlines } = JSON.parse((await caseflow('--json', 'show', id)).stdout) as { deadlines: { id: string; kind: string; running: boolean }[] };
    const planDue = deadlines.find((d) => d.running && d.kind === 'rectificationPlanDue')!;
    const refused = await caseflow('deadline', 'extend', planDue.id, '--until', '2h', '--reason', 'power cut', '--as', 'zhou.min:unitLiaison');
    expect(refused.stderr).toMatch(/^FORBIDDEN_ROLE:/);
    // two hours after the current due time: in the real future, within one approver's reach
    const extended = await caseflow('--json', 'deadline', 'extend', planDue.id, '--until', '2h', '--reason', 'power cut', '--as', 'li.wei:supervisor');
    expect(extended.code).toBe(0);
    const extendedTo = new Date(Date.parse(planDueAt) + 2 * 3_600_000).toISOString();
    expect(JSON.parse(extended.stdout)).toMatchObject({ kind: 'rectificationPlanDue', dueAt: extendedTo, originalDueAt: planDueAt, pendingExtension: null });
    expect((await caseflow('history', id)).stdout).toContain('DEADLINE_EXTENDED');
  });

  it('an extension past the four-eyes threshold is only requested, and another approver grants it', async () => {
    // this office: at most 10 hours past the original due moment, more than 3 hours needs a second approver
    const policy = path.join(dir, 'four-eyes.json');
    const rule = { atMost: { kind: 'duration', minutes: 600 }, secondApproverBeyond: { kind: 'duration', minutes: 180 }, basis: 'Office rule 7' };
    fs.writeFileSync(policy, JSON.stringify({ extensions: { default: rule } }));
    const withPolicy = (...args: string[]) => caseflow('--policy', policy, ...args);
    const airedAt = Math.floor(Date.now() / 60_000) * 60_000 - 60_000;
    const input = JSON.stringify({ unit: 'Parks Bureau', report: 'Seeing: broken benches', airedAt: new Date(airedAt).toISOString(), planDueMinutes: 60 });
    const { id } = JSON.parse((await withPolicy('--json', 'create', 'rectification', '--as', 'li.wei:supervisor', '--input', input)).stdout) as { id: string };
    const sent = JSON.parse((await withPolicy('--json', 'send', id, 'NOTIFY_UNIT', 'liaisonId=zhou.min', '--as', 'li.wei:supervisor')).stdout) as {
      case: { deadlines: { id: string; kind: string; running: boolean }[] };
    };
    const planDue = sent.case.deadlines.find((d) => d.running && d.kind === 'rectificationPlanDue')!;

    expect((await withPolicy('deadline', 'extend', planDue.id, '--until', '11h', '--reason', 'flood', '--as', 'li.wei:supervisor')).stderr).toMatch(/^EXTENSION_BEYOND_LIMIT:/);
    const requested = await withPolicy('deadline', 'extend', planDue.id, '--until', '5h', '--reason', 'flood', '--as', 'li.wei:supervisor');
    expect(requested.stdout).toMatch(/needs a second approver \(request (\d+)\)/);
    const requestId = /request (\d+)\)/.exec(requested.stdout)![1]!;
    expect((await withPolicy('deadline', 'approve', planDue.id, requestId, '--as', 'li.wei:admin')).stderr).toMatch(/^SECOND_APPROVER_REQUIRED:/);
    const approved = await withPolicy('--json', 'deadline', 'approve', planDue.id, requestId, '--as', 'chen.jing:conferenceChair');
    expect(approved.code).toBe(0);
    const planDueAt = airedAt + 60 * 60_000;
    expect(JSON.parse(approved.stdout)).toMatchObject({ dueAt: new Date(planDueAt + 5 * 3_600_000).toISOString(), originalDueAt: new Date(planDueAt).toISOString() });
    const history = (await withPolicy('history', id)).stdout;
    expect(history).toContain('DEADLINE_EXTENSION_REQUESTED');
    expect(history).toContain('DEADLINE_EXTENDED');
  });

  it('an error prints its code and message and exits non-zero, changing nothing', async () => {
    const missing = await caseflow('show', 'RC-NOPE');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/^CASE_NOT_FOUND: No case with id "RC-NOPE"/);

    const input = JSON.stringify({ unit: 'Transport Bureau', report: 'Seeing: buses late', airedAt: '2026-11-25T20:00:00+08:00' });
    const { id } = JSON.parse((await caseflow('--json', 'create', 'rectification', '--as', 'li.wei:supervisor', '--input', input)).stdout) as { id: string };
    // a verifier reads the case but may not notify the unit
    const forbidden = await caseflow('send', id, 'NOTIFY_UNIT', 'liaisonId=x', '--as', 'he.ping:verifier');
    expect(forbidden.code).toBe(1);
    expect(forbidden.stderr).toMatch(/^FORBIDDEN_ROLE:/);
    // a unit liaison sees only the rectifications assigned to them: to anyone else's the answer is "no such case"
    const hidden = await caseflow('send', id, 'NOTIFY_UNIT', 'liaisonId=x', '--as', 'he.ping:unitLiaison');
    expect(hidden.code).toBe(1);
    expect(hidden.stderr).toMatch(new RegExp(`^CASE_NOT_FOUND: No case with id "${id}"`));
    const badJson = await caseflow('create', 'rectification', '--as', 'li.wei:supervisor', '--input', '{not json');
    expect(badJson.stderr).toMatch(/^INVALID_PAYLOAD:.*--input/);
    const badRole = await caseflow('show', id, '--as', 'li.wei:emperor');
    expect(badRole.stderr).toMatch(/^INVALID_PAYLOAD:.*"emperor" is not a role/);
    const stale = await caseflow('--json', 'send', id, 'NOTIFY_UNIT', 'liaisonId=he.ping', '--as', 'li.wei:supervisor', '--expect-version', '7');
    expect(JSON.parse(stale.stderr)).toMatchObject({ code: 'VERSION_CONFLICT', details: { expected: 7, actual: 1 } });
    expect((await caseflow('history', id)).stdout.trim().split('\n')).toHaveLength(1);
  });

  it('the demo walks three cases to decisions and the workers escalate the unit that missed 21:00', async () => {
    const demo = await caseflow('demo');
    expect(demo.code).toBe(0);
    expect(demo.stdout).toContain('DECIDE');
    expect(demo.stdout).toContain('decision.rectificationOrdered');
    expect(demo.stdout).toContain('jointConference → publicNotice');
    expect(demo.stdout).toContain('assessment → closed');
    // one case-minute is 83 ms of real time here, so allow a few minutes of lag on a busy machine
    expect(demo.stdout).toMatch(/21:0\d {2}Transport DEADLINE_OVERDUE \[yellow card\]/);
    expect(demo.stdout).toMatch(/21:3\d {2}Transport DEADLINE_ESCALATE \[red card\]/);
    expect(demo.stdout).not.toMatch(/Housing +DEADLINE_OVERDUE/);
    expect(demo.stdout).toContain('overdue: Municipal Transport Bureau');
  }, 60_000);
});
