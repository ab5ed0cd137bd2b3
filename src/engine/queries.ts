/**
 * Case lists for caseworkers and supervisors: filters, keyset pagination with opaque cursors, and
 * the access policy applied to every row inside the read transaction.
 */
import type { CaseListQuery, Tx } from '../../db/port';
import type { Actor } from '../../machines/types';
import { InvalidPayloadError } from '../errors';
import { narrowCaseList, visibilityOf } from './policy';

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

function decodeCursor(cursor: string): { createdAt: number; id: string } {
  try {
    const value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (Array.isArray(value) && typeof value[0] === 'number' && typeof value[1] === 'string') return { createdAt: value[0], id: value[1] };
  } catch {
    // reported below
  }
  throw new InvalidPayloadError('list request', [{ path: 'cursor', message: 'not a cursor this server gave out' }]);
}

/**
 * One page of cases newest first, as `actor` may see them (every case without an actor). The query
 * is narrowed first (`narrowCaseList`), then each row is checked with the policy; rows it drops are
 * made up from the cases that follow, so a page is full whenever a next one exists.
 */
export async function listCases(tx: Tx, filter: CaseFilter, now: number, actor?: Actor): Promise<CasePage> {
  const size = Math.min(Math.max(filter.limit ?? 50, 1), 500);
  let query: CaseListQuery | null = {
    limit: size + 1,
    ...(filter.type ? { type: filter.type } : {}),
    ...(filter.state ? { state: filter.state } : {}),
    ...(filter.unit ? { unit: filter.unit } : {}),
    ...(filter.assignee ? { assignee: filter.assignee } : {}),
    ...(filter.status ? { status: filter.status } : {}),
    ...(filter.overdue ? { overdueAt: now } : {}),
    ...(filter.dueBefore !== undefined ? { dueBefore: filter.dueBefore } : {}),
    ...(filter.cursor ? { after: decodeCursor(filter.cursor) } : {}),
  };
  if (actor) query = narrowCaseList(actor, query);
  if (!query) return { cases: [], nextCursor: null };
  const kept: CaseSummary[] = [];
  for (;;) {
    const rows = await tx.cases.list({ ...query, limit: size - kept.length + 1 });
    const page = rows.slice(0, size - kept.length);
    const facts = actor ? new Map((await tx.cases.accessFacts(page.map((r) => r.id))).map((f) => [f.id, f])) : null;
    for (const r of page) {
      const found = facts?.get(r.id);
      if (facts && actor && (!found || visibilityOf(actor, found) !== 'visible')) continue;
      kept.push({ ...r, createdAt: new Date(r.createdAt).toISOString(), updatedAt: new Date(r.updatedAt).toISOString() });
    }
    const last = page[page.length - 1];
    const more = rows.length > page.length;
    if (!more || !last) return { cases: kept, nextCursor: null };
    if (kept.length >= size) return { cases: kept, nextCursor: encodeCursor(last.createdAt, last.id) };
    query = { ...query, after: { createdAt: last.createdAt, id: last.id } };
  }
}
