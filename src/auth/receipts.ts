/**
 * Reporters' receipt codes and the information reporters add with them. A receipt leads to exactly
 * one clue; it is stored hashed, so the database alone cannot be used to look up a clue's reporter.
 */
import { asc, eq } from 'drizzle-orm';
import type { CaseflowDb } from '../../db';
import { reporterMessages, reporterReceipts } from '../../db/schema';
import type { Clock } from '../clock';
import { ReceiptNotFoundError } from './errors';
import { newReceiptCode, receiptCodeHash } from './secrets';

/** A reporter's message as caseworkers read it. */
export interface ReporterMessageView {
  id: number;
  body: string;
  receivedAt: string;
}

/** Receipt codes and reporter messages in the caseflow database. */
export class ReporterReceipts {
  constructor(
    private readonly db: CaseflowDb,
    private readonly clock: Clock,
  ) {}

  /** Issues the receipt code of a newly filed clue; call it in the transaction that filed the clue. */
  issue(caseId: string): string {
    const code = newReceiptCode();
    this.db.insert(reporterReceipts).values({ codeHash: receiptCodeHash(code), caseId, createdAt: this.clock.now() }).run();
    return code;
  }

  /** The clue a receipt code belongs to, or NOT_FOUND (saying nothing about other clues). */
  caseFor(code: string): string {
    const row = this.db.select({ caseId: reporterReceipts.caseId }).from(reporterReceipts).where(eq(reporterReceipts.codeHash, receiptCodeHash(code))).get();
    if (!row) throw new ReceiptNotFoundError();
    return row.caseId;
  }

  /** Stores information a reporter added to their clue. */
  addMessage(caseId: string, body: string): { receivedAt: string } {
    const now = this.clock.now();
    this.db.insert(reporterMessages).values({ caseId, body, receivedAt: now }).run();
    return { receivedAt: new Date(now).toISOString() };
  }

  /** What reporters added to a clue, oldest first. */
  messages(caseId: string): ReporterMessageView[] {
    return this.db
      .select()
      .from(reporterMessages)
      .where(eq(reporterMessages.caseId, caseId))
      .orderBy(asc(reporterMessages.id))
      .all()
      .map((m) => ({ id: m.id, body: m.body, receivedAt: new Date(m.receivedAt).toISOString() }));
  }
}
