/**
 * Cases and the case log on SQLite: prepared statements for the write path, drizzle for lists.
 */
import { and, asc, desc, eq, exists, getTableColumns, gt, gte, inArray, isNull, lt, ne, or, sql, type SQL } from 'drizzle-orm';
import type { CaseListQuery, CaseRepository, CaseSummaryRecord, EventLogRepository } from '../port';
import { IDENTITY_STEPS_CONDITION, type CaseAccessFacts, type CaseEventRecord, type CaseRecord, type ChainHead, type SealedCaseEvent } from '../records';
import type { SqliteDb } from './connection';
import { NOT_A_PERIOD, RUNNING } from './conditions';
import { caseEvents, cases, deadlines } from './schema';
import { assignments, columnsOf, insertSql, selectList, tableName } from './statements';

/** The columns of a CaseRecord: the case row without its chain head, which only the writer and the audit read. */
const { chainSeq: _chainSeq, chainHead: _chainHead, ...caseColumns } = getTableColumns(cases);
const CASE_COLUMNS = columnsOf(cases, ['chainSeq', 'chainHead']);
/** What a case write sets: every field but those fixed when the case opened (and the chain head, which moves with the log). */
const UPDATED = ['machineVersion', 'state', 'status', 'snapshot', 'version', 'unit', 'assignee', 'subjectId', 'updatedAt', 'closedAt'];
/** The log's columns but its id, which SQLite gives. */
const EVENT_INSERT = insertSql(caseEvents, ['id']);

const p = sql.placeholder;

/** The cases repository of one connection, and what it remembers for the turn (transaction) in progress. */
export interface SqliteCases {
  cases: CaseRepository;
  /** Forgets the chain heads read or moved in the turn that ended: the next one reads them afresh. */
  endTurn: () => void;
}

/**
 * The cases repository over one connection. A case read also reads its chain head and keeps it for
 * the rest of the turn, as the PostgreSQL adapter does, so the writer seals on it without reading
 * it again; the connection's turns are its transactions, and `endTurn` forgets the heads after each.
 */
export function sqliteCases(db: SqliteDb): SqliteCases {
  const client = db.$client;
  /** Chain heads of the cases this turn read or moved. */
  const heads = new Map<string, ChainHead>();
  const remember = (id: string, moved: boolean, to: ChainHead): boolean => {
    if (moved) heads.set(id, to);
    else heads.delete(id);
    return moved;
  };
  // the write path's statements, plain better-sqlite3 (db/sqlite/statements.ts)
  const byId = client.prepare<[string], CaseRecord & { chainSeq: number; chainHead: string }>(
    `SELECT ${selectList(CASE_COLUMNS)}, "chain_seq" AS "chainSeq", "chain_head" AS "chainHead" FROM ${tableName(cases)} WHERE "id" = ?`,
  );
  const insert = client.prepare(insertSql(cases, ['chainSeq', 'chainHead']));
  const update = client.prepare(`UPDATE ${tableName(cases)} SET ${assignments(cases, UPDATED)} WHERE "id" = @id AND "version" = @expectedVersion`);
  // the case and its chain head in one statement, guarded by both
  const updateWithChain = client.prepare(
    `UPDATE ${tableName(cases)} SET ${assignments(cases, UPDATED)}, "chain_seq" = @seq, "chain_head" = @hash ` +
      `WHERE "id" = @id AND "version" = @expectedVersion AND "chain_seq" = @fromSeq AND "chain_head" = @fromHash`,
  );
  // a page of cases with their chain heads: one prepared statement, the ids as one JSON array
  const withChainHeads = client.prepare<[string], CaseRecord & { chainSeq: number; chainHead: string }>(
    `SELECT ${selectList(CASE_COLUMNS)}, "chain_seq" AS "chainSeq", "chain_head" AS "chainHead" FROM ${tableName(cases)} WHERE "id" IN (SELECT value FROM json_each(?)) ORDER BY "id"`,
  );
  const chainHead = client.prepare<[string], ChainHead>(`SELECT "chain_seq" AS "seq", "chain_head" AS "hash" FROM ${tableName(cases)} WHERE "id" = ?`);
  const moveChainHead = db
    .update(cases)
    .set({ chainSeq: sql`${p('seq')}`, chainHead: sql`${p('hash')}` })
    .where(and(eq(cases.id, p('id')), eq(cases.chainSeq, p('fromSeq')), eq(cases.chainHead, p('fromHash'))))
    .prepare();
  const chainHeads = db
    .select({ caseId: cases.id, seq: cases.chainSeq, hash: cases.chainHead })
    .from(cases)
    .where(gt(cases.id, p('after')))
    .orderBy(asc(cases.id))
    .limit(p('limit'))
    .prepare();

  const repository: CaseRepository = {
    byId: async (id) => {
      const found = byId.get(id);
      if (!found) return undefined;
      const { chainSeq, chainHead, ...row } = found;
      heads.set(id, { seq: chainSeq, hash: chainHead });
      return row;
    },
    accessFacts: async (ids): Promise<CaseAccessFacts[]> =>
      ids.length === 0
        ? []
        : db
            .select({ id: cases.id, type: cases.type, assignee: cases.assignee, subjectId: cases.subjectId })
            .from(cases)
            .where(inArray(cases.id, [...ids]))
            .all(),
    insert: async (row: CaseRecord) => {
      insert.run(row);
    },
    update: async (row, expectedVersion, chain) => {
      if (!chain) return update.run({ ...row, expectedVersion }).changes === 1;
      const { from, to } = chain;
      const moved = updateWithChain.run({ ...row, expectedVersion, fromSeq: from.seq, fromHash: from.hash, seq: to.seq, hash: to.hash }).changes === 1;
      return remember(row.id, moved, to);
    },
    list: async (query) => listCases(db, query),
    openAbout: async (subjectId) =>
      db
        .select(caseColumns)
        .from(cases)
        .where(and(eq(cases.subjectId, subjectId), eq(cases.status, 'open')))
        .orderBy(asc(cases.createdAt), asc(cases.id))
        .all(),
    allAbout: async (subjectId) => db.select(caseColumns).from(cases).where(eq(cases.subjectId, subjectId)).orderBy(asc(cases.createdAt), asc(cases.id)).all(),
    chainHead: async (id): Promise<ChainHead | undefined> => heads.get(id) ?? chainHead.get(id),
    moveChainHead: async (id, from, to) => remember(id, moveChainHead.run({ id, fromSeq: from.seq, fromHash: from.hash, seq: to.seq, hash: to.hash }).changes === 1, to),
    withChainHeads: async (ids) =>
      ids.length === 0
        ? []
        : withChainHeads.all(JSON.stringify(ids)).map(({ chainSeq, chainHead, ...row }) => ({
            ...row,
            head: { seq: chainSeq, hash: chainHead },
          })),
    chainHeads: async (after, limit) => chainHeads.all({ after, limit }),
  };
  return { cases: repository, endTurn: () => heads.clear() };
}

function listCases(db: SqliteDb, query: CaseListQuery): CaseSummaryRecord[] {
  const where: SQL[] = [];
  if (query.type) where.push(eq(cases.type, query.type));
  // the state itself or any state under it ('screening' → 'screening.acceptance'), compared exactly, as a range the index can use
  if (query.state) where.push(or(eq(cases.state, query.state), and(gte(cases.state, `${query.state}.`), lt(cases.state, `${query.state}/`)))!);
  if (query.unit) where.push(eq(cases.unit, query.unit));
  if (query.assignee) where.push(eq(cases.assignee, query.assignee));
  if (query.status) where.push(eq(cases.status, query.status));
  if (query.notAbout) where.push(or(isNull(cases.subjectId), ne(cases.subjectId, query.notAbout))!);
  if (query.overdueAt !== undefined) {
    const now = query.overdueAt;
    where.push(
      exists(
        db
          .select({ one: sql`1` })
          .from(deadlines)
          .where(
            and(
              eq(deadlines.caseId, cases.id),
              RUNNING,
              NOT_A_PERIOD,
              isNull(deadlines.suspendedAt),
              or(eq(deadlines.status, 'overdue'), lt(deadlines.dueAt, now)),
            ),
          ),
      ),
    );
  }
  if (query.dueBefore !== undefined) {
    where.push(
      exists(
        db
          .select({ one: sql`1` })
          .from(deadlines)
          .where(and(eq(deadlines.caseId, cases.id), RUNNING, lt(deadlines.dueAt, query.dueBefore))),
      ),
    );
  }
  if (query.after) {
    const { createdAt, id } = query.after;
    where.push(or(lt(cases.createdAt, createdAt), and(eq(cases.createdAt, createdAt), lt(cases.id, id)))!);
  }
  return db
    .select({
      id: cases.id,
      type: cases.type,
      state: cases.state,
      status: cases.status,
      version: cases.version,
      unit: cases.unit,
      assignee: cases.assignee,
      createdAt: cases.createdAt,
      updatedAt: cases.updatedAt,
    })
    .from(cases)
    .where(and(...where))
    .orderBy(desc(cases.createdAt), desc(cases.id))
    .limit(query.limit)
    .all();
}

/** The case log over one connection: insert and read, nothing else. */
export function sqliteEventLog(db: SqliteDb): EventLogRepository {
  const append = db.$client.prepare(EVENT_INSERT);
  const ofCase = db.select().from(caseEvents).where(eq(caseEvents.caseId, p('caseId'))).orderBy(asc(caseEvents.id)).prepare();
  // the entries of a page of cases: one prepared statement, the ids as one JSON array
  const ofCases = db.$client.prepare<[string], CaseEventRecord>(
    // CROSS JOIN keeps json_each outside, so each id is a look-up in case_events_case, not a scan
    `SELECT e.id, e.case_id AS caseId, e.version, e.kind, e.type, e.actor_id AS actorId, e.actor_role AS actorRole, e.at, e.payload,
            e.from_state AS fromState, e.to_state AS toState, e.seq, e.prev_hash AS prevHash, e.hash
       FROM json_each(?) AS j CROSS JOIN case_events AS e ON e.case_id = j.value ORDER BY e.case_id, e.id`,
  );
  const lastId = db.select({ id: sql<number | null>`max(${caseEvents.id})` }).from(caseEvents).prepare();
  const identityStepsAfter = db
    .select()
    .from(caseEvents)
    .where(and(sql.raw(IDENTITY_STEPS_CONDITION), gt(caseEvents.id, p('afterId'))))
    .orderBy(asc(caseEvents.id))
    .limit(p('limit'))
    .prepare();
  return {
    identityStepsAfter: async (afterId, limit): Promise<CaseEventRecord[]> => identityStepsAfter.all({ afterId, limit }),
    lastId: async () => lastId.get()?.id ?? 0,
    append: async (entry: SealedCaseEvent) => Number(append.run(entry).lastInsertRowid),
    ofCase: async (caseId): Promise<CaseEventRecord[]> => ofCase.all({ caseId }),
    ofCases: async (caseIds): Promise<CaseEventRecord[]> => (caseIds.length === 0 ? [] : ofCases.all(JSON.stringify(caseIds))),
  };
}
