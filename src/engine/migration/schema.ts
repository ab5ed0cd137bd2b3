/**
 * The JSON shapes of migrations, as zod schemas: a plan (written by `migrate plan --out`, read back
 * by `migrate apply --plan`, sent to the admin HTTP routes), the requests, and an apply's answer.
 */
import { z } from 'zod';
import { officePolicySchema } from '../../officePolicy';
import type { MigrationApplyResult } from './commands';
import type { CasePlan, DeadlineChange, MigrationPlan } from './plan';

const deadlineChange = z.object({
  deadlineId: z.string(),
  kind: z.string(),
  change: z.enum(['unchanged', 'moved', 'respecified', 'opened', 'closed']),
  dueAt: z.string().nullable(),
  newDueAt: z.string().nullable(),
  moveMs: z.number().nullable(),
  move: z.string(),
  basis: z.string(),
  period: z.boolean(),
  lateNow: z.boolean(),
  lateAfter: z.boolean(),
  becomesLate: z.boolean(),
  stopsBeingLate: z.boolean(),
}) satisfies z.ZodType<DeadlineChange>;

const casePlan = z.object({
  caseId: z.string(),
  unit: z.string().nullable(),
  fromVersion: z.number().int(),
  toVersion: z.number().int(),
  head: z.object({ seq: z.number().int(), hash: z.string() }),
  fromState: z.string(),
  toState: z.string().nullable(),
  sameState: z.boolean(),
  stateGone: z.boolean(),
  action: z.enum(['migrate', 'policyChange', 'none']),
  refusals: z.array(z.object({ seq: z.number().int().nullable(), event: z.string(), at: z.string(), code: z.string(), message: z.string() })),
  deadlines: z.array(deadlineChange),
  safe: z.boolean(),
  decide: z.array(z.string()),
  applicableWhenListed: z.boolean(),
});

/** A migration plan as `migrate plan` writes it. */
export const migrationPlanSchema = z.object({
  type: z.string(),
  toVersion: z.number().int(),
  map: z.record(z.string(), z.string()),
  policy: officePolicySchema,
  policyDigest: z.string(),
  madeAt: z.string(),
  digest: z.string().regex(/^[0-9a-f]{64}$/, 'a plan digest is 64 hex digits'),
  summary: z.object({
    cases: z.number(),
    safe: z.number(),
    toDecide: z.number(),
    unchanged: z.number(),
    deadlinesMoved: z.number(),
    becomeLate: z.number(),
    stopBeingLate: z.number(),
  }),
  cases: z.array(casePlan),
});

// the refusal codes are caseflow's error codes; the schema reads them as text
type PlanAsRead = Omit<MigrationPlan, 'cases'> & { cases: (Omit<CasePlan, 'refusals'> & { refusals: (Omit<CasePlan['refusals'][number], 'code'> & { code: string })[] })[] };
migrationPlanSchema satisfies z.ZodType<PlanAsRead>;

const stateMap = z.record(z.string().min(1).max(200), z.string().min(1).max(200));

/** What to plan: a case type, the machine version to move to, a policy (the running one unless given), state mappings. */
export const migrationRequestSchema = z.strictObject({
  type: z.string().min(1).max(100),
  toVersion: z.number({ error: 'toVersion must be a number' }).int().positive(),
  policy: z.unknown().optional(),
  map: stateMap.optional(),
});

/** What to apply: the request planned afresh, or a plan made before; the cases listed, else the safe ones. */
export const migrationApplySchema = z.strictObject({
  type: z.string().min(1).max(100).optional(),
  toVersion: z.number().int().positive().optional(),
  policy: z.unknown().optional(),
  map: stateMap.optional(),
  plan: migrationPlanSchema.optional(),
  cases: z.array(z.string().min(1).max(200)).max(100_000).optional(),
});

/** What an apply did. */
export const migrationApplyResultSchema = z.object({
  planDigest: z.string(),
  applied: z.array(
    z.object({ caseId: z.string(), event: z.string(), fromVersion: z.number(), toVersion: z.number(), fromState: z.string(), toState: z.string(), deadlinesChanged: z.number() }),
  ),
  skipped: z.array(z.object({ caseId: z.string(), why: z.string() })),
}) satisfies z.ZodType<MigrationApplyResult>;
