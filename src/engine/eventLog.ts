/**
 * Appending to a case's event log from outside a transition (deadline steps, extensions,
 * suspensions): one place, so every entry has the same shape and carries the case's version.
 */
import { eq } from 'drizzle-orm';
import type { CaseflowDb } from '../../db';
import { caseEvents, cases, type CaseEventRow } from '../../db/schema';
import type { Actor } from '../../machines/types';

export interface LogEntry {
  caseId: string;
  kind: CaseEventRow['kind'];
  type: string;
  actor: Actor;
  at: number;
  payload: Record<string, unknown>;
}

/** Appends an entry that does not move the machine (the case keeps its version); returns its id. */
export function appendCaseEvent(db: CaseflowDb, entry: LogEntry): number {
  const version = db.select({ version: cases.version }).from(cases).where(eq(cases.id, entry.caseId)).get()?.version;
  if (version === undefined) throw new Error(`case ${entry.caseId} vanished while logging ${entry.type}`);
  const inserted = db
    .insert(caseEvents)
    .values({
      caseId: entry.caseId,
      version,
      kind: entry.kind,
      type: entry.type,
      actorId: entry.actor.id,
      actorRole: entry.actor.role,
      at: entry.at,
      payload: JSON.stringify(entry.payload),
      fromState: null,
      toState: null,
    })
    .run();
  return Number(inserted.lastInsertRowid);
}
