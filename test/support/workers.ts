/**
 * Worker fixtures: the deadline machinery on real Redis, each test with its own queue prefix.
 */
import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { caseEvents, deadlines, notifications } from '../../db/schema';
import type { CaseflowDb } from '../../db';
import { silentLogger } from '../../src/logger';
import type { CaseEngine } from '../../src/engine/engine';
import type { Clock } from '../../src/clock';
import { defaultCalendar } from '../../src/time';
import { startWorkers, workerSettingsFromEnv, type WorkerSettings, type Workers } from '../../workers/runner';
import type { NotificationSender } from '../../workers/notifier';

export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/** A fresh BullMQ key prefix, so tests never see each other's jobs. */
export const testPrefix = (): string => `cftest-${randomUUID()}`;

/** Starts the workers for an engine with a private prefix. */
export function startTestWorkers(
  env: { db: CaseflowDb; engine: CaseEngine; clock: Clock },
  overrides: Partial<WorkerSettings> & { sender?: NotificationSender; consume?: boolean } = {},
): Promise<Workers> {
  const { sender, consume, ...settings } = overrides;
  return startWorkers(
    workerSettingsFromEnv({ REDIS_URL }, { prefix: testPrefix(), dispatchIntervalMs: 200, ...settings }),
    {
      ...env,
      calendar: defaultCalendar(),
      logger: silentLogger,
      ...(sender ? { sender } : {}),
      ...(consume === undefined ? {} : { consume }),
    },
  );
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
export function stepsLogged(db: CaseflowDb, caseId: string): string[] {
  return db
    .select()
    .from(caseEvents)
    .where(eq(caseEvents.caseId, caseId))
    .all()
    .filter((e) => e.kind === 'deadlineStep')
    .map((e) => (JSON.parse(e.payload) as { deadlineKind: string; step: string }).step);
}

/** The deadline row of `kind` on a case. */
export function deadlineOf(db: CaseflowDb, caseId: string, kind: string) {
  return db
    .select()
    .from(deadlines)
    .where(eq(deadlines.caseId, caseId))
    .all()
    .find((d) => d.kind === kind);
}

/** Notifications written for a case. */
export function notificationsOf(db: CaseflowDb, caseId: string) {
  return db.select().from(notifications).where(eq(notifications.caseId, caseId)).all();
}
