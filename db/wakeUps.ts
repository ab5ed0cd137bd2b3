/** Dialect-neutral helpers for the wake-up outbox. */
import type { WakeUp } from './records';

/** Wake-ups in deadline-id order, the outbox's order (an UPDATE … RETURNING promises none). */
export const byDeadlineId = (rows: WakeUp[]): WakeUp[] =>
  rows.sort((a, b) => (a.deadlineId < b.deadlineId ? -1 : a.deadlineId > b.deadlineId ? 1 : 0));
