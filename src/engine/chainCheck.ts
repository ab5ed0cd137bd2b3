/**
 * Checking one case's hash chain (db/chain.ts), purely: the entries of its log, oldest first, and
 * the head its case row holds. The first broken link is named with why it is broken.
 */
import { GENESIS, hashHolds } from '../../db/chain';
import type { CaseEventRecord, ChainHead, ChainLink } from '../../db/records';

/** Why a link is broken. */
export type ChainBreakReason =
  /** An entry's stored values no longer give its hash: its payload, actor or another field was edited. */
  | 'edited'
  /** An entry carries no chain link: it was inserted outside caseflow's writer. */
  | 'unsealed'
  /** Entries are missing between two that are intact: rows were deleted. */
  | 'deleted'
  /** An entry stands where another belongs: rows were reordered. */
  | 'reordered'
  /** An entry links to a hash its predecessor no longer has: the predecessor was rewritten and its hash recomputed without the entries after it. */
  | 'relinked'
  /** The case row counts more entries than the log holds: its tail was cut off. */
  | 'truncated'
  /** The case row's chain head is not the last entry's hash. */
  | 'headMismatch';

/** The first broken link of a case's chain. */
export interface ChainBreak {
  caseId: string;
  reason: ChainBreakReason;
  /** The entry where the chain breaks (its id and place), or null when the break is at the case row. */
  eventId: number | null;
  seq: number | null;
  message: string;
}

/** The first broken link of `caseId`'s chain, or null when every link holds. */
export function firstBreak(caseId: string, head: ChainHead, entries: readonly CaseEventRecord[]): ChainBreak | null {
  const at = (reason: ChainBreakReason, entry: CaseEventRecord | null, message: string): ChainBreak => ({
    caseId,
    reason,
    eventId: entry?.id ?? null,
    seq: entry?.seq ?? null,
    message: `Case ${caseId}: ${message}`,
  });
  const places = new Set(entries.map((e) => e.seq));
  let previous = GENESIS;
  let expected = 1;
  for (const entry of entries) {
    if (entry.seq === null || entry.prevHash === null || entry.hash === null) {
      return at('unsealed', entry, `log entry ${entry.id} has no chain link: it was written outside caseflow.`);
    }
    if (!hashHolds(entry as CaseEventRecord & ChainLink)) {
      return at('edited', entry, `entry #${entry.seq} (id ${entry.id}) no longer matches its hash: its stored values were edited.`);
    }
    if (entry.seq !== expected) {
      if (entry.seq < expected || places.has(expected)) {
        return at('reordered', entry, `entry #${entry.seq} (id ${entry.id}) stands where entry #${expected} belongs: log rows were reordered.`);
      }
      const missing = entry.seq - 1 === expected ? `entry #${expected} is` : `entries #${expected} to #${entry.seq - 1} are`;
      return at('deleted', entry, `${missing} missing before entry #${entry.seq} (id ${entry.id}): log rows were deleted.`);
    }
    if (entry.prevHash !== previous) {
      return at(
        'relinked',
        entry,
        `entry #${entry.seq} (id ${entry.id}) links to a hash entry #${expected - 1} no longer has: that entry was rewritten and its hash recomputed without the entries after it.`,
      );
    }
    previous = entry.hash;
    expected += 1;
  }
  const last = expected - 1;
  if (head.seq > last) {
    return at('truncated', null, `the case row counts ${head.seq} log entries but the log ends at #${last}: its tail was cut off.`);
  }
  if (head.seq !== last || head.hash !== previous) {
    return at('headMismatch', null, `the case row's chain head (entry #${head.seq}) is not its last log entry (#${last}): the last entry or the head was rewritten.`);
  }
  return null;
}
