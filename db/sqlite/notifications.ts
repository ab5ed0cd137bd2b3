/**
 * Notices and their claims on SQLite: a notice is `sending` while one notifier holds it.
 */
import { and, asc, eq, gt, lt, sql } from 'drizzle-orm';
import type { NotificationRepository } from '../port';
import type { SqliteDb } from './connection';
import { notifications } from './schema';

/** Written literally: a bound value in a partial index's condition makes SQLite re-plan the statement on every run. */
const PENDING = sql`${notifications.status} = 'pending'`;

/** The notification repository over one connection. */
export function sqliteNotifications(db: SqliteDb): NotificationRepository {
  return {
    insert: async (notice) => db.insert(notifications).values({ ...notice, status: 'pending', attempts: 0 }).onConflictDoNothing().run().changes === 1,
    pending: async (after, maxAttempts, limit) =>
      db
        .select()
        .from(notifications)
        .where(and(PENDING, lt(notifications.attempts, maxAttempts), gt(notifications.id, after)))
        .orderBy(asc(notifications.id))
        .limit(limit)
        .all(),
    claim: async (id, now) =>
      db
        .update(notifications)
        .set({ status: 'sending', claimedAt: now })
        .where(and(eq(notifications.id, id), PENDING))
        .run().changes === 1,
    releaseClaimsBefore: async (claimedBefore) =>
      db
        .update(notifications)
        .set({ status: 'pending', claimedAt: null })
        .where(and(eq(notifications.status, 'sending'), lt(notifications.claimedAt, claimedBefore)))
        .run().changes,
    markSent: async (id, sentAt, attempts) => {
      db.update(notifications).set({ status: 'sent', sentAt, attempts }).where(eq(notifications.id, id)).run();
    },
    markFailed: async (id, failure) => {
      db.update(notifications)
        .set({ attempts: failure.attempts, lastError: failure.lastError, status: failure.final ? 'failed' : 'pending', claimedAt: null })
        .where(eq(notifications.id, id))
        .run();
    },
    ofCase: async (caseId) => db.select().from(notifications).where(eq(notifications.caseId, caseId)).orderBy(asc(notifications.id)).all(),
    byId: async (id) => db.select().from(notifications).where(eq(notifications.id, id)).get(),
  };
}
