/**
 * The case log's hash chain, one chain per case: entry n carries `prevHash` (entry n-1's hash, or
 * GENESIS for the first) and `hash = SHA-256(domain tag ‖ prevHash ‖ RFC 8785 canonical JSON of
 * the entry's stored values)`. The payload is hashed as the JSON value it holds, so both dialects
 * (SQLite's text, PostgreSQL's jsonb, which reorders keys) give the same hash. The one writer seals
 * new entries with it and each adapter's migration backfill seals rows older than the chain.
 *
 * May import: db/records.ts, node:crypto, json-canonicalize. No driver, no domain code.
 */
import { createHash } from 'node:crypto';
import { canonicalize } from 'json-canonicalize';
import type { ChainHead, ChainLink, NewCaseEvent } from './records';

/** The hash before a case's first entry. */
export const GENESIS = '0'.repeat(64);

/** Separates caseflow case-log hashes from any other SHA-256 of the same bytes. */
const DOMAIN_TAG = 'caseflow/case-event/v1\u0000';

/** The head of a case with no entries yet. */
export const EMPTY_HEAD: ChainHead = { seq: 0, hash: GENESIS };

/** The RFC 8785 form of what entry `seq` of a case says. */
function canonicalEntry(entry: NewCaseEvent, seq: number): string {
  return canonicalize({
    caseId: entry.caseId,
    seq,
    version: entry.version,
    kind: entry.kind,
    type: entry.type,
    actorId: entry.actorId,
    actorRole: entry.actorRole,
    at: entry.at,
    payload: JSON.parse(entry.payload) as unknown,
    fromState: entry.fromState,
    toState: entry.toState,
  });
}

/** The hash of `entry` at place `seq`, chained after `prevHash`. */
export function entryHash(entry: NewCaseEvent, seq: number, prevHash: string): string {
  return createHash('sha256').update(DOMAIN_TAG).update(prevHash).update(canonicalEntry(entry, seq)).digest('hex');
}

/** The link of `entry` appended after `head`. */
export function nextLink(head: ChainHead, entry: NewCaseEvent): ChainLink {
  const seq = head.seq + 1;
  return { seq, prevHash: head.hash, hash: entryHash(entry, seq, head.hash) };
}

/** A log row as a backfill reads it: what it says, and its id. */
export type UnsealedRow = NewCaseEvent & { id: number };

/**
 * Seals rows written before the chain existed, oldest first: each gets the link after its case's
 * head in `heads` (read with `headOf` the first time a case is met), and `heads` moves along.
 */
export function sealBacklog(rows: readonly UnsealedRow[], heads: Map<string, ChainHead>, headOf: (caseId: string) => ChainHead): (ChainLink & { id: number })[] {
  const links: (ChainLink & { id: number })[] = [];
  for (const row of rows) {
    const head = heads.get(row.caseId) ?? headOf(row.caseId);
    const link = nextLink(head, row);
    links.push({ id: row.id, ...link });
    heads.set(row.caseId, { seq: link.seq, hash: link.hash });
  }
  return links;
}
