/**
 * Notices and their claims on PostgreSQL: a notice is `sending` while one notifier holds it.
 */
import { and, asc, eq, gt, lt, sql } from 'drizzle-orm';
import type { NotificationRepository } from '../port';
import type { PostgresDb } from './connection';
import { notifications } from './schema';

/** Written literally, so that it matches the partial index of pending notices. */
const PENDING = sql`${notifications.status} = 'pending'`;

/** The notification repository on one connection or transaction. */
export function postgresNotifications(db: PostgresDb): NotificationRepository {
  return {
    insert: async (notice) => {
      const result = await db
        .insert(notifications)
        .values({ ...notice, status: 'pending', attempts: 0 })
        .onConflictDoNothing();
      return result.rowCount === 1;
    },
    pending: async (after, maxAttempts, limit) =>
      db
        .select()
        .from(notifications)
        .where(and(PENDING, lt(notifications.attempts, maxAttempts), gt(notifications.id, after)))
        .orderBy(asc(notifications.id))
        .limit(limit),
    claim: async (id, now) => {
      const result = await db
        .update(notifications)
        .set({ status: 'sending', claimedAt: now })
        .where(and(eq(notifications.id, id), PENDING));
      return result.rowCount === 1;
    },
    releaseClaimsBefore: async (claimedBefore) => {
      const result = await db
        .update(notifications)
        .set({ status: 'pending', claimedAt: null })
        .where(and(eq(notifications.status, 'sending'), lt(notifications.claimedAt, claimedBefore)));
      return result.rowCount ?? 0;
    },
    markSent: async (id, sentAt, attempts) => {
      await db.update(notifications).set({ status: 'sent', sentAt, attempts }).where(eq(notifications.id, id));
    },
    markFailed: async (id, failure) => {
      await db
        .update(notifications)
        .set({ attempts: failure.attempts, lastError: failure.lastError, status: failure.final ? 'failed' : 'pending', claimedAt: null })
        .where(eq(notifications.id, id));
    },
    ofCase: async (caseId) => db.select().from(notifications).where(eq(notifications.caseId, caseId)).orderBy(asc(notifications.id)),
    byId: async (id) => (await db.select().from(notifications).where(eq(notifications.id, id)))[0],
  };
}
