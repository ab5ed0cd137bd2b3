/**
 * A busy SQLite file, held by another process past the store's busy timeout: callers get a coded
 * error (HTTP 503 with Retry-After), never a raw driver error, and the data stays as it was; a
 * notice whose delivery succeeded is recorded as sent once the file is free, and never sent twice.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { composeApi, composeCaseflow, type ComposedCaseflow } from '../../../app/compose';
import { openSqliteStore } from '../../../db/sqlite';
import type { NotificationRecord } from '../../../db/records';
import { createApiLogger } from '../../../src/api/logging';
import { ManualClock } from '../../../src/clock';
import { silentLogger } from '../../../src/logger';
import { Notifier, type NotificationSender } from '../../../workers/notifier';
import { AIRED_AT, criticism, liaison, supervisor } from '../../support/engine';

/** Starts a process that holds the file's write lock for `holdMs`; resolves once it holds it. */
function holdLock(file: string, holdMs: number): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['-r', 'tsx/cjs', path.join(__dirname, 'holdLock.ts'), file, String(holdMs)], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve) => child.stdout.once('data', () => resolve(child)));
}
const exited = (child: ChildProcess) => new Promise<void>((resolve) => (child.exitCode !== null ? resolve() : child.once('exit', () => resolve())));

describe('a busy database', () => {
  let dir: string;
  let cf: ComposedCaseflow;
  let caseId: string;
  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'caseflow-busy-'));
    cf = composeCaseflow({ store: openSqliteStore(path.join(dir, 'busy.sqlite'), { busyTimeoutMs: 100 }), clock: new ManualClock(Date.parse(AIRED_AT)) });
    caseId = (await cf.engine.createCase({ type: 'rectification', input: criticism(), actor: supervisor })).id;
  });
  afterEach(async () => {
    await cf.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('an event sent while another process holds the file answers 503 STORE_UNAVAILABLE with Retry-After, and changes nothing', async () => {
    const server = await composeApi(cf, { logger: createApiLogger({ stream: { write: () => undefined } }) });
    await cf.accounts.addUser(supervisor.id, supervisor.role);
    const token = (await cf.accounts.createToken(supervisor.id)).token;
    const address = await server.listen({ port: 0, host: '127.0.0.1' });
    try {
      const before = await cf.store.dumpAll();
      const holder = await holdLock(path.join(dir, 'busy.sqlite'), 1500);
      const reply = await fetch(`${address}/cases/${caseId}/events`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ type: 'NOTIFY_UNIT', payload: { liaisonId: liaison.id }, expectedVersion: 1 }),
      });
      expect(reply.status).toBe(503);
      expect(reply.headers.get('retry-after')).toBe('1');
      expect(await reply.json()).toEqual({ code: 'STORE_UNAVAILABLE', message: expect.stringContaining('Try again'), details: { reason: 'busy', retryAfterMs: 1000 } });
      await exited(holder);
      expect(await cf.store.dumpAll()).toEqual(before);
      // once the file is free, the same request goes through
      const again = await fetch(`${address}/cases/${caseId}/events`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ type: 'NOTIFY_UNIT', payload: { liaisonId: liaison.id }, expectedVersion: 1 }),
      });
      expect(again.status).toBe(200);
    } finally {
      await server.close();
    }
  });

  test('a notice delivered while the file is busy is recorded as sent afterwards, and sent only once', async () => {
    await cf.store.withTransaction((tx) =>
      tx.notifications.insert({ caseId, deadlineId: null, step: null, recipient: 'assignee', warning: null, subject: 's', body: 'b', createdAt: 0 }),
    );
    const file = path.join(dir, 'busy.sqlite');
    const sent: number[] = [];
    let holder: ChildProcess | null = null;
    const sender: NotificationSender = {
      name: 'busy-after-send',
      send: async (n: NotificationRecord) => {
        sent.push(n.id);
        holder = await holdLock(file, 700); // the store turns busy right after the delivery
      },
    };
    const notifier = new Notifier({ store: cf.store, sender, clock: cf.clock, logger: silentLogger, recordRetryMs: [100, 200, 400, 800, 1600] });
    expect(await notifier.flush()).toBe(1);
    await exited(holder!);
    expect(sent).toHaveLength(1);
    const [notice] = await cf.store.read((tx) => tx.notifications.ofCase(caseId));
    expect(notice).toMatchObject({ status: 'sent', attempts: 1 });
    expect(await notifier.flush()).toBe(0);
    expect(sent).toHaveLength(1);
  });
});
