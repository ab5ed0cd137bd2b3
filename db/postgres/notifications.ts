/**
 * Notices and their claims on PostgreSQL: a notice is `sending` while one notifier holds it.
 */
import { and, asc, eq, gt, lt, sql } from 'drizzle-orm';
import type { NotificationRepository } from '../port';
import type { PostgresDb } from './connection';
import { notifications } from './schema';
import { insertStatement, named, tableName, type RunStatement } from './statements';

/** The fields a ladder step writes, in the order of the insert's parameters. */
const NOTICE_FIELDS = ['caseId', 'deadlineId', 'step', 'recipient', 'warning', 'subject', 'body', 'createdAt', 'status', 'attempts'] as const;
const insertNotice = insertStatement('notification_insert', notifications, NOTICE_FIELDS, 'ON CONFLICT DO NOTHING');
const claimNotice = named('notification_claim', `UPDATE ${tableName(notifications)} SET "status" = 'sending', "claimed_at" = $2 WHERE "id" = $1 AND "status" = 'pending'`);
const markNoticeSent = named('notification_sent', `UPDATE ${tableName(notifications)} SET "status" = 'sent', "sent_at" = $2, "attempts" = $3 WHERE "id" = $1`);

/** Written literally, so that it matches the partial index of pending notices. */
const PENDING = sql`${notifications.status} = 'pending'`;

/** The notification repository on one connection or transaction; what a ladder step and the notifier run per notice are named statements. */
export function postgresNotifications(db: PostgresDb, run: RunStatement): NotificationRepository {
  return {
    insert: async (notice) => {
      const row = { ...notice, status: 'pending', attempts: 0 };
      const result = await run(
        insertNotice,
        NOTICE_FIELDS.map((field) => row[field]),
      );
      return result.rowCount === 1;
    },
    pending: async (after, maxAttempts, limit) =>
      db
        .select()
        .from(notifications)
        .where(and(PENDING, lt(notifications.attempts, maxAttempts), gt(notifications.id, after)))
        .orderBy(asc(notifications.id))
        .limit(limit),
    claim: async (id, now) => (await run(claimNotice, [id, now])).rowCount === 1,
    releaseClaimsBefore: async (claimedBefore) => {
      const result = await db
        .update(notifications)
        .set({ status: 'pending', claimedAt: null })
        .where(and(eq(notifications.status, 'sending'), lt(notifications.claimedAt, claimedBefore)));
      return result.rowCount ?? 0;
    },
    markSent: async (id, sentAt, attempts) => {
      await run(markNoticeSent, [id, sentAt, attempts]);
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
