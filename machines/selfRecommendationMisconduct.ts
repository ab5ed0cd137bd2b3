/**
 * What the joint conference can find against a self-recommendation: fraud, concealment of facts or
 * favouritism ("running for office"). A decision `rejectedForMisconduct` names which it found and
 * closes the case; each finding must be one a department's view recorded.
 * Pure data and functions: nothing here touches a database or the clock.
 */
import { z } from 'zod';
import type { Department } from './conference';

/** The misconduct the joint conference guards against. */
export const MISCONDUCT_FINDINGS = ['fraud', 'concealment', 'favouritism'] as const;
export type MisconductFinding = (typeof MISCONDUCT_FINDINGS)[number];

/** How a caseworker names each finding. */
export const MISCONDUCT_NAMES: Readonly<Record<MisconductFinding, string>> = {
  fraud: 'fraud',
  concealment: 'concealment of facts',
  favouritism: 'favouritism ("running for office")',
};

/** The `DECIDE` field naming the misconduct found; required (by rule) with `rejectedForMisconduct` only. */
export const misconductField = z
  .array(z.enum(MISCONDUCT_FINDINGS, { error: `the misconduct must be one of: ${MISCONDUCT_FINDINGS.join(', ')}` }), {
    error: `the misconduct must be a list of: ${MISCONDUCT_FINDINGS.join(', ')}`,
  })
  .max(MISCONDUCT_FINDINGS.length)
  .refine((found) => new Set(found).size === found.length, { error: 'each kind of misconduct is named once' })
  .optional();

/**
 * The payload rule of `DECIDE`: `rejectedForMisconduct` names at least one misconduct found, and no
 * other outcome names any. Added to the payload schema with `superRefine`.
 */
export function checkMisconductNamed(payload: { outcome: string; misconduct?: readonly MisconductFinding[] | undefined }, ctx: z.RefinementCtx): void {
  const named = payload.misconduct !== undefined && payload.misconduct.length > 0;
  if (payload.outcome === 'rejectedForMisconduct' && !named)
    ctx.addIssue({
      code: 'custom',
      path: ['misconduct'],
      message: `a rejection for misconduct names what the conference found: one or more of ${MISCONDUCT_FINDINGS.join(', ')}`,
    });
  if (payload.outcome !== 'rejectedForMisconduct' && payload.misconduct !== undefined)
    ctx.addIssue({
      code: 'custom',
      path: ['misconduct'],
      message: `misconduct is named only with the outcome rejectedForMisconduct, not ${payload.outcome}`,
    });
}

/** The integrity checks of one recorded view. */
interface ViewChecks {
  fraudFound: boolean;
  concealmentFound: boolean;
  favouritismFound: boolean;
}

const CHECK_OF: Readonly<Record<MisconductFinding, keyof ViewChecks>> = {
  fraud: 'fraudFound',
  concealment: 'concealmentFound',
  favouritism: 'favouritismFound',
};

/** One finding of a misconduct decision, with the departments whose views found it. */
export interface MisconductRecord {
  finding: MisconductFinding;
  foundBy: Department[];
}

/** The departments whose current view found `finding`. */
export function foundBy(views: Readonly<Record<Department, ViewChecks | null>>, finding: MisconductFinding): Department[] {
  return (Object.keys(views) as Department[]).filter((d) => views[d]?.[CHECK_OF[finding]] === true);
}

/** True when at least one finding is named and every one was found by a department's view (the machine's guard). */
export function misconductOnRecord(views: Readonly<Record<Department, ViewChecks | null>>, named: readonly MisconductFinding[] | undefined): boolean {
  return named !== undefined && named.length > 0 && named.every((finding) => foundBy(views, finding).length > 0);
}

/** The findings of a misconduct decision, each with who found it. */
export const misconductRecords = (views: Readonly<Record<Department, ViewChecks | null>>, named: readonly MisconductFinding[]): MisconductRecord[] =>
  named.map((finding) => ({ finding, foundBy: foundBy(views, finding) }));
