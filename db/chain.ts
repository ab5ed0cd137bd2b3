/**
 * The case log's hash chain, one chain per case: entry n carries `prevHash` (entry n-1's hash, or
 * GENESIS for the first) and `hash = SHA-256(domain tag ‖ prevHash ‖ RFC 8785 canonical JSON of
 * the entry's stored values)`. The payload is hashed as the JSON value it holds, so both dialects
 * (SQLite's text, PostgreSQL's jsonb, which reorders keys) give the same hash. The one writer seals
 * new entries with it and each adapter's migration backfill seals rows older than the chain.
 *
 * May import: db/records.ts, node:crypto, json-canonicalize. No driver, no domain code.
 */
import { hash } from 'node:crypto';
import { canonicalize } from 'json-canonicalize';
import type { ChainHead, ChainLink, NewCaseEvent } from './records';

/** The hash before a case's first entry. */
export const GENESIS = '0'.repeat(64);

/** Separates caseflow case-log hashes from any other SHA-256 of the same bytes. */
const DOMAIN_TAG = 'caseflow/case-event/v1\u0000';

/** The head of a case with no entries yet. */
export const EMPTY_HEAD: ChainHead = { seq: 0, hash: GENESIS };

/** The RFC 8785 form of a payload's JSON text. */
export const canonicalPayload = (payload: string): string => canonicalize(JSON.parse(payload) as unknown);

/**
 * The RFC 8785 form of what entry `seq` of a case says, given its payload already in that form:
 * the members in RFC 8785's key order (UTF-16 code units) and each scalar as ECMAScript's
 * JSON.stringify writes it, as RFC 8785 prescribes, so no general canonicalizer runs per entry.
 */
function canonicalEntry(entry: NewCaseEvent, seq: number, payload: string): string {
  const str = JSON.stringify;
  return (
    `{"actorId":${str(entry.actorId)},"actorRole":${str(entry.actorRole)},"at":${str(entry.at)},"caseId":${str(entry.caseId)},` +
    `"fromState":${str(entry.fromState)},"kind":${str(entry.kind)},"payload":${payload},"seq":${str(seq)},` +
    `"toState":${str(entry.toState)},"type":${str(entry.type)},"version":${str(entry.version)}}`
  );
}

/** The RFC 8785 form of what entry `seq` of a case says (exported for the conformance test). */
export const canonicalEntryOf = (entry: NewCaseEvent, seq: number): string => canonicalEntry(entry, seq, canonicalPayload(entry.payload));

// one-shot hashing (Node ≥ 20.12) costs a third of a createHash() object per entry
const sha256 = (prevHash: string, canonical: string): string => hash('sha256', DOMAIN_TAG + prevHash + canonical, 'hex');

/** The hash of `entry` at place `seq`, chained after `prevHash`. */
export function entryHash(entry: NewCaseEvent, seq: number, prevHash: string): string {
  return sha256(prevHash, canonicalEntryOf(entry, seq));
}

/**
 * Whether a stored entry's values give its hash. The writer stores payloads in RFC 8785 form, so
 * the stored text is tried as it is first (a match means it is that form); otherwise, as for
 * PostgreSQL's jsonb text, the payload is brought into the form and hashed again.
 */
export function hashHolds(entry: NewCaseEvent & ChainLink): boolean {
  if (sha256(entry.prevHash, canonicalEntry(entry, entry.seq, entry.payload)) === entry.hash) return true;
  return entryHash(entry, entry.seq, entry.prevHash) === entry.hash;
}

/** `entry` appended after `head`: its payload in RFC 8785 form (what is stored and hashed), and its link. */
export function sealEntry(head: ChainHead, entry: NewCaseEvent): NewCaseEvent & ChainLink {
  const payload = canonicalPayload(entry.payload);
  const seq = head.seq + 1;
  return { ...entry, payload, seq, prevHash: head.hash, hash: sha256(head.hash, canonicalEntry(entry, seq, payload)) };
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
