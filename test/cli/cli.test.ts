/**
 * The caseflow command line as real processes: the operator's commands on the data file, and the
 * caseworkers' commands through a real `caseflow serve`, each as the person its token belongs to.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openSqliteStore } from '../../db/sqlite';
import { Accounts } from '../../src/auth/accounts';
import { systemClock } from '../../src/clock';
import { runCli, seedUsers, startServer, type CliResult, type LiveServer } from '../support/liveServer';

// every command is a process of its own (about 1–2 s each on a shared machine)
jest.setTimeout(180_000);

describe('the caseflow command line, run as a real process', () => {
  let dir: string;
  let db: string;
  let server: LiveServer;
  let tokens: Record<string, string>;
  let initialised: CliResult;
  const bare = (): NodeJS.ProcessEnv => ({ ...process.env, XDG_CONFIG_HOME: path.join(dir, 'config'), CASEFLOW_URL: '', CASEFLOW_TOKEN: '', DATABASE_URL: '' });
  /** An operator command on the data file. */
  const caseflow = (...args: string[]): Promise<CliResult> => runCli(['--db', db, ...args], { cwd: dir, env: bare() });
  /** A caseworker command with `user`'s token. */
  const as = (user: string, ...args: string[]): Promise<CliResult> => runCli(args, { cwd: dir, env: { ...bare(), CASEFLOW_URL: server.url, CASEFLOW_TOKEN: tokens[user]! } });

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'caseflow-cli-'));
    db = path.join(dir, 'cli.sqlite');
    initialised = await caseflow('init');
    const store = openSqliteStore(db);
    try {
      tokens = await seedUsers(store, { 'li.wei': 'supervisor', 'zhou.min': 'unitLiaison', 'he.ping': 'verifier', 'lu.bin': 'unitLiaison', 'chen.jing': 'conferenceChair' });
      await new Accounts(store, systemClock).setPassword('li.wei', 'a long passphrase');
    } finally {
      await store.close();
    }
    // this office: at most 10 hours past the original due moment, more than 3 hours needs a second approver
    const policy = path.join(dir, 'four-eyes.json');
    const rule = { atMost: { kind: 'duration', minutes: 600 }, secondApproverBeyond: { kind: 'duration', minutes: 180 }, basis: 'Office rule 7' };
    fs.writeFileSync(policy, JSON.stringify({ extensions: { default: rule } }));
    server = await startServer(['--db', db, '--policy', policy], { cwd: dir, env: bare() });
  }, 60_000);
  afterAll(async () => {
    await server?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('init creates the database; a caseworker opens, advances, shows and lists a rectification', async () => {
    expect(initialised.stdout).toContain(`database ready: ${db}`);
    // aired a minute ago (the server runs on the real clock): no step of the plan deadline is due yet
    const airedAt = Math.floor(Date.now() / 60_000) * 60_000 - 60_000;
    const planDueAt = new Date(airedAt + 60 * 60_000).toISOString();
    const planDueText = planDueAt.replace('T', ' ').replace(/\.\d+Z$/, 'Z');
    // an hour after airing, named explicitly: by the wall-clock 21:00 rule the real clock's hour would decide
    const input = JSON.stringify({ unit: 'Housing Bureau', report: 'Seeing: stamps take weeks', airedAt: new Date(airedAt).toISOString(), planDueMinutes: 60 });
    const created = await as('li.wei', '--json', 'create', 'rectification', '--input', input);
    expect(created.code).toBe(0);
    const { id, state } = JSON.parse(created.stdout) as { id: string; state: string };
    expect(state).toBe('criticismAired');

    const sent = await as('li.wei', 'send', id, 'NOTIFY_UNIT', 'liaisonId=zhou.min', '--expect-version', '1');
    expect(sent.code).toBe(0);
    expect(sent.stdout).toContain('NOTIFY_UNIT: criticismAired → planDue');
    expect(sent.stdout).toContain(`rectificationPlanDue due ${planDueText}`);

    const shown = await as('zhou.min', 'show', id);
    expect(shown.stdout).toContain('allowed events: SUBMIT_PLAN');
    const history = await as('li.wei', 'history', id);
    expect(history.stdout.trim().split('\n')).toEqual([expect.stringContaining('by li.wei (supervisor)'), expect.stringContaining('NOTIFY_UNIT criticismAired → planDue  by li.wei (supervisor)')]);
    const listed = await as('li.wei', 'list', '--type', 'rectification', '--state', 'planDue');
    expect(listed.stdout).toContain(id);

    const { deadlines } = JSON.parse((await as('li.wei', '--json', 'show', id)).stdout) as { deadlines: { id: string; kind: string; running: boolean }[] };
    const planDue = deadlines.find((d) => d.running && d.kind === 'rectificationPlanDue')!;
    const refused = await as('zhou.min', 'deadline', 'extend', planDue.id, '--until', '2h', '--reason', 'power cut');
    expect(refused.stderr).toMatch(/^FORBIDDEN_ROLE:/);
    // two hours after the current due time: in the real future, within one approver's reach
    const extended = await as('li.wei', '--json', 'deadline', 'extend', planDue.id, '--until', '2h', '--reason', 'power cut');
    expect(extended.code).toBe(0);
    const extendedTo = new Date(Date.parse(planDueAt) + 2 * 3_600_000).toISOString();
    expect(JSON.parse(extended.stdout)).toMatchObject({ kind: 'rectificationPlanDue', dueAt: extendedTo, originalDueAt: planDueAt, pendingExtension: null });
    const urged = await as('li.wei', 'deadline', 'urge', planDue.id, '--note', 'the plan is due');
    expect(urged.code).toBe(0);
    const log = (await as('li.wei', 'history', id)).stdout;
    expect(log).toMatch(/DEADLINE_EXTENDED.*by li\.wei \(supervisor\)/);
    expect(log).toMatch(/URGED.*by li\.wei \(supervisor\)/);
  });

  it('an extension past the four-eyes threshold is only requested, and another approver grants it', async () => {
    const airedAt = Math.floor(Date.now() / 60_000) * 60_000 - 60_000;
    const input = JSON.stringify({ unit: 'Parks Bureau', report: 'Seeing: broken benches', airedAt: new Date(airedAt).toISOString(), planDueMinutes: 60 });
    const { id } = JSON.parse((await as('li.wei', '--json', 'create', 'rectification', '--input', input)).stdout) as { id: string };
    const sent = JSON.parse((await as('li.wei', '--json', 'send', id, 'NOTIFY_UNIT', 'liaisonId=zhou.min')).stdout) as {
      case: { deadlines: { id: string; kind: string; running: boolean }[] };
    };
    const planDue = sent.case.deadlines.find((d) => d.running && d.kind === 'rectificationPlanDue')!;

    expect((await as('li.wei', 'deadline', 'extend', planDue.id, '--until', '11h', '--reason', 'flood')).stderr).toMatch(/^EXTENSION_BEYOND_LIMIT:/);
    const requested = await as('li.wei', 'deadline', 'extend', planDue.id, '--until', '5h', '--reason', 'flood');
    expect(requested.stdout).toMatch(/needs a second approver \(request (\d+)\)/);
    const requestId = /request (\d+)\)/.exec(requested.stdout)![1]!;
    expect((await as('li.wei', 'deadline', 'approve', planDue.id, requestId)).stderr).toMatch(/^SECOND_APPROVER_REQUIRED:/);
    const approved = await as('chen.jing', '--json', 'deadline', 'approve', planDue.id, requestId);
    expect(approved.code).toBe(0);
    const planDueAt = airedAt + 60 * 60_000;
    expect(JSON.parse(approved.stdout)).toMatchObject({ dueAt: new Date(planDueAt + 5 * 3_600_000).toISOString(), originalDueAt: new Date(planDueAt).toISOString() });
    const history = (await as('li.wei', 'history', id)).stdout;
    expect(history).toMatch(/DEADLINE_EXTENSION_REQUESTED.*by li\.wei \(supervisor\)/);
    expect(history).toMatch(/DEADLINE_EXTENDED.*by chen\.jing \(conferenceChair\)/);
  });

  it('an error prints its code and message and exits non-zero, changing nothing', async () => {
    const missing = await as('li.wei', 'show', 'RC-NOPE');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/^CASE_NOT_FOUND: No case with id "RC-NOPE"/);

    const input = JSON.stringify({ unit: 'Transport Bureau', report: 'Seeing: buses late', airedAt: '2026-11-25T20:00:00+08:00' });
    const { id } = JSON.parse((await as('li.wei', '--json', 'create', 'rectification', '--input', input)).stdout) as { id: string };
    // a verifier reads the case but may not notify the unit
    const forbidden = await as('he.ping', 'send', id, 'NOTIFY_UNIT', 'liaisonId=x', '--expect-version', '1');
    expect(forbidden.code).toBe(1);
    expect(forbidden.stderr).toMatch(/^FORBIDDEN_ROLE:/);
    // a unit liaison sees only the rectifications assigned to them: to anyone else's the answer is "no such case"
    const hidden = await as('lu.bin', 'send', id, 'NOTIFY_UNIT', 'liaisonId=x');
    expect(hidden.code).toBe(1);
    expect(hidden.stderr).toMatch(new RegExp(`^CASE_NOT_FOUND: No case with id "${id}"`));
    const badJson = await as('li.wei', 'create', 'rectification', '--input', '{not json');
    expect(badJson.stderr).toMatch(/^INVALID_PAYLOAD:.*--input/);
    const badRole = await as('li.wei', 'show', id, '--role', 'emperor');
    expect(badRole.stderr).toMatch(/^ROLE_NOT_HELD: li\.wei does not hold the role "emperor"; they act as supervisor/);
    const stale = await as('li.wei', '--json', 'send', id, 'NOTIFY_UNIT', 'liaisonId=he.ping', '--expect-version', '7');
    expect(JSON.parse(stale.stderr)).toMatchObject({ code: 'VERSION_CONFLICT', details: { expected: 7, actual: 1 } });
    const claimed = await as('li.wei', 'send', id, 'NOTIFY_UNIT', 'liaisonId=he.ping', '--as', 'li.wei:supervisor');
    expect(claimed.stderr).toMatch(/^ACTOR_NOT_CLAIMABLE: caseflow send no longer takes --as/);
    expect((await as('li.wei', 'history', id)).stdout.trim().split('\n')).toHaveLength(1);
  });

  it('login stores a token only its owner may read; the commands then act as that person; logout revokes it', async () => {
    const config = path.join(dir, 'config');
    const signedIn = await runCli(['login', '--url', server.url, '--user', 'li.wei', '--password', 'a long passphrase'], { cwd: dir, env: bare() });
    expect(signedIn.stderr).toBe('');
    expect(signedIn.stdout).toContain(`signed in to ${server.url} as li.wei (supervisor)`);
    const file = path.join(config, 'caseflow', 'login.json');
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(fs.statSync(path.dirname(file)).mode & 0o077).toBe(0);
    const { token } = JSON.parse(fs.readFileSync(file, 'utf8')) as { token: string };
    expect((await runCli(['whoami'], { cwd: dir, env: bare() })).stdout).toBe('li.wei (supervisor)\n');
    const input = JSON.stringify({ unit: 'Water Bureau', report: 'Seeing: pipes leak', airedAt: '2026-11-25T20:00:00+08:00' });
    const created = JSON.parse((await runCli(['--json', 'create', 'rectification', '--input', input], { cwd: dir, env: bare() })).stdout) as { id: string };
    expect((await as('he.ping', 'history', created.id)).stdout).toContain('by li.wei (supervisor)');

    const wrong = await runCli(['login', '--url', server.url, '--user', 'li.wei', '--password', 'not the passphrase'], { cwd: dir, env: bare() });
    expect(wrong.stderr).toMatch(/^UNAUTHENTICATED: The user name or the password is not right/);

    expect((await runCli(['logout'], { cwd: dir, env: bare() })).stdout).toContain('signed out; the token is revoked');
    expect(fs.existsSync(file)).toBe(false);
    const after = await runCli(['list'], { cwd: dir, env: { ...bare(), CASEFLOW_URL: server.url, CASEFLOW_TOKEN: token } });
    expect(after.stderr).toMatch(/^UNAUTHENTICATED: The API token is not valid/);

    // a token instead of a password
    const withToken = await runCli(['login', '--url', server.url, '--token', tokens['zhou.min']!], { cwd: dir, env: bare() });
    expect(withToken.stdout).toContain('as zhou.min (unitLiaison)');
    expect((await runCli(['logout'], { cwd: dir, env: bare() })).stdout).toBe('signed out\n');
  });

  it('the demo walks three cases to decisions, shows a linked-case hold, and the workers escalate the unit that missed 21:00 and open its card consequence', async () => {
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
    // one linked-case hold: the clue about the candidate holds up her decision until it closes
    expect(demo.stdout).toMatch(/DECIDE refused: CASE_ON_HOLD: DECIDE was refused on case SR-\S+: it is on hold while CL-\S+ \(clue, received\) is open/);
    expect(demo.stdout).toMatch(/the clue's outcome is noted on SR-\S+ \(CLUE_OUTCOME_RECORDED\) and the hold lifts/);
    // one card consequence: the red card opens a talk with the unit head, a supervision action with its own deadline
    expect(demo.stdout).toMatch(/consequence: Hold a talk with the head of Municipal Transport Bureau about its red card on case RC-\S+ — a supervision action \(SA-\S+\), due 2026-12-02 23:59, open/);
  }, 60_000);
});
