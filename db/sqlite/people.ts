/**
 * Accounts, tokens and reporters on SQLite.
 */
import { and, asc, eq, gt, isNotNull, isNull, ne } from 'drizzle-orm';
import type { AccountRepository, IdentityWrapping, ReporterRepository } from '../port';
import type { SqliteDb } from './connection';
import { apiTokens, reporterIdentities, reporterMessages, reporterReceipts, userPasswords, users, webSessions } from './schema';

/** Users, API tokens, passwords and web sessions over one connection. */
export function sqliteAccounts(db: SqliteDb): AccountRepository {
  return {
    userByName: async (name) => db.select().from(users).where(eq(users.name, name)).get(),
    listUsers: async () => db.select().from(users).orderBy(asc(users.name)).all(),
    insertUser: async (user) => db.insert(users).values(user).returning().get(),
    disableUser: async (id, at) => {
      db.update(users).set({ disabledAt: at }).where(and(eq(users.id, id), isNull(users.disabledAt))).run();
    },
    insertToken: async (token) => {
      db.insert(apiTokens).values(token).run();
    },
    activeUserByTokenHash: async (tokenHash) =>
      db
        .select({ user: users })
        .from(apiTokens)
        .innerJoin(users, eq(users.id, apiTokens.userId))
        .where(and(eq(apiTokens.tokenHash, tokenHash), isNull(apiTokens.revokedAt), isNull(users.disabledAt)))
        .get()?.user,
    tokenById: async (id) => {
      const found = db.select({ token: apiTokens, userName: users.name }).from(apiTokens).innerJoin(users, eq(users.id, apiTokens.userId)).where(eq(apiTokens.id, id)).get();
      return found;
    },
    revokeToken: async (id, at) =>
      db.update(apiTokens).set({ revokedAt: at }).where(and(eq(apiTokens.id, id), isNull(apiTokens.revokedAt))).run().changes === 1,
    setPasswordHash: async (userId, hash, at) => {
      db.insert(userPasswords).values({ userId, hash, updatedAt: at }).onConflictDoUpdate({ target: userPasswords.userId, set: { hash, updatedAt: at } }).run();
    },
    passwordHashOf: async (userId) => db.select({ hash: userPasswords.hash }).from(userPasswords).where(eq(userPasswords.userId, userId)).get()?.hash,
    insertSession: async (session) => {
      db.insert(webSessions).values(session).run();
    },
    sessionByIdHash: async (idHash) =>
      db
        .select({ session: webSessions, user: users })
        .from(webSessions)
        .innerJoin(users, eq(users.id, webSessions.userId))
        .where(and(eq(webSessions.idHash, idHash), isNull(users.disabledAt)))
        .get(),
    touchSession: async (idHash, at) => db.update(webSessions).set({ lastSeenAt: at }).where(eq(webSessions.idHash, idHash)).run().changes === 1,
    deleteSession: async (idHash) => db.delete(webSessions).where(eq(webSessions.idHash, idHash)).run().changes === 1,
    deleteSessionsOf: async (userId) => db.delete(webSessions).where(eq(webSessions.userId, userId)).run().changes,
  };
}

/** Reporters' identities, receipts and messages over one connection. */
export function sqliteReporters(db: SqliteDb): ReporterRepository {
  return {
    insertIdentity: async (identity) => {
      db.insert(reporterIdentities).values(identity).run();
    },
    identityOf: async (caseId) => db.select().from(reporterIdentities).where(eq(reporterIdentities.caseId, caseId)).get(),
    plainIdentities: async (afterCaseId, limit) =>
      db.select().from(reporterIdentities).where(and(isNull(reporterIdentities.sealedFields), gt(reporterIdentities.caseId, afterCaseId))).orderBy(asc(reporterIdentities.caseId)).limit(limit).all(),
    sealPlainIdentity: async (caseId, sealed) =>
      db
        .update(reporterIdentities)
        .set({ ...sealed, name: null, contact: null })
        .where(and(eq(reporterIdentities.caseId, caseId), isNull(reporterIdentities.sealedFields)))
        .run().changes === 1,
    wrappedWithOtherKey: async (keyId, afterCaseId, limit) =>
      db
        .select({ caseId: reporterIdentities.caseId, keyId: reporterIdentities.keyId, wrappedKey: reporterIdentities.wrappedKey })
        .from(reporterIdentities)
        .where(and(isNotNull(reporterIdentities.sealedFields), ne(reporterIdentities.keyId, keyId), gt(reporterIdentities.caseId, afterCaseId)))
        .orderBy(asc(reporterIdentities.caseId))
        .limit(limit)
        .all() as IdentityWrapping[],
    rewrapIdentity: async (from, to) =>
      db
        .update(reporterIdentities)
        .set(to)
        .where(and(eq(reporterIdentities.caseId, from.caseId), eq(reporterIdentities.keyId, from.keyId), eq(reporterIdentities.wrappedKey, from.wrappedKey)))
        .run().changes === 1,
    insertReceipt: async (receipt) => {
      db.insert(reporterReceipts).values(receipt).run();
    },
    caseForReceipt: async (codeHash) => db.select({ caseId: reporterReceipts.caseId }).from(reporterReceipts).where(eq(reporterReceipts.codeHash, codeHash)).get()?.caseId,
    addMessage: async (message) => Number(db.insert(reporterMessages).values(message).run().lastInsertRowid),
    messagesOf: async (caseId) => db.select().from(reporterMessages).where(eq(reporterMessages.caseId, caseId)).orderBy(asc(reporterMessages.id)).all(),
  };
}
