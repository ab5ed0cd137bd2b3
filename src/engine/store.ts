/**
 * The engine's hot statements, prepared once per database: load a case, write its snapshot
 * guarded by version, append to the event log, open and close deadline rows.
 */
import { and, asc, eq, sql } from 'drizzle-orm';
import type { CaseflowDb } from '../../db';
import { caseEvents, cases, deadlines, reporterIdentities } from '../../db/schema';

const p = sql.placeholder;

/** Prepares the statements the write path runs on every event. */
export function prepareStatements(db: CaseflowDb) {
  return {
    caseById: db.select().from(cases).where(eq(cases.id, p('id'))).prepare(),
    insertCase: db
      .insert(cases)
      .values({
        id: p('id'),
        type: p('type'),
        machineVersion: p('machineVersion'),
        state: p('state'),
        status: p('status'),
        snapshot: p('snapshot'),
        version: p('version'),
        unit: p('unit'),
        assignee: p('assignee'),
        subjectId: p('subjectId'),
        timeZone: p('timeZone'),
        createdBy: p('createdBy'),
        createdAt: p('createdAt'),
        updatedAt: p('updatedAt'),
        closedAt: p('closedAt'),
      })
      .prepare(),
    updateCase: db
      .update(cases)
      .set({
        state: sql`${p('state')}`,
        status: sql`${p('status')}`,
        snapshot: sql`${p('snapshot')}`,
        version: sql`${p('version')}`,
        unit: sql`${p('unit')}`,
        assignee: sql`${p('assignee')}`,
        subjectId: sql`${p('subjectId')}`,
        updatedAt: sql`${p('updatedAt')}`,
        closedAt: sql`${p('closedAt')}`,
      })
      .where(and(eq(cases.id, p('id')), eq(cases.version, p('expectedVersion'))))
      .prepare(),
    insertEvent: db
      .insert(caseEvents)
      .values({
        caseId: p('caseId'),
        version: p('version'),
        kind: p('kind'),
        type: p('type'),
        actorId: p('actorId'),
        actorRole: p('actorRole'),
        at: p('at'),
        payload: p('payload'),
        fromState: p('fromState'),
        toState: p('toState'),
      })
      .prepare(),
    runningDeadlines: db
      .select()
      .from(deadlines)
      .where(and(eq(deadlines.caseId, p('caseId')), eq(deadlines.running, true)))
      .prepare(),
    caseDeadlines: db.select().from(deadlines).where(eq(deadlines.caseId, p('caseId'))).orderBy(asc(deadlines.createdAt)).prepare(),
    closeDeadline: db
      .update(deadlines)
      .set({
        running: false,
        status: sql`${p('status')}`,
        closedAt: sql`${p('closedAt')}`,
        latenessMs: sql`${p('latenessMs')}`,
        nextFireAt: null,
        updatedAt: sql`${p('closedAt')}`,
      })
      .where(eq(deadlines.id, p('id')))
      .prepare(),
    insertDeadline: db
      .insert(deadlines)
      .values({
        id: p('id'),
        caseId: p('caseId'),
        caseType: p('caseType'),
        unit: p('unit'),
        kind: p('kind'),
        stateId: p('stateId'),
        basis: p('basis'),
        timeZone: p('timeZone'),
        spec: p('spec'),
        baseAt: p('baseAt'),
        originalDueAt: p('dueAt'),
        dueAt: p('dueAt'),
        status: 'pending',
        running: true,
        period: p('period'),
        warning: 'none',
        escalationLevel: 0,
        nextStep: 0,
        nextFireAt: p('nextFireAt'),
        scheduleRev: 1,
        dispatchedRev: null,
        createdAt: p('createdAt'),
        updatedAt: p('createdAt'),
      })
      .prepare(),
    insertReporter: db
      .insert(reporterIdentities)
      .values({ caseId: p('caseId'), name: p('name'), contact: p('contact'), createdAt: p('createdAt') })
      .prepare(),
    history: db.select().from(caseEvents).where(eq(caseEvents.caseId, p('caseId'))).orderBy(asc(caseEvents.id)).prepare(),
  };
}

export type Statements = ReturnType<typeof prepareStatements>;
