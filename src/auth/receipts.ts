/**
 * Reporters' receipt codes and the information reporters add with them. A receipt leads to exactly
 * one clue; it is stored hashed, so the database alone cannot be used to look up a clue's reporter.
 */
import type { Store } from '../../db/port';
import type { Clock } from '../clock';
import { ReceiptNotFoundError } from './errors';
import { newReceiptCode, receiptCodeHash } from './secrets';

/** A receipt code to hand out once, and the hash to store with the clue it belongs to. */
export interface NewReceipt {
  code: string;
  codeHash: string;
}

/** Makes a new receipt code; store its hash in the transaction that files the clue. */
export function newReceipt(): NewReceipt {
  const code = newReceiptCode();
  return { code, codeHash: receiptCodeHash(code) };
}

/** Receipt codes and reporter messages in the caseflow database. */
export class ReporterReceipts {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
  ) {}

  /** The clue a receipt code belongs to, or NOT_FOUND (saying nothing about other clues). */
  async caseFor(code: string): Promise<string> {
    const caseId = await this.store.read((tx) => tx.reporters.caseForReceipt(receiptCodeHash(code)));
    if (!caseId) throw new ReceiptNotFoundError();
    return caseId;
  }

  /** Stores information a reporter added to the clue of their receipt code. */
  addMessage(code: string, body: string): Promise<{ receivedAt: string }> {
    return this.store.withTransaction(async (tx) => {
      const caseId = await tx.reporters.caseForReceipt(receiptCodeHash(code));
      if (!caseId) throw new ReceiptNotFoundError();
      const now = this.clock.now();
      await tx.reporters.addMessage({ caseId, body, receivedAt: now });
      return { receivedAt: new Date(now).toISOString() };
    });
  }
}
