/**
 * Notices and their claims on SQLite: a notice is `sending` while one notifier holds it.
 */
import { and, asc, eq, gt, lt, sql } from 'drizzle-orm';
import type { NotificationRepository } from '../port';
import type { SqliteDb } from './connection';
import { notifications } from './schema';

/** Written literally: a bound value in a partial index's condition makes SQLite re-plan the statement on every run. */
const PENDING = sql`${notifications.status} = 'pending'`;

const p = sql.placeholder;

/** The notification repository over one connection; the statements a ladder step and the notifier run per notice are prepared once. */
export function sqliteNotifications(db: SqliteDb): NotificationRepository {
  const insert = db
    .insert(notifications)
    .values({
      caseId: p('caseId'),
      deadlineId: p('deadlineId'),
      step: p('step'),
      recipient: p('recipient'),
      warning: p('warning'),
      subject: p('subject'),
      body: p('body'),
      createdAt: p('createdAt'),
      status: 'pending',
      attempts: 0,
    })
    .onConflictDoNothing()
    .prepare();
  const pending = db
    .select()
    .from(notifications)
    .where(and(PENDING, lt(notifications.attempts, p('maxAttempts')), gt(notifications.id, p('after'))))
    .orderBy(asc(notifications.id))
    .limit(p('limit'))
    .prepare();
  const claim = db
    .update(notifications)
    .set({ status: 'sending', claimedAt: sql`${p('now')}` })
    .where(and(eq(notifications.id, p('id')), PENDING))
    .prepare();
  const markSent = db
    .update(notifications)
    .set({ status: 'sent', sentAt: sql`${p('sentAt')}`, attempts: sql`${p('attempts')}` })
    .where(eq(notifications.id, p('id')))
    .prepare();
  return {
    insert: async (notice) =>
      insert.run({
        caseId: notice.caseId,
        deadlineId: notice.deadlineId,
        step: notice.step,
        recipient: notice.recipient,
        warning: notice.warning,
        subject: notice.subject,
        body: notice.body,
        createdAt: notice.createdAt,
      }).changes === 1,
    pending: async (after, maxAttempts, limit) => pending.all({ after, maxAttempts, limit }),
    claim: async (id, now) => claim.run({ id, now }).changes === 1,
    releaseClaimsBefore: async (claimedBefore) =>
      db
        .update(notifications)
        .set({ status: 'pending', claimedAt: null })
        .where(and(eq(notifications.status, 'sending'), lt(notifications.claimedAt, claimedBefore)))
        .run().changes,
    markSent: async (id, sentAt, attempts) => {
      markSent.run({ id, sentAt, attempts });
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
