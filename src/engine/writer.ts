/**
 * The one writer: applies a write plan inside the caller's transaction. It is the only code that
 * appends to the case log. The log is sealed into each case's hash chain first; then the guarded
 * updates run, a case's write moving its chain head in the same statement, and a row that moved on
 * (its version, chain head or schedule revision) is a conflict, never ignored: the caller's
 * transaction then rolls back everything.
 */
import { EMPTY_HEAD, sealEntry } from '../../db/chain';
import type { CaseRecord, ChainMove, NewCaseEvent, SealedCaseEvent, Tx } from '../../db/port';
import { StaleDeadlineError, VersionConflictError } from '../errors';
import type { WritePlan } from './plan';

/** Applies `plan` in `tx`; returns the ids the log gave its entries, in plan order. */
export async function writePlan(tx: Tx, plan: WritePlan): Promise<number[]> {
  // the log is sealed first, so that a case's write moves its chain head in the same guarded update
  const { sealed, moves } = await sealLog(tx, plan.log, plan.openCases);
  if (plan.updateCase) await updateCase(tx, plan.updateCase.row, plan.updateCase.expectedVersion, moves);
  for (const { row, expectedVersion } of plan.updateLinkedCases) await updateCase(tx, row, expectedVersion, moves);
  for (const { id, expectedRev, change } of plan.reschedule) {
    if (!(await tx.deadlines.reschedule(id, expectedRev, change))) throw new StaleDeadlineError(id, expectedRev);
  }
  for (const { id, expectedRev, change } of plan.respecify) {
    if (!(await tx.deadlines.respec(id, expectedRev, change))) throw new StaleDeadlineError(id, expectedRev);
  }
  for (const row of plan.openCases) await tx.cases.insert(row);
  for (const closing of plan.closeDeadlines) {
    if (!(await tx.deadlines.close(closing))) throw new StaleDeadlineError(closing.id, null);
  }
  if (plan.onTime.length) await tx.onTime.add(plan.onTime);
  for (const row of plan.openDeadlines) await tx.deadlines.insert(row);
  const ids: number[] = [];
  for (const entry of sealed) ids.push(await tx.events.append(entry));
  // the heads of cases whose entries came without a write of the case (new cases, log-only entries)
  for (const [caseId, { from, to }] of moves) {
    if (!(await tx.cases.moveChainHead(caseId, from, to))) await conflict(tx, caseId, null);
  }
  for (const card of plan.cards) await tx.deadlines.issueCard(card);
  for (const consequence of plan.consequences) await tx.consequences.insert(consequence);
  for (const notice of plan.notifications) await tx.notifications.insert(notice);
  for (const identity of plan.reporters) await tx.reporters.insertIdentity(identity);
  for (const receipt of plan.receipts) await tx.reporters.insertReceipt(receipt);
  return ids;
}

/**
 * Seals `log` into each case's hash chain (db/chain.ts), after the head each case has now (a case
 * the plan opens starts at the empty head): the sealed entries in plan order, and each case's move.
 */
async function sealLog(tx: Tx, log: readonly NewCaseEvent[], opening: readonly CaseRecord[]): Promise<{ sealed: SealedCaseEvent[]; moves: Map<string, ChainMove> }> {
  const moves = new Map<string, ChainMove>();
  const sealed: SealedCaseEvent[] = [];
  for (const entry of log) {
    let move = moves.get(entry.caseId);
    if (!move) {
      const from = opening.some((row) => row.id === entry.caseId) ? EMPTY_HEAD : ((await tx.cases.chainHead(entry.caseId)) ?? EMPTY_HEAD);
      move = { from, to: from };
      moves.set(entry.caseId, move);
    }
    const next = sealEntry(move.to, entry);
    sealed.push(next);
    move.to = { seq: next.seq, hash: next.hash };
  }
  return { sealed, moves };
}

/** Writes a case guarded by its version, moving its chain head along with it (the move is then done). */
async function updateCase(tx: Tx, row: CaseRecord, expectedVersion: number, moves: Map<string, ChainMove>): Promise<void> {
  const move = moves.get(row.id);
  if (!(await tx.cases.update(row, expectedVersion, move))) await conflict(tx, row.id, expectedVersion);
  moves.delete(row.id);
}

/** The case moved on under the plan (its version, or its chain head): a version conflict. */
async function conflict(tx: Tx, caseId: string, expectedVersion: number | null): Promise<never> {
  const current = await tx.cases.byId(caseId);
  const actual = current?.version ?? expectedVersion ?? 0;
  throw new VersionConflictError(caseId, expectedVersion ?? actual, actual);
}
