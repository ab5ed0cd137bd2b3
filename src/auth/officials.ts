/**
 * Official ids, compared the one way everywhere: a user's name, the official a case is about and a
 * case's assignee name the same person when they match once trimmed and lower-cased, so a clue
 * about "He.Ping" is about the user "he.ping".
 *
 * Only ASCII letters are lower-cased, exactly as SQLite's lower() does, so that a comparison made in
 * SQL (`isOfficial`) agrees with one made here; user names are ASCII anyway.
 */
import { sql, type SQL, type SQLWrapper } from 'drizzle-orm';

/** `id` in the form official ids are stored and compared in: trimmed, ASCII letters lower-cased. */
export const officialKey = (id: string): string => id.trim().replace(/[A-Z]+/g, (letters) => letters.toLowerCase());

/** True when `a` and `b` name the same official; an absent id names nobody. */
export function sameOfficial(a: string | null | undefined, b: string | null | undefined): boolean {
  return a !== null && a !== undefined && b !== null && b !== undefined && officialKey(a) === officialKey(b);
}

/** SQL for "`column` names the official `id`", compared as `sameOfficial` does (a NULL column names nobody). */
export const isOfficial = (column: SQLWrapper, id: string): SQL => sql`lower(trim(${column})) = ${officialKey(id)}`;
