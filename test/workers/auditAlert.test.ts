import { GENESIS } from '../../db/chain';
import type { NotificationRecord } from '../../db/records';
import type { Workers } from '../../workers/runner';
import { criticism, engineFixture, supervisor, type EngineFixture } from '../support/engine';
import { notificationsOf, startTestWorkers, waitFor } from '../support/workers';

describe('the leader verifies the case log periodically and raises an alert when it fails', () => {
  let fx: EngineFixture;
  let workers: Workers | undefined;
  const sent: NotificationRecord[] = [];
  beforeEach(async () => {
    fx = await engineFixture();
    sent.length = 0;
  });
  afterEach(async () => {
    await workers?.close();
    workers = undefined;
    await fx.cleanup();
  });

  test('a forged log row is alerted once to the audit recipient; an intact case raises nothing', async () => {
    const intact = await fx.engine.createCase({ type: 'rectification', input: criticism(), actor: supervisor });
    const forged = await fx.engine.createCase({ type: 'rectification', input: criticism('Water Bureau'), actor: supervisor });
    await fx.store.withTransaction((tx) =>
      tx.events.append({
        caseId: forged.id,
        version: 1,
        kind: 'transition',
        type: 'DEADLINE_MISSED',
        actorId: 'mallory',
        actorRole: 'system',
        at: fx.clock.now(),
        payload: '{}',
        fromState: null,
        toState: null,
        seq: 2,
        prevHash: GENESIS,
        hash: '0'.repeat(64),
      }),
    );
    workers = await startTestWorkers(fx.cf, {
      auditIntervalMs: 100,
      auditAlertTo: 'chief.auditor',
      leaderTtlMs: 300,
      sender: { name: 'capture', send: (n) => Promise.resolve(void sent.push(n)) },
    });
    const alert = await waitFor(() => sent.find((n) => n.caseId === forged.id), 15_000, 'the audit alert');
    expect(alert).toMatchObject({ recipient: 'chief.auditor', warning: 'red', subject: `Case log of ${forged.id} fails verification (edited)` });
    expect(alert.body).toContain('no longer matches its hash');
    // later runs find the same break and do not alert it again
    expect(await workers.auditSweep!.run()).toEqual({ ok: false, events: 3, alerted: 0 });
    expect((await notificationsOf(fx.cf, forged.id)).filter((n) => n.recipient === 'chief.auditor')).toHaveLength(1);
    expect(await notificationsOf(fx.cf, intact.id)).toEqual([]);
  });
});
