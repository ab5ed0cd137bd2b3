import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { caseDefinitions } from '../../machines';
import { systemClock } from '../../src/clock';
import { parseOfficePolicy } from '../../src/officePolicy';
import { workerSettingsFromEnv, type Workers } from '../../workers/runner';
import { engineFixture, type EngineFixture } from '../support/engine';
import { notificationsOf, openCasesDueSoon, startTestWorkers, waitFor } from '../support/workers';

const MINUTE = 60_000;

/** A local webhook receiver that refuses the first `failures` requests with 500, then records each body. */
async function webhookReceiver(failures = 0): Promise<{ url: string; received: Array<{ caseId: string; step: string }>; requests: () => number; close: () => Promise<void> }> {
  const received: Array<{ caseId: string; step: string }> = [];
  let requests = 0;
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      requests += 1;
      if (requests <= failures) {
        res.writeHead(500).end();
        return;
      }
      received.push(JSON.parse(body) as { caseId: string; step: string });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/notices`,
    received,
    requests: () => requests,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

describe('notifications reach people: the webhook sender is switched on by configuration', () => {
  let fx: EngineFixture | undefined;
  let workers: Workers | undefined;
  const receivers: Array<{ close: () => Promise<void> }> = [];
  afterEach(async () => {
    await workers?.close();
    workers = undefined;
    await fx?.cleanup();
    fx = undefined;
    for (const receiver of receivers.splice(0)) await receiver.close();
  });

  it("the policy file's notifications.webhook receives a unit's reminder, retried after a 500, and the notice is marked sent", async () => {
    const hook = await webhookReceiver(1);
    receivers.push(hook);
    const policy = parseOfficePolicy({ notifications: { webhook: { url: hook.url, backoffMs: 10 } } }, caseDefinitions);
    fx = await engineFixture({ clock: systemClock, policy });
    const [caseId] = await openCasesDueSoon(fx, 1, 10 * MINUTE);
    workers = await startTestWorkers(fx.cf);
    await waitFor(() => hook.received.find((n) => n.caseId === caseId), 15_000, 'the reminder at the webhook');
    expect(hook.requests()).toBeGreaterThanOrEqual(2);
    const cf = fx.cf;
    const sent = await waitFor(async () => (await notificationsOf(cf, caseId!)).find((n) => n.status === 'sent'), 10_000, 'the notice marked sent');
    expect(sent.step).toBe('remind');
  });

  it('CASEFLOW_WEBHOOK_URL takes precedence over the policy file', async () => {
    const fromEnv = await webhookReceiver();
    const fromPolicy = await webhookReceiver();
    receivers.push(fromEnv, fromPolicy);
    const policy = parseOfficePolicy({ notifications: { webhook: { url: fromPolicy.url } } }, caseDefinitions);
    fx = await engineFixture({ clock: systemClock, policy });
    const [caseId] = await openCasesDueSoon(fx, 1, 10 * MINUTE);
    const { webhookUrl } = workerSettingsFromEnv({ CASEFLOW_WEBHOOK_URL: fromEnv.url });
    workers = await startTestWorkers(fx.cf, { webhookUrl: webhookUrl! });
    await waitFor(() => fromEnv.received.find((n) => n.caseId === caseId), 15_000, 'the reminder at the webhook the environment names');
    expect(fromPolicy.requests()).toBe(0);
  });

  it('a webhook address that is not http(s) is refused at start, naming the setting and not the address', () => {
    expect(() => workerSettingsFromEnv({ CASEFLOW_WEBHOOK_URL: 'ftp://token@example.org/x' })).toThrow(/^CASEFLOW_WEBHOOK_URL must be an http:\/\/ or https:\/\/ address$/);
    expect(() => parseOfficePolicy({ notifications: { webhook: { url: 'not an address' } } }, caseDefinitions, 'office.json')).toThrow(
      expect.objectContaining({ code: 'INVALID_POLICY', message: expect.stringMatching(/notifications\.webhook\.url/) }) as Error,
    );
  });
});
