import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Store } from '../../db/port';
import { silentLogger } from '../../src/logger';
import { Notifier, WebhookSender } from '../../workers/notifier';
import { criticism, engineFixture, supervisor, type EngineFixture } from '../support/engine';

describe('notifications go out through a pluggable sender', () => {
  let fx: EngineFixture;
  let server: http.Server;
  let received: unknown[];
  let failuresLeft: number;
  let url: string;

  beforeEach(async () => {
    fx = await engineFixture();
    received = [];
    server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        if (failuresLeft > 0) {
          failuresLeft -= 1;
          res.writeHead(503).end();
          return;
        }
        received.push({ ...(JSON.parse(body) as object), idempotencyKey: req.headers['idempotency-key'] });
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  });
  afterEach(async () => {
    await new Promise((resolve) => server.close(resolve));
    await fx.cleanup();
  });

  async function pendingNotice(): Promise<number> {
    const caseId = (await fx.engine.createCase({ type: 'rectification', input: criticism(), actor: supervisor })).id;
    return fx.store.withTransaction(async (tx) => {
      await tx.notifications.insert({ caseId, deadlineId: null, step: 'overdue', recipient: 'unitSupervisor', warning: 'yellow', subject: '[yellow] plan overdue', body: 'Due 21:00', createdAt: fx.clock.now() });
      const [notice] = await tx.notifications.ofCase(caseId);
      return notice!.id;
    });
  }

  const notice = (id: number) => fx.store.read((tx) => tx.notifications.byId(id));

  it('a webhook that fails twice is retried with backoff and the notice is marked sent once delivered', async () => {
    failuresLeft = 2;
    const id = await pendingNotice();
    const notifier = new Notifier({ store: fx.store, sender: new WebhookSender({ url, backoffMs: 10 }), clock: fx.clock, logger: silentLogger });
    expect(await notifier.flush()).toBe(1);
    expect(received).toEqual([expect.objectContaining({ id, recipient: 'unitSupervisor', warning: 'yellow', idempotencyKey: `caseflow-notification-${id}` })]);
    expect(await notice(id)).toMatchObject({ status: 'sent', attempts: 1 });
    expect(await notifier.flush()).toBe(0);
  });

  it('a webhook that keeps failing leaves the notice pending for the next round, then marks it failed', async () => {
    failuresLeft = 1000;
    const id = await pendingNotice();
    const notifier = new Notifier({ store: fx.store, sender: new WebhookSender({ url, attempts: 2, backoffMs: 5 }), clock: fx.clock, logger: silentLogger, maxRounds: 2 });
    expect(await notifier.flush()).toBe(0);
    expect(await notice(id)).toMatchObject({ status: 'pending', attempts: 1, lastError: expect.stringContaining('HTTP 503') });
    expect(await notifier.flush()).toBe(0);
    expect(await notice(id)).toMatchObject({ status: 'failed', attempts: 2 });
    expect(received).toEqual([]);
  });

  it('two notifiers on one database (two worker processes) send each notice once', async () => {
    failuresLeft = 0;
    const ids = [await pendingNotice(), await pendingNotice(), await pendingNotice()];
    const other = await fx.openAnother();
    const make = (store: Store) => new Notifier({ store, sender: new WebhookSender({ url }), clock: fx.clock, logger: silentLogger });
    const [a, b] = await Promise.all([make(fx.store).flush(), make(other.store).flush()]);
    expect(a + b).toBe(3);
    expect((received as { id: number }[]).map((r) => r.id).sort()).toEqual(ids.sort());
  });

  it('a webhook address carrying a token never lands in the stored error', async () => {
    failuresLeft = 1000;
    const id = await pendingNotice();
    const secretUrl = `${url}?access_token=s3cr3t-token`;
    const notifier = new Notifier({ store: fx.store, sender: new WebhookSender({ url: secretUrl, attempts: 1 }), clock: fx.clock, logger: silentLogger });
    await notifier.flush();
    const row = await notice(id);
    expect(row?.lastError).toContain('HTTP 503');
    expect(row?.lastError).not.toContain('s3cr3t');
  });
});
