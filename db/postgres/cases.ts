/**
 * Cases and the case log on PostgreSQL.
 */
import { and, asc, desc, eq, exists, getTableColumns, gt, inArray, isNull, lt, ne, or, sql, type SQL } from 'drizzle-orm';
import type { CaseListQuery, CaseRepository, CaseSummaryRecord, EventLogRepository } from '../port';
import { IDENTITY_STEPS_CONDITION, type CaseAccessFacts, type CaseEventRecord, type CaseRecord, type ChainHead } from '../records';
import type { PostgresDb } from './connection';
import { NOT_A_PERIOD, RUNNING } from './conditions';
import { caseEvents, cases, deadlines } from './schema';
import { columnsOf, insertStatement, named, selectList, tableName, type RunStatement, type Statement } from './statements';

/** A CaseRecord's columns: the case row without its chain head, which only the writer and the audit read. */
const CASE_COLUMNS = columnsOf(cases, ['chainSeq', 'chainHead']);
/** The case and its chain head (kept apart by the repository): the writer seals on the head it read. */
const SELECT_CASE = `SELECT ${selectList(CASE_COLUMNS)}, "chain_seq" AS "chainSeq", "chain_head" AS "chainHead" FROM ${tableName(cases)} WHERE "id" = $1`;
const caseById = named('case_by_id', SELECT_CASE);
const caseByIdForUpdate = named('case_by_id_for_update', `${SELECT_CASE} FOR UPDATE`);
/** What a case write sets: every field but those fixed when the case opened. */
const UPDATED = CASE_COLUMNS.filter(([field]) => !['id', 'type', 'createdBy', 'createdAt'].includes(field));
const updateCase = named(
  'case_update',
  `UPDATE ${tableName(cases)} SET ${UPDATED.map(([, column], i) => `"${column}" = $${i + 1}`).join(', ')} WHERE "id" = $${UPDATED.length + 1} AND "version" = $${UPDATED.length + 2}`,
);
/** The case write and its chain head moved along, guarded by version and head. */
const updateCaseWithChain = named(
  'case_update_with_chain',
  `UPDATE ${tableName(cases)} SET ${UPDATED.map(([, column], i) => `"${column}" = $${i + 1}`).join(', ')}, "chain_seq" = $${UPDATED.length + 5}, "chain_head" = $${UPDATED.length + 6} ` +
    `WHERE "id" = $${UPDATED.length + 1} AND "version" = $${UPDATED.length + 2} AND "chain_seq" = $${UPDATED.length + 3} AND "chain_head" = $${UPDATED.length + 4}`,
);
const chainHeadOf = named('case_chain_head', `SELECT "chain_seq" AS "seq", "chain_head" AS "hash" FROM ${tableName(cases)} WHERE "id" = $1`);
const chainHeadForUpdate = named('case_chain_head_for_update', `${chainHeadOf.text} FOR UPDATE`);
const moveChainHead = named(
  'case_move_chain_head',
  `UPDATE ${tableName(cases)} SET "chain_seq" = $4, "chain_head" = $5 WHERE "id" = $1 AND "chain_seq" = $2 AND "chain_head" = $3`,
);
const insertCase = insertStatement(
  'case_insert',
  cases,
  CASE_COLUMNS.map(([field]) => field),
);

/** The columns of a CaseRecord: the case row without its chain head, which only the writer and the audit read. */
const { chainSeq: _chainSeq, chainHead: _chainHead, ...caseColumns } = getTableColumns(cases);

/**
 * The cases repository on one connection or transaction. In a write transaction (`forWrite`) a case
 * read is `FOR UPDATE`: the transaction holds the case until it commits, so two writers that load,
 * decide on and write one case (a caseworker's event, a worker's ladder step) take turns, the second
 * deciding on what the first wrote, as SQLite's one writer at a time gives; at READ COMMITTED
 * without the lock, both would decide on the same state and the second's guarded update would fail.
 */
export function postgresCases(db: PostgresDb, run: RunStatement, { forWrite = false }: { forWrite?: boolean } = {}): CaseRepository {
  /** Chain heads of the cases this transaction read or moved. */
  const heads = new Map<string, ChainHead>();
  return {
    byId: async (id) => {
      const found = (await run<CaseRecord & { chainSeq: number; chainHead: string }>(forWrite ? caseByIdForUpdate : caseById, [id])).rows[0];
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
            .where(inArray(cases.id, [...ids])),
    insert: async (row: CaseRecord) => {
      await run(insertCase, CASE_COLUMNS.map(([field]) => row[field as keyof CaseRecord]));
    },
    update: async (row, expectedVersion, chain) => {
      const values = UPDATED.map(([field]) => row[field as keyof CaseRecord]);
      if (!chain) return (await run(updateCase, [...values, row.id, expectedVersion])).rowCount === 1;
      const { from, to } = chain;
      const moved = (await run(updateCaseWithChain, [...values, row.id, expectedVersion, from.seq, from.hash, to.seq, to.hash])).rowCount === 1;
      if (moved) heads.set(row.id, to);
      else heads.delete(row.id);
      return moved;
    },
    list: (query) => listCases(db, query),
    openAbout: async (subjectId) => {
      const query = db
        .select(caseColumns)
        .from(cases)
        .where(and(eq(cases.subjectId, subjectId), eq(cases.status, 'open')))
        .orderBy(asc(cases.createdAt), asc(cases.id));
      return forWrite ? query.for('update') : query;
    },
    allAbout: async (subjectId) => db.select(caseColumns).from(cases).where(eq(cases.subjectId, subjectId)).orderBy(asc(cases.createdAt), asc(cases.id)),
    // the head read with the case in this transaction (held FOR UPDATE in a write), else read now
    chainHead: async (id): Promise<ChainHead | undefined> =>
      heads.get(id) ?? (await run<ChainHead>(forWrite ? chainHeadForUpdate : chainHeadOf, [id])).rows[0],
    moveChainHead: async (id, from, to) => {
      const moved = (await run(moveChainHead, [id, from.seq, from.hash, to.seq, to.hash])).rowCount === 1;
      if (moved) heads.set(id, to);
      else heads.delete(id);
      return moved;
    },
    withChainHeads: async (ids) =>
      ids.length === 0
        ? []
        : (await db.select({ ...caseColumns, chainSeq: cases.chainSeq, chainHead: cases.chainHead }).from(cases).where(inArray(cases.id, [...ids]))).map(({ chainSeq, chainHead, ...row }) => ({
            ...row,
            head: { seq: chainSeq, hash: chainHead },
          })),
    chainHeads: (after, limit) =>
      db
        .select({ caseId: cases.id, seq: cases.chainSeq, hash: cases.chainHead })
        .from(cases)
        .where(sql`${inByteOrder(cases.id)} > ${after}`)
        .orderBy(inByteOrder(cases.id))
        .limit(limit),
  };
}

/** In byte order, as SQLite compares: a state's children sort between `state.` and `state/`, whatever the database's collation. */
const inByteOrder = (column: SQL | typeof cases.state | typeof cases.id) => sql`${column} COLLATE "C"`;

function listCases(db: PostgresDb, query: CaseListQuery): Promise<CaseSummaryRecord[]> {
  const where: SQL[] = [];
  if (query.type) where.push(eq(cases.type, query.type));
  // the state itself or any state under it ('screening' → 'screening.acceptance'), compared exactly, as a range
  if (query.state) {
    const state = inByteOrder(cases.state);
    where.push(or(eq(cases.state, query.state), sql`(${state} >= ${`${query.state}.`} AND ${state} < ${`${query.state}/`})`)!);
  }
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
    .limit(query.limit);
}

/** The append statement for entries with these fields (every entry of the log has the same). */
const appendStatements = new Map<string, Statement>();
function appendStatement(fields: readonly string[]): Statement {
  const key = fields.join(',');
  let statement = appendStatements.get(key);
  if (!statement) appendStatements.set(key, (statement = insertStatement('event_append', caseEvents, fields, 'RETURNING "id"')));
  return statement;
}

/** The case log on one connection or transaction: insert and read, nothing else. */
export function postgresEventLog(db: PostgresDb, run: RunStatement): EventLogRepository {
  return {
    lastId: async () => (await db.select({ id: sql<number | null>`max(${caseEvents.id})`.mapWith(Number) }).from(caseEvents))[0]?.id ?? 0,
    append: async (entry) => {
      const fields = Object.keys(entry);
      const appended = await run<{ id: number }>(appendStatement(fields), fields.map((field) => entry[field as keyof typeof entry]));
      return Number(appended.rows[0]!.id);
    },
    ofCase: async (caseId): Promise<CaseEventRecord[]> => db.select().from(caseEvents).where(eq(caseEvents.caseId, caseId)).orderBy(asc(caseEvents.id)),
    identityStepsAfter: async (afterId, limit): Promise<CaseEventRecord[]> =>
      db.select().from(caseEvents).where(and(sql.raw(IDENTITY_STEPS_CONDITION), gt(caseEvents.id, afterId))).orderBy(asc(caseEvents.id)).limit(limit),
    ofCases: async (caseIds): Promise<CaseEventRecord[]> =>
      caseIds.length === 0 ? [] : db.select().from(caseEvents).where(inArray(caseEvents.caseId, [...caseIds])).orderBy(asc(caseEvents.caseId), asc(caseEvents.id)),
  };
}
