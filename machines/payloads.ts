/**
 * Payload building blocks shared by the case machines' event schemas, with messages a caseworker understands.
 */
import { z } from 'zod';
import { DEFAULT_TIME_ZONE, RECIPIENTS } from './types';

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

/** The most pieces of supporting material one recommendation carries. */
export const MAX_EVIDENCE = 50;

/**
 * The supporting material a self-recommendation carries: at least one piece (an annual review, a
 * project report, an award…), each a line of text, at most 50. Missing or empty is refused with
 * INVALID_PAYLOAD naming `evidence`.
 */
export const supportingEvidence = z
  .array(text('a piece of supporting material'), {
    error: 'the evidence must be a list of the supporting material, e.g. ["2025 annual review: excellent"]',
  })
  .min(1, 'a self-recommendation must carry at least one piece of supporting material: the evidence of results, such as an annual review or a project report')
  .max(MAX_EVIDENCE, `at most ${MAX_EVIDENCE} pieces of supporting material`);

const knownZones = new Set<string>();

/** True for a time zone the runtime knows (an IANA name such as `Asia/Shanghai`); remembered once checked. */
function isTimeZone(zone: string): boolean {
  if (knownZones.has(zone)) return true;
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
  } catch {
    return false;
  }
  knownZones.add(zone);
  return true;
}

/** A case's time zone: an IANA name, Asia/Shanghai unless said otherwise. */
export const timeZone = z
  .string()
  .min(1)
  .refine(isTimeZone, { error: 'the time zone must be an IANA zone such as Asia/Shanghai' })
  .default(DEFAULT_TIME_ZONE);

/** The event the deadline worker sends into a machine when a ladder step says so. */
export const deadlineMissedEvent = {
  summary: 'A deadline passed (sent by the deadline worker)',
  roles: ['system'],
  payload: z.strictObject({ deadlineKind: text('the deadline kind') }),
} as const;

/** The event the deadline worker sends into a machine with a deadline's red card (its escalation). */
export const deadlineEscalatedEvent = {
  summary: 'A deadline was escalated with a red card (sent by the deadline worker)',
  roles: ['system'],
  payload: z.strictObject({
    deadlineKind: text('the deadline kind'),
    /** Whom the ladder's red rung escalates to (its `notify`), so the machine moves the case as declared. */
    escalatedTo: z.array(z.enum(RECIPIENTS, { error: `each escalation target must be one of: ${RECIPIENTS.join(', ')}` })).optional(),
  }),
} as const;
