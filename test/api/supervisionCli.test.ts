/**
 * The supervisors' reports and the candidate's status through the CLI, as real processes against a
 * real server: a red card's consequence (a talk with the unit head, with its deadline), the on-time
 * rates with the office's own limits in their own row, the overdue list; other roles are refused in
 * the server's words.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runCli } from '../support/liveServer';
import { fireDueSteps, rectificationInput, selfRecommendationInput, sendEvent, startApi, type ApiFixture, type Person } from './support/server';

// every command is a process of its own (about 1–2 s each on a shared machine)
jest.setTimeout(120_000);

const HOUR = 3600_000;

describe('supervision reports and the candidate’s status through the CLI', () => {
  let api: ApiFixture;
  let home: string;
  beforeEach(async () => {
    api = await startApi();
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'caseflow-supervision-'));
  });
  afterEach(async () => {
    await api.close();
    fs.rmSync(home, { recursive: true, force: true });
  });

  const as = (person: Person, ...args: string[]) =>
    runCli(args, { cwd: home, env: { ...process.env, XDG_CONFIG_HOME: home, CASEFLOW_URL: api.url, CASEFLOW_TOKEN: api.tokens[person] } });
  /** A rectification of `unit`, notified at once: its plan is due an hour after airing. */
  const rectification = async (unit: string): Promise<string> => {
    const id = (await api.request('POST', '/cases', { as: 'supervisor', body: { type: 'rectification', input: { ...rectificationInput(), unit } } })).body.id as string;
    expect((await sendEvent(api, 'supervisor', id, 'NOTIFY_UNIT', { liaisonId: 'zhou.min' })).status).toBe(200);
    return id;
  };

  test('a red card’s consequence, the on-time rates (the office in its own row) and the overdue list; a unit liaison is refused', async () => {
    const housing = await rectification('Municipal Housing Bureau');
    api.clock.advance(2 * HOUR);
    expect(await fireDueSteps(api, housing)).toEqual(['remind', 'overdue', 'escalate']);
    const [talk] = (await api.engine.listCases({ type: 'supervisionAction' })).cases;

    const consequences = await as('supervisor', 'supervision', 'consequences');
    expect(consequences.code).toBe(0);
    expect(consequences.stdout).toMatch(new RegExp(`^  - ${talk!.id} Municipal Housing Bureau: unitHeadTalk due \\S+ \\S+: open$`, 'm'));
    expect(consequences.stdout).toContain(`Hold a talk with the head of Municipal Housing Bureau about its red card on case ${housing}`);
    expect(consequences.stdout).toContain(`cards: red on ${housing}`);
    expect(consequences.stdout).toMatch(/ {6}basis: \S/);

    const overdue = await as('supervisor', 'supervision', 'overdue');
    expect(overdue.stdout).toMatch(new RegExp(`^${housing} +rectification +Municipal Housing Bureau: rectificationPlanDue due .*, late by \\d+ min, card red, escalation level 1$`, 'm'));

    // the plan comes in late: the unit's rate drops, the office (which notified the unit in time) keeps its own row
    const completionDueAt = new Date(api.clock.now() + 10 * 24 * HOUR).toISOString();
    expect((await sendEvent(api, 'liaison', housing, 'SUBMIT_PLAN', { plan: 'Late plan', measures: ['One window decides'], completionDueAt })).status).toBe(200);
    const rates = await as('supervisor', 'supervision', 'rates');
    expect(rates.stdout).toContain('  Municipal Housing Bureau: met 0, late 1, on time 0%');
    expect(rates.stdout).toContain('  the office (its own limits): met 1, late 0, on time 100%');
    expect(JSON.parse((await as('supervisor', '--json', 'supervision', 'rates', '--unit', 'Water Bureau')).stdout)).toMatchObject({ units: [] });

    const refused = await as('liaison', 'supervision', 'consequences');
    expect({ code: refused.code, stderr: refused.stderr }).toEqual({ code: 1, stderr: expect.stringMatching(/^FORBIDDEN_ROLE: /) });
    const badPeriod = await as('supervisor', 'supervision', 'rates', '--since', 'yesterday');
    expect({ code: badPeriod.code, stderr: badPeriod.stderr }).toEqual({ code: 1, stderr: expect.stringMatching(/^INVALID_PAYLOAD: .*since must be a date-time/) });
  });

  test('the candidate asks where their self-recommendation stands; `show` stays refused to them', async () => {
    const id = (await api.request('POST', '/cases', { as: 'official', body: { type: 'selfRecommendation', input: selfRecommendationInput() } })).body.id as string;
    const status = await as('official', 'status', id);
    expect({ code: status.code, stdout: status.stdout }).toEqual({ code: 0, stdout: `${id} [selfRecommendation] inProgress: With the Organization Department: your eligibility is being checked\n` });
    const shown = await as('official', 'show', id);
    expect({ code: shown.code, stderr: shown.stderr }).toEqual({ code: 1, stderr: expect.stringMatching(/^FORBIDDEN_ROLE: /) });
    const other = await as('od', 'status', id);
    expect({ code: other.code, stderr: other.stderr }).toEqual({ code: 1, stderr: expect.stringMatching(/^CASE_NOT_FOUND: /) });
  });
});
