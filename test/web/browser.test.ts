/**
 * The web app in a real browser: Debian's chromium driven by playwright-core (no browser download;
 * CHROMIUM_PATH overrides /usr/bin/chromium). A supervisor signs in, finds the overdue rectification
 * on the board, urges it and opens its case page with the current state highlighted on the diagram;
 * the open board refreshes itself when a case changes (server-sent events); the unit liaison sends an event through its form — a bad value shows the field error and changes
 * nothing, a good one moves timeline and diagram; a reporter on a phone files a clue and checks its
 * status; the ledger draws its weekly chart and downloads as CSV. axe-core runs on every page (no serious or critical violations) and each page is
 * screenshotted to test-output/web/.
 */
import fs from 'node:fs';
import path from 'node:path';
import axe from 'axe-core';
import { chromium, type Browser, type Page } from 'playwright-core';
import { fireDueSteps, rectificationInput, sendEvent, type ApiFixture } from '../api/support/server';
import { PASSWORD, startWeb } from './support/web';

const HOUR = 3_600_000;
const SHOTS = path.join(__dirname, '..', '..', 'test-output', 'web');
jest.setTimeout(90_000);

/** The serious and critical accessibility violations axe-core finds on the page, by rule. */
async function seriousViolations(page: Page): Promise<string[]> {
  await page.addScriptTag({ content: axe.source });
  // runs in the page, where axe is a global (this file is compiled without the DOM library)
  const results = await page.evaluate(() => (globalThis as unknown as { axe: typeof axe }).axe.run({ resultTypes: ['violations'] }));
  return results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

/** Checks the page with axe-core and saves its screenshot. */
async function checkAndShoot(page: Page, name: string): Promise<void> {
  expect({ page: name, violations: await seriousViolations(page) }).toEqual({ page: name, violations: [] });
  await page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });
}

describe('the web app in chromium', () => {
  let api: ApiFixture;
  let browser: Browser;
  let caseId: string;

  beforeAll(async () => {
    fs.mkdirSync(SHOTS, { recursive: true });
    browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: ['--no-sandbox'] });
    api = await startWeb();
    const created = await api.request('POST', '/cases', { as: 'supervisor', body: { type: 'rectification', input: rectificationInput() } });
    caseId = created.body.id as string;
    expect((await sendEvent(api, 'supervisor', caseId, 'NOTIFY_UNIT', { liaisonId: 'zhou.min' })).status).toBe(200);
    api.clock.advance(HOUR + HOUR / 4); // 21:15: the plan is a quarter of an hour late
    await fireDueSteps(api, caseId);
  });
  afterAll(async () => {
    await browser?.close();
    await api?.close();
  });

  async function signIn(page: Page, name: string): Promise<void> {
    await page.goto(`${api.url}/login`);
    await checkAndShoot(page, 'sign-in');
    await page.getByLabel('User name').fill(name);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
  }

  test('a supervisor signs in, sees the overdue rectification on the board, urges it and opens its case page with the current state highlighted', async () => {
    const context = await browser.newContext({ acceptDownloads: true, locale: 'en-US' });
    const page = await context.newPage();
    await signIn(page, 'li.wei');
    await page.waitForURL(`${api.url}/board`);
    const row = page.locator(`tr[data-case="${caseId}"]`);
    await expect(row.textContent()).resolves.toContain('Municipal Housing Bureau');
    await checkAndShoot(page, 'overdue-board');

    // live refresh: a case that changes elsewhere shows up on the open board without a reload (aired at
    // 19:00 with an hour for its plan, not the office's 21:00: it is the later of the two, so it comes first)
    const elsewhere = await api.request('POST', '/cases', { as: 'supervisor', body: { type: 'rectification', input: { ...rectificationInput(), unit: 'Water Bureau', airedAt: '2026-11-25T19:00:00+08:00', planDueMinutes: 60 } } });
    const waterId = elsewhere.body.id as string;
    expect((await sendEvent(api, 'supervisor', waterId, 'NOTIFY_UNIT', { liaisonId: 'sun.hao' })).status).toBe(200);
    await page.locator(`tr[data-case="${waterId}"]`).waitFor({ timeout: 10_000 });
    expect(await Promise.all((await page.locator('tr[data-case]').all()).map((r) => r.getAttribute('data-case')))).toEqual([waterId, caseId]);

    // every escalation time of the deadline, loaded into the row with htmx when opened
    await row.locator('summary', { hasText: 'Escalation times' }).click();
    await expect(row.locator('li[data-step="escalate"]').textContent()).resolves.toMatch(/escalate \(red card\): 2026-11-25 21:30 — to come/);

    await row.getByRole('button', { name: /Urge/ }).click();
    await page.waitForURL(/urged=/);
    await expect(page.getByRole('status').textContent()).resolves.toContain('The unit was urged');
    expect((await api.engine.history(caseId)).at(-1)).toMatchObject({ type: 'URGED' });

    await page.getByRole('link', { name: caseId }).click();
    await page.waitForURL(`${api.url}/case/${caseId}`);
    const current = page.locator('svg.statechart g.state.current');
    await expect(current.getAttribute('data-state')).resolves.toBe('planDue');
    await expect(current.locator('text.time-left').textContent()).resolves.toMatch(/late \(rectificationPlanDue\)$/);
    await expect(page.getByTestId('timeline').textContent()).resolves.toContain('URGED by li.wei');
    await checkAndShoot(page, 'case-page');

    await page.getByRole('link', { name: 'Unit ledger' }).click();
    await page.getByLabel('From').fill('2026-11-23');
    await page.getByRole('button', { name: 'Show' }).click();
    await page.waitForURL(/since=2026-11-23/);
    // the bureau's own limit (its plan) is still running and late; the office's own limits (one met, one late) are in the office's row
    await expect(page.locator('tr[data-unit="Municipal Housing Bureau"]').textContent()).resolves.toMatch(/^Municipal Housing Bureau00—/);
    await expect(page.locator('tr[data-owner="office"]').textContent()).resolves.toContain('50.0 %');
    await page.waitForFunction(() => (globalThis as unknown as { Chart?: { getChart(id: string): unknown } }).Chart?.getChart('weekly-chart') !== undefined);
    await checkAndShoot(page, 'unit-ledger');
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Download this table as CSV' }).click()]);
    expect(download.suggestedFilename()).toBe('unit-ledger-2026-11-23-2026-11-25.csv');
    const csv = fs.readFileSync(await download.path(), 'utf8');
    expect(csv.split('\r\n')[0]).toBe('owner,unit,met,late,on_time_rate,blue_cards,yellow_cards,red_cards,since,until');
    expect(csv).toContain('unit,Municipal Housing Bureau,0,0,,1,1,0,2026-11-23,2026-11-25');
    expect(csv).toContain('office,,1,1,0.5000,0,0,0,2026-11-23,2026-11-25');
    await context.close();
  });

  test('the unit liaison sends an event through its form: a bad value shows the field error and changes nothing; a good one moves timeline and diagram', async () => {
    const context = await browser.newContext({ locale: 'en-US' });
    const page = await context.newPage();
    await signIn(page, 'zhou.min');
    await page.goto(`${api.url}/case/${caseId}`);
    const form = page.locator('form.event-form', { has: page.getByRole('heading', { name: /^SUBMIT_PLAN/ }) });
    await form.getByLabel('Plan', { exact: true }).fill('Open a same-day lane');
    await form.getByLabel('Measures').fill('same-day lane\nweekly report');
    await form.getByLabel('Completion Due At').fill('next week');
    const before = await api.dump();
    await form.getByRole('button', { name: 'Send SUBMIT_PLAN' }).click();
    await page.waitForLoadState();
    const fieldError = page.locator('.field-error[data-field="completionDueAt"]');
    await expect(fieldError.textContent()).resolves.toContain('must be a date-time like 2026-11-25T20:00:00+08:00');
    await expect(page.getByLabel('Completion Due At').getAttribute('aria-invalid')).resolves.toBe('true');
    expect(await api.dump()).toEqual(before);
    await checkAndShoot(page, 'case-page-field-error');

    await page.getByLabel('Completion Due At').fill('2026-12-20T18:00:00+08:00');
    await page.locator('form.event-form', { has: page.getByRole('heading', { name: /^SUBMIT_PLAN/ }) }).getByRole('button', { name: 'Send SUBMIT_PLAN' }).click();
    await page.waitForURL(`${api.url}/case/${caseId}`);
    await expect(page.locator('svg.statechart g.state.current').getAttribute('data-state')).resolves.toBe('planReview');
    await expect(page.getByTestId('timeline').textContent()).resolves.toContain('SUBMIT_PLAN by zhou.min (unitLiaison): planDue → planReview');
    expect((await api.engine.getCase(caseId)).state).toBe('planReview');
    await context.close();
  });

  test('a reporter on a phone files a clue, keeps the receipt code and checks the status with it', async () => {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, locale: 'en-US' });
    const page = await context.newPage();
    await page.goto(`${api.url}/report`);
    await checkAndShoot(page, 'report-clue');
    await page.getByLabel('What kind of neglect').selectOption('slowResponseToPublic');
    await page.getByLabel('What happened').fill('The permit office has not answered for three weeks');
    await page.getByLabel('Name', { exact: true }).fill('He Ping');
    await page.getByLabel('Post').fill('Deputy director');
    await page.getByLabel('Unit').fill('Municipal Housing Bureau');
    await page.getByRole('button', { name: 'Send the clue' }).click();
    const receipt = (await page.getByTestId('receipt').textContent())!.trim();
    expect(receipt).toMatch(/^[0-9A-Z]{4}(-[0-9A-Z]{4}){7}$/);
    await checkAndShoot(page, 'report-receipt');

    await page.getByRole('link', { name: 'Check the status or add information' }).click();
    await page.getByLabel('Receipt code').fill(receipt);
    await page.getByRole('button', { name: 'Check the status' }).click();
    await expect(page.getByTestId('status').textContent()).resolves.toBe('Received: your clue is waiting to be registered');
    await checkAndShoot(page, 'report-status');
    await context.close();
  });
});
