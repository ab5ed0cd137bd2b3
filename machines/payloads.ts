/**
 * Payload building blocks shared by the case machines' event schemas, with messages a caseworker understands.
 */
import { z } from 'zod';

/** A required, trimmed, non-empty piece of text (at most 4,000 characters). */
export const text = (what: string) =>
  z.string({ error: `${what} must be text` }).trim().min(1, `${what} must not be empty`).max(4000, `${what} is too long (4,000 characters at most)`);

/** An ISO 8601 date-time with an offset or Z, e.g. 2026-11-25T20:00:00+08:00. */
export const isoDateTime = (what: string) =>
  z.iso.datetime({ offset: true, error: `${what} must be a date-time like 2026-11-25T20:00:00+08:00` });

/**
 * The reason for a decision. Optional in the schema on purpose: the machines' `hasReason` guard
 * enforces it, so that a missing reason is reported as the rule it breaks.
 */
export const reason = z.string().max(4000, 'the reason is too long (4,000 characters at most)').optional();

/** The trimmed reason an event carries, or '' when it has none. */
export const reasonOf = (event: object): string =>
  'reason' in event && typeof event.reason === 'string' ? event.reason.trim() : '';

/** True when the event carries a non-empty reason: the rule "a decision needs a reason". */
export const hasReason = ({ event }: { event: object }): boolean => reasonOf(event).length > 0;
