/**
 * Accounts, tokens and reporters on PostgreSQL.
 */
import { and, asc, eq, gt, isNotNull, isNull, ne } from 'drizzle-orm';
import type { AccountRepository, IdentityWrapping, ReporterRepository } from '../port';
import type { PostgresDb } from './connection';
import { apiTokens, reporterIdentities, reporterMessages, reporterReceipts, userPasswords, users, webSessions } from './schema';

/** Users, API tokens, passwords and web sessions on one connection or transaction. */
export function postgresAccounts(db: PostgresDb): AccountRepository {
  return {
    userByName: async (name) => (await db.select().from(users).where(eq(users.name, name)))[0],
    listUsers: async () => db.select().from(users).orderBy(asc(users.name)),
    insertUser: async (user) => {
      const [inserted] = await db.insert(users).values(user).returning();
      return inserted!;
    },
    disableUser: async (id, at) => {
      await db
        .update(users)
        .set({ disabledAt: at })
        .where(and(eq(users.id, id), isNull(users.disabledAt)));
    },
    insertToken: async (token) => {
      await db.insert(apiTokens).values(token);
    },
    activeUserByTokenHash: async (tokenHash) => {
      const [found] = await db
        .select({ user: users })
        .from(apiTokens)
        .innerJoin(users, eq(users.id, apiTokens.userId))
        .where(and(eq(apiTokens.tokenHash, tokenHash), isNull(apiTokens.revokedAt), isNull(users.disabledAt)));
      return found?.user;
    },
    tokenById: async (id) =>
      (await db.select({ token: apiTokens, userName: users.name }).from(apiTokens).innerJoin(users, eq(users.id, apiTokens.userId)).where(eq(apiTokens.id, id)))[0],
    revokeToken: async (id, at) => {
      const result = await db
        .update(apiTokens)
        .set({ revokedAt: at })
        .where(and(eq(apiTokens.id, id), isNull(apiTokens.revokedAt)));
      return result.rowCount === 1;
    },
    setPasswordHash: async (userId, hash, at) => {
      await db.insert(userPasswords).values({ userId, hash, updatedAt: at }).onConflictDoUpdate({ target: userPasswords.userId, set: { hash, updatedAt: at } });
    },
    passwordHashOf: async (userId) => (await db.select({ hash: userPasswords.hash }).from(userPasswords).where(eq(userPasswords.userId, userId)))[0]?.hash,
    insertSession: async (session) => {
      await db.insert(webSessions).values(session);
    },
    sessionByIdHash: async (idHash) =>
      (
        await db
          .select({ session: webSessions, user: users })
          .from(webSessions)
          .innerJoin(users, eq(users.id, webSessions.userId))
          .where(and(eq(webSessions.idHash, idHash), isNull(users.disabledAt)))
      )[0],
    touchSession: async (idHash, at) => (await db.update(webSessions).set({ lastSeenAt: at }).where(eq(webSessions.idHash, idHash))).rowCount === 1,
    deleteSession: async (idHash) => (await db.delete(webSessions).where(eq(webSessions.idHash, idHash))).rowCount === 1,
    deleteSessionsOf: async (userId) => (await db.delete(webSessions).where(eq(webSessions.userId, userId))).rowCount ?? 0,
  };
}

/** Reporters' identities, receipts and messages on one connection or transaction. */
export function postgresReporters(db: PostgresDb): ReporterRepository {
  return {
    insertIdentity: async (identity) => {
      await db.insert(reporterIdentities).values(identity);
    },
    identityOf: async (caseId) => (await db.select().from(reporterIdentities).where(eq(reporterIdentities.caseId, caseId)))[0],
    plainIdentities: async (afterCaseId, limit) =>
      db.select().from(reporterIdentities).where(and(isNull(reporterIdentities.sealedFields), gt(reporterIdentities.caseId, afterCaseId))).orderBy(asc(reporterIdentities.caseId)).limit(limit),
    sealPlainIdentity: async (caseId, sealed) =>
      (await db
        .update(reporterIdentities)
        .set({ ...sealed, name: null, contact: null })
        .where(and(eq(reporterIdentities.caseId, caseId), isNull(reporterIdentities.sealedFields)))).rowCount === 1,
    wrappedWithOtherKey: async (keyId, afterCaseId, limit) =>
      (await db
        .select({ caseId: reporterIdentities.caseId, keyId: reporterIdentities.keyId, wrappedKey: reporterIdentities.wrappedKey })
        .from(reporterIdentities)
        .where(and(isNotNull(reporterIdentities.sealedFields), ne(reporterIdentities.keyId, keyId), gt(reporterIdentities.caseId, afterCaseId)))
        .orderBy(asc(reporterIdentities.caseId))
        .limit(limit)) as IdentityWrapping[],
    rewrapIdentity: async (from, to) =>
      (await db
        .update(reporterIdentities)
        .set(to)
        .where(and(eq(reporterIdentities.caseId, from.caseId), eq(reporterIdentities.keyId, from.keyId), eq(reporterIdentities.wrappedKey, from.wrappedKey)))).rowCount === 1,
    insertReceipt: async (receipt) => {
      await db.insert(reporterReceipts).values(receipt);
    },
    caseForReceipt: async (codeHash) =>
      (await db.select({ caseId: reporterReceipts.caseId }).from(reporterReceipts).where(eq(reporterReceipts.codeHash, codeHash)))[0]?.caseId,
    addMessage: async (message) => {
      const [added] = await db.insert(reporterMessages).values(message).returning({ id: reporterMessages.id });
      return added!.id;
    },
    messagesOf: async (caseId) => db.select().from(reporterMessages).where(eq(reporterMessages.caseId, caseId)).orderBy(asc(reporterMessages.id)),
  };
}
