/**
 * The one writer: applies a write plan inside the caller's transaction. It is the only code that
 * appends to the case log. Guarded updates run first and a row that moved on is a conflict, never
 * ignored; the caller's transaction then rolls back everything.
 */
import { EMPTY_HEAD, sealEntry } from '../../db/chain';
import type { ChainHead, NewCaseEvent, Tx } from '../../db/port';
import { StaleDeadlineError, VersionConflictError } from '../errors';
import type { WritePlan } from './plan';

/** Applies `plan` in `tx`; returns the ids the log gave its entries, in plan order. */
export async function writePlan(tx: Tx, plan: WritePlan): Promise<number[]> {
  if (plan.updateCase) {
    const { row, expectedVersion } = plan.updateCase;
    if (!(await tx.cases.update(row, expectedVersion))) {
      const current = await tx.cases.byId(row.id);
      throw new VersionConflictError(row.id, expectedVersion, current?.version ?? expectedVersion);
    }
  }
  for (const { row, expectedVersion } of plan.updateLinkedCases) {
    if (!(await tx.cases.update(row, expectedVersion))) {
      const current = await tx.cases.byId(row.id);
      throw new VersionConflictError(row.id, expectedVersion, current?.version ?? expectedVersion);
    }
  }
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
  const ids = await appendChained(tx, plan.log);
  for (const card of plan.cards) await tx.deadlines.issueCard(card);
  for (const consequence of plan.consequences) await tx.consequences.insert(consequence);
  for (const notice of plan.notifications) await tx.notifications.insert(notice);
  for (const identity of plan.reporters) await tx.reporters.insertIdentity(identity);
  for (const receipt of plan.receipts) await tx.reporters.insertReceipt(receipt);
  return ids;
}

/**
 * Appends `log` sealed into each case's hash chain (db/chain.ts), then moves each case's chain head,
 * guarded by the head it started from: a head that moved on is a conflict, as a version is.
 */
async function appendChained(tx: Tx, log: readonly NewCaseEvent[]): Promise<number[]> {
  const heads = new Map<string, { from: ChainHead; to: ChainHead }>();
  const ids: number[] = [];
  for (const entry of log) {
    let head = heads.get(entry.caseId);
    if (!head) {
      const from = (await tx.cases.chainHead(entry.caseId)) ?? EMPTY_HEAD;
      head = { from, to: from };
      heads.set(entry.caseId, head);
    }
    const sealed = sealEntry(head.to, entry);
    ids.push(await tx.events.append(sealed));
    head.to = { seq: sealed.seq, hash: sealed.hash };
  }
  for (const [caseId, { from, to }] of heads) {
    if (!(await tx.cases.moveChainHead(caseId, from, to))) {
      const current = await tx.cases.byId(caseId);
      throw new VersionConflictError(caseId, current?.version ?? 0, current?.version ?? 0);
    }
  }
  return ids;
}
