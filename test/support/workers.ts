/**
 * Worker fixtures: the deadline machinery on real Redis, each test with its own queue prefix.
 */
import { randomUUID } from 'node:crypto';
import { composeWorker, type ComposedCaseflow } from '../../app/compose';
import type { DeadlineRecord, NotificationRecord } from '../../db/records';
import { workerSettingsFromEnv, type WorkerSettings, type Workers } from '../../workers/runner';
import type { NotificationSender } from '../../workers/notifier';
import { capturingLogger } from './capture';
import { criticism, liaison, supervisor, type EngineFixture } from './engine';

export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/** A fresh BullMQ key prefix, so tests never see each other's jobs. */
export const testPrefix = (): string => `cftest-${randomUUID()}`;

/** Starts the workers for an opened caseflow with a private prefix. */
export function startTestWorkers(
  cf: ComposedCaseflow,
  overrides: Partial<WorkerSettings> & { sender?: NotificationSender; consume?: boolean } = {},
): Promise<Workers> {
  const { sender, consume, ...settings } = overrides;
  return composeWorker(cf, workerSettingsFromEnv({ REDIS_URL }, { prefix: testPrefix(), dispatchIntervalMs: 200, ...settings }), {
    logger: capturingLogger('the workers'),
    ...(sender ? { sender } : {}),
    ...(consume === undefined ? {} : { consume }),
  });
}

/** Polls `check` until it returns a value (not undefined/false) or `timeoutMs` passes. */
export async function waitFor<T>(check: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 10_000, what = 'condition'): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** The deadline-step entries of a case's log, as `step` names in order. */
export async function stepsLogged(cf: ComposedCaseflow, caseId: string): Promise<string[]> {
  return (await cf.engine.history(caseId)).filter((e) => e.kind === 'deadlineStep').map((e) => (e.payload as { step: string }).step);
}

/** The deadline row of `kind` on a case. */
export function deadlineOf(cf: ComposedCaseflow, caseId: string, kind: string): Promise<DeadlineRecord | undefined> {
  return cf.store.read(async (tx) => (await tx.deadlines.ofCase(caseId)).find((d) => d.kind === kind));
}

/** Notifications written for a case. */
export function notificationsOf(cf: ComposedCaseflow, caseId: string): Promise<NotificationRecord[]> {
  return cf.store.read((tx) => tx.notifications.ofCase(caseId));
}

/**
 * Opens `n` rectification cases, notified through the liaison, aired so long ago (real time) that
 * their plan is due `dueInMs` from now: their reminder is already past.
 */
export async function openCasesDueSoon(fx: EngineFixture, n: number, dueInMs: number): Promise<string[]> {
  const airedAt = new Date(Date.now() - 60 * 60_000 + dueInMs).toISOString();
  const ids: string[] = [];
  for (let i = 0; i < n; i += 1) {
    const { id } = await fx.engine.createCase({ type: 'rectification', input: { ...criticism(`Unit ${i}`, airedAt), planDueMinutes: 60 }, actor: supervisor });
    await fx.engine.applyEvent(id, { type: 'NOTIFY_UNIT', liaisonId: liaison.id }, supervisor);
    ids.push(id);
  }
  return ids;
}
