/**
 * Read-side queries over cases: filtered, cursor-paginated lists for caseworkers and supervisors.
 */
import { and, desc, eq, exists, isNull, like, lt, not, or, type SQL, sql } from 'drizzle-orm';
import type { CaseflowDb } from '../../db';
import { cases, deadlines } from '../../db/schema';
import { isOfficial } from '../auth/officials';
import { InvalidPayloadError } from '../errors';

export interface CaseFilter {
  type?: string;
  /** A state or a parent state: `screening` matches `screening.acceptance`. */
  state?: string;
  unit?: string;
  assignee?: string;
  status?: 'open' | 'closed';
  /** Only cases with a running deadline past due. */
  overdue?: boolean;
  /** Only cases with a running deadline due before this moment (epoch ms). */
  dueBefore?: number;
  /** Leaves out cases about this person (nobody sees a case about themselves in a caseworker's list). */
  notAbout?: string;
  /** Page size. @defaultValue 50, at most 500 */
  limit?: number;
  /** The `nextCursor` of the previous page. */
  cursor?: string;
}

export interface CaseSummary {
  id: string;
  type: string;
  state: string;
  status: 'open' | 'closed';
  version: number;
  unit: string | null;
  assignee: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface CasePage {
  cases: CaseSummary[];
  nextCursor: string | null;
}

const encodeCursor = (createdAt: number, id: string): string => Buffer.from(JSON.stringify([createdAt, id])).toString('base64url');

function decodeCursor(cursor: string): [number, string] {
  try {
    const value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (Array.isArray(value) && typeof value[0] === 'number' && typeof value[1] === 'string') return [value[0], value[1]];
  } catch {
    // reported below
  }
  throw new InvalidPayloadError('list request', [{ path: 'cursor', message: 'not a cursor this server gave out' }]);
}

/** Lists cases newest first, filtered, one page at a time. */
export function listCases(db: CaseflowDb, filter: CaseFilter, now: number): CasePage {
  const limit = Math.min(Math.max(filter.limit ?? 50, 1), 500);
  const where: SQL[] = [];
  if (filter.type) where.push(eq(cases.type, filter.type));
  if (filter.state) where.push(or(eq(cases.state, filter.state), like(cases.state, `${filter.state}.%`))!);
  if (filter.unit) where.push(eq(cases.unit, filter.unit));
  if (filter.assignee) where.push(eq(cases.assignee, filter.assignee));
  if (filter.status) where.push(eq(cases.status, filter.status));
  if (filter.notAbout) where.push(or(isNull(cases.subjectId), not(isOfficial(cases.subjectId, filter.notAbout)))!);
  if (filter.overdue) {
    where.push(
      exists(
        db
          .select({ one: sql`1` })
          .from(deadlines)
          .where(
            and(
              eq(deadlines.caseId, cases.id),
              eq(deadlines.running, true),
              eq(deadlines.period, false),
              isNull(deadlines.suspendedAt),
              or(eq(deadlines.status, 'overdue'), lt(deadlines.dueAt, now)),
            ),
          ),
      ),
    );
  }
  if (filter.dueBefore !== undefined) {
    where.push(
      exists(
        db
          .select({ one: sql`1` })
          .from(deadlines)
          .where(and(eq(deadlines.caseId, cases.id), eq(deadlines.running, true), lt(deadlines.dueAt, filter.dueBefore))),
      ),
    );
  }
  if (filter.cursor) {
    const [createdAt, id] = decodeCursor(filter.cursor);
    where.push(or(lt(cases.createdAt, createdAt), and(eq(cases.createdAt, createdAt), lt(cases.id, id)))!);
  }
  const rows = db
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
    .limit(limit + 1)
    .all();
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  return {
    cases: page.map((r) => ({ ...r, createdAt: new Date(r.createdAt).toISOString(), updatedAt: new Date(r.updatedAt).toISOString() })),
    nextCursor: rows.length > limit && last ? encodeCursor(last.createdAt, last.id) : null,
  };
}
