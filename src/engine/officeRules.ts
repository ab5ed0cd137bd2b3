/**
 * Office rules applied to a new case's input before it opens (office policy): the 21:00 rule sets
 * a rectification's plan due moment by the wall clock of the case's time zone, and records the rule
 * it follows, so the case shows both. A caller that names its own `planDueMinutes` (a clue's ordered
 * rectification does) keeps it.
 */
import type { CaseDefinition } from '../../machines/types';
import type { OfficePolicy } from '../officePolicy';
import { computeWallClockDue } from '../time';

/** Whether cases of `definition` take a plan due moment in their input (the rectification does). */
const takesPlanDueAt = (definition: CaseDefinition): boolean => {
  const shape = (definition.input as { shape?: Record<string, unknown> }).shape;
  return shape !== undefined && 'planDueAt' in shape && 'airedAt' in shape;
};

/** The input a case of `definition` opens with under `policy`: `parsed` (the validated input), with the office's rules applied. */
export function withOfficeRules(definition: CaseDefinition, raw: unknown, parsed: unknown, policy: OfficePolicy): unknown {
  if (!takesPlanDueAt(definition)) return parsed;
  const given = raw as { planDueMinutes?: unknown; planDueAt?: unknown };
  if (given.planDueMinutes !== undefined || given.planDueAt !== undefined) return parsed;
  const input = parsed as { airedAt: string; timeZone: string };
  const rule = policy.rectificationPlan;
  const due = computeWallClockDue(Date.parse(input.airedAt), rule.dueAt, rule.atLeastMinutesAfterAiring, input.timeZone);
  return {
    ...input,
    planDueAt: new Date(due).toISOString(),
    planDueRule: `${rule.dueAt} ${input.timeZone} on the airing day, at least ${rule.atLeastMinutesAfterAiring} minutes after airing (${rule.basis})`,
  };
}
