/**
 * The office policy: the rules one office works by, in one validated file (zod). Every limit names
 * its basis, the rule it comes from. An office changes only what differs from the defaults, which
 * follow shared/design/domain.md: the time limits the machines declare, the 21:00 rule for
 * rectification plans, and the rules that link cases about the same official.
 *
 * Pure: the file is read by the composition root (app/policyFile.ts) and the parsed policy passed in.
 */
import { z } from 'zod';
import type { CaseDefinition, DeadlineLimit, DeadlineSpec } from '../machines/types';
import { CaseflowError } from './errors';

const HH_MM = /^([01]\d|2[0-3]):([0-5]\d)$/;

const basis = z
  .string({ error: 'the basis must be a text naming the rule the setting comes from' })
  .trim()
  .min(1, 'every limit names its basis: the rule it comes from')
  .max(500, 'a basis is at most 500 characters');

const limit = z.discriminatedUnion(
  'kind',
  [
    z.strictObject({ kind: z.literal('workingDays'), days: z.number().int('days must be a whole number').min(0).max(365) }),
    z.strictObject({ kind: z.literal('duration'), minutes: z.number().int('minutes must be a whole number').positive().max(2 * 366 * 24 * 60) }),
    z.strictObject({
      kind: z.literal('localTime'),
      time: z.string().regex(HH_MM, 'a time of day is written HH:mm, 00:00 to 23:59'),
      dayOffset: z.number().int().min(0).max(31).optional(),
    }),
  ],
  { error: 'a limit kind is one of: workingDays, duration, localTime' },
);

/** How far an extension may move a deadline past its original due moment: working days or minutes. */
const extensionSpan = z.discriminatedUnion(
  'kind',
  [
    z.strictObject({ kind: z.literal('workingDays'), days: z.number().int('days must be a whole number').positive('days must be at least 1').max(365) }),
    z.strictObject({ kind: z.literal('duration'), minutes: z.number().int('minutes must be a whole number').positive().max(366 * 24 * 60) }),
  ],
  { error: 'an extension span kind is one of: workingDays, duration' },
);
export type ExtensionSpan = z.output<typeof extensionSpan>;

/** The bound on extending one limit: at most `atMost` past the original due moment; beyond `secondApproverBeyond`, four eyes. */
const extensionRule = z.strictObject({
  atMost: extensionSpan,
  /** Null: one approver always suffices. */
  secondApproverBeyond: extensionSpan.nullable(),
  basis,
});
export type ExtensionRule = z.output<typeof extensionRule>;

/** An office's own time limit for one deadline kind, with the rule it comes from. */
export const limitSetting = z.strictObject({ limit, basis });
export type LimitSetting = { limit: DeadlineLimit; basis: string };

const rule = (defaultBasis: string) =>
  z.strictObject({ enabled: z.boolean({ error: 'enabled must be true or false' }).default(true), basis: basis.default(defaultBasis) }).prefault({});

/** The default basis of each rule, from domain.md. */
export const DEFAULT_BASES = {
  rectificationPlan:
    'A unit criticized on the evening news studies how to rectify by 21:00 that evening: the plan is due at 21:00 local time on the airing day, and at least 60 minutes after airing',
  clueHoldsSelfRecommendation:
    'An open clue about an official holds up that official’s self-recommendation: no decision, appointment or confirmation while it is open',
  newClueWakesSetAside: 'A set-aside clue (暂存待查) is verified again when a new clue names the same official',
  rectificationHoldsClueClosure: 'A clue that ordered a rectification closes only after the rectification is closed',
  extensions:
    'Hotline-style supervision: a limit is extended only on an approved request, by at most 10 working days past its original due moment; an extension of more than 5 working days needs a second approver (four eyes)',
  formalLetter:
    'Local card schemes: two yellow cards for a unit in a period bring a formal letter (提醒函) and points off the unit’s assessment; the letter is sent within 5 working days',
  unitHeadTalk: 'Local card schemes: a red card brings a talk with the unit head, held within 5 working days',
  topOfficialTalk: 'Local card schemes: three red cards in a row bring a talk with the unit’s top official, held within 5 working days',
  urging:
    'Hotline-style supervision (12345): urging (催办) before the limit, a formal urging notice the working day after it, public criticism if still late',
  adjustmentNeedsEarlierStep:
    'Adjustment out of the post (调整) follows only after reminders, a written inquiry or a formal warning failed: the official’s record must show a talk or written inquiry, an admonishment, a rectification that failed after a red card, or a warning at an adjustment review',
  repeatedAdmonishments:
    'Adjusting unfit officials (能上能下): an official admonished again within 12 months of an earlier admonishment is reviewed for adjustment by the Organization Department',
  rectificationFailedAfterRedCard:
    'Adjusting unfit officials (能上能下): when a rectification ordered on a clue about an official fails after a red card, the Organization Department reviews the official for adjustment',
} as const;

/** How long a supervision action (a card consequence) has: working days or minutes. */
const actionDue = extensionSpan;

/** What every card consequence says: whether it applies, how long its supervision action has, and the rule. */
const consequenceShape = (defaultBasis: string) => ({
  enabled: z.boolean({ error: 'enabled must be true or false' }).default(true),
  due: actionDue.default({ kind: 'workingDays', days: 5 }),
  basis: basis.default(defaultBasis),
});

/** What a unit's cards lead to. */
const cardConsequencesSetting = z
  .strictObject({
    /** The period yellow cards are counted in, in the office's time zone. */
    period: z.enum(['month', 'quarter', 'year'], { error: 'the period is one of: month, quarter, year' }).default('month'),
    /** Every `yellowCards` yellow cards of a unit in a period: a formal letter and `pointsOff` off its assessment. */
    formalLetter: z
      .strictObject({
        ...consequenceShape(DEFAULT_BASES.formalLetter),
        yellowCards: z.number().int('yellowCards must be a whole number').min(1).max(100).default(2),
        pointsOff: z.number().int('pointsOff must be a whole number').min(0).max(100).default(2),
      })
      .prefault({}),
    /** Every red card: a talk with the unit head (unless it is the one that brings the top official's talk). */
    unitHeadTalk: z.strictObject(consequenceShape(DEFAULT_BASES.unitHeadTalk)).prefault({}),
    /** `redCardsInARow` red cards with no deadline of the unit met on time between them: a talk with the top official. */
    topOfficialTalk: z
      .strictObject({
        ...consequenceShape(DEFAULT_BASES.topOfficialTalk),
        redCardsInARow: z.number().int('redCardsInARow must be a whole number').min(1).max(100).default(3),
      })
      .prefault({}),
  })
  .prefault({});
export type CardConsequencesPolicy = z.output<typeof cardConsequencesSetting>;

/** When a rung of the urging ladder fires after the due moment: working days (or minutes) later. */
const afterDue = z.discriminatedUnion(
  'kind',
  [
    z.strictObject({ kind: z.literal('workingDays'), days: z.number().int('days must be a whole number').min(0).max(365) }),
    z.strictObject({ kind: z.literal('duration'), minutes: z.number().int('minutes must be a whole number').min(0).max(366 * 24 * 60) }),
  ],
  { error: 'a moment after the due time is { kind: workingDays, days } or { kind: duration, minutes }' },
);

/** The urging (催办) ladder folded into every deadline's ladder. */
const urgingSetting = z
  .strictObject({
    /** Off by default: an office switches the urging ladder on. */
    enabled: z.boolean({ error: 'enabled must be true or false' }).default(false),
    /** The reminder before the limit is the ladder's blue `remind` rung, recorded as an urging. */
    reminder: z.strictObject({ enabled: z.boolean().default(true) }).prefault({}),
    formalNotice: z.strictObject({ enabled: z.boolean().default(true), after: afterDue.default({ kind: 'workingDays', days: 1 }) }).prefault({}),
    publicCriticism: z.strictObject({ enabled: z.boolean().default(true), after: afterDue.default({ kind: 'workingDays', days: 3 }) }).prefault({}),
    basis: basis.default(DEFAULT_BASES.urging),
  })
  .prefault({});
export type UrgingPolicy = z.output<typeof urgingSetting>;

/** The patterns of an official's record that open an adjustment review for the Organization Department. */
const adjustmentReviewSetting = z
  .strictObject({
    patterns: z
      .strictObject({
        /** `admonishments` admonishments of the same official within `withinMonths` months. */
        repeatedAdmonishments: z
          .strictObject({
            enabled: z.boolean({ error: 'enabled must be true or false' }).default(true),
            admonishments: z.number().int('admonishments must be a whole number').min(2, 'a pattern needs at least 2 admonishments').max(20).default(2),
            withinMonths: z.number().int('withinMonths must be a whole number').min(1).max(120).default(12),
            basis: basis.default(DEFAULT_BASES.repeatedAdmonishments),
          })
          .prefault({}),
        /** A rectification ordered on a clue about the official fails (assessed as failed, or escalated) after a red card. */
        rectificationFailedAfterRedCard: rule(DEFAULT_BASES.rectificationFailedAfterRedCard),
      })
      .prefault({}),
  })
  .prefault({});
export type AdjustmentReviewPolicy = z.output<typeof adjustmentReviewSetting>;

export const officePolicySchema = z.strictObject({
  /** The office this policy is for, for people reading the file. */
  office: z.string().trim().min(1).max(200).optional(),
  /** Time limits by deadline kind (e.g. `clueAcceptanceDue`), replacing the machine's default. */
  limits: z.record(z.string(), limitSetting).default({}),
  /** The 21:00 rule: the rectification plan is due at `dueAt` local on the airing day, at least `atLeastMinutesAfterAiring` after airing. */
  rectificationPlan: z
    .strictObject({
      dueAt: z.string().regex(HH_MM, 'a time of day is written HH:mm, 00:00 to 23:59').default('21:00'),
      atLeastMinutesAfterAiring: z.number().int('minutes must be a whole number').min(0).max(24 * 60).default(60),
      basis: basis.default(DEFAULT_BASES.rectificationPlan),
    })
    .prefault({}),
  /** Bounds on extensions: `default` for every limit, `byKind` for one deadline kind. */
  extensions: z
    .strictObject({
      default: extensionRule.default({
        atMost: { kind: 'workingDays', days: 10 },
        secondApproverBeyond: { kind: 'workingDays', days: 5 },
        basis: DEFAULT_BASES.extensions,
      }),
      byKind: z.record(z.string(), extensionRule).default({}),
    })
    .prefault({}),
  /** What a unit's cards lead to: formal letters and talks, each a supervision action with its own deadline. */
  cardConsequences: cardConsequencesSetting,
  /** The urging (催办) ladder: reminder, formal urging notice, public-criticism flag. */
  urging: urgingSetting,
  /** Where notices go: a webhook (POSTed as JSON, retried with backoff); without one, the worker's log. */
  notifications: z
    .strictObject({
      webhook: z
        .strictObject({
          url: z.url({ protocol: /^https?$/, error: 'the webhook is an http:// or https:// address' }),
          attempts: z.number().int('attempts must be a whole number').min(1).max(20).optional(),
          backoffMs: z.number().int('backoffMs must be a whole number').min(0).max(600_000).optional(),
          timeoutMs: z.number().int('timeoutMs must be a whole number').min(100).max(600_000).optional(),
        })
        .optional(),
    })
    .prefault({}),
  /** The patterns that open an adjustment review. */
  adjustmentReview: adjustmentReviewSetting,
  /** Rules linking cases about the same official. */
  linkedCases: z
    .strictObject({
      clueHoldsSelfRecommendation: rule(DEFAULT_BASES.clueHoldsSelfRecommendation),
      newClueWakesSetAside: rule(DEFAULT_BASES.newClueWakesSetAside),
      rectificationHoldsClueClosure: rule(DEFAULT_BASES.rectificationHoldsClueClosure),
      adjustmentNeedsEarlierStep: rule(DEFAULT_BASES.adjustmentNeedsEarlierStep),
    })
    .prefault({}),
});

/** An office's policy, every setting filled in (defaults where the file is silent). */
export type OfficePolicy = z.output<typeof officePolicySchema>;

/** The policy with every default: what an office without a policy file works by. */
export const DEFAULT_POLICY: OfficePolicy = officePolicySchema.parse({});

/** The policy file is not valid: names the file and each bad field. */
export class InvalidPolicyError extends CaseflowError {
  constructor(source: string, issues: readonly { path: string; message: string }[]) {
    const text = issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join('; ');
    super('INVALID_POLICY', `The policy file ${source} is not valid: ${text}. Fix the file and start again.`, { source, issues });
  }
}

/** Every time limit the case types declare, by kind, with the case type and state that run it. */
export function declaredLimits(definitions: readonly CaseDefinition[]): Map<string, { caseType: string; spec: DeadlineSpec }> {
  const found = new Map<string, { caseType: string; spec: DeadlineSpec }>();
  for (const definition of definitions) {
    const visit = (node: { meta?: unknown; states?: Record<string, unknown> }) => {
      const deadlines = (node.meta as { deadlines?: readonly DeadlineSpec[] } | undefined)?.deadlines ?? [];
      for (const spec of deadlines) if (!found.has(spec.kind)) found.set(spec.kind, { caseType: definition.type, spec });
      for (const child of Object.values(node.states ?? {})) visit(child as typeof node);
    };
    visit(definition.machine.config as { meta?: unknown; states?: Record<string, unknown> });
  }
  return found;
}

/**
 * Parses a policy (the JSON of a policy file) against the case types it will run with: unknown
 * settings, bad values, limits of deadline kinds no case type has, and limits that follow a date
 * the case holds are refused, each naming its field.
 */
export function parseOfficePolicy(raw: unknown, definitions: readonly CaseDefinition[], source = 'given'): OfficePolicy {
  const parsed = officePolicySchema.safeParse(raw);
  if (!parsed.success) {
    throw new InvalidPolicyError(
      source,
      parsed.error.issues.map((issue) => ({ path: issue.path.map(String).join('.'), message: issue.message })),
    );
  }
  const declared = declaredLimits(definitions);
  const issues: { path: string; message: string }[] = [];
  for (const kind of Object.keys(parsed.data.limits)) {
    const spec = declared.get(kind)?.spec;
    if (!spec) issues.push({ path: `limits.${kind}`, message: `no case type has a deadline "${kind}"; the deadlines are: ${[...declared.keys()].join(', ')}` });
    else if (spec.limit.kind === 'until') {
      issues.push({ path: `limits.${kind}`, message: `this deadline follows a date the case holds (${spec.limit.contextField}) and cannot be set here` });
    }
  }
  for (const kind of Object.keys(parsed.data.extensions.byKind)) {
    if (!declared.has(kind)) issues.push({ path: `extensions.byKind.${kind}`, message: `no case type has a deadline "${kind}"; the deadlines are: ${[...declared.keys()].join(', ')}` });
  }
  const rules: [string, ExtensionRule][] = [['extensions.default', parsed.data.extensions.default], ...Object.entries(parsed.data.extensions.byKind).map(([k, r]): [string, ExtensionRule] => [`extensions.byKind.${k}`, r])];
  for (const [path, r] of rules) {
    const four = r.secondApproverBeyond;
    if (four && four.kind === r.atMost.kind && spanSize(four) >= spanSize(r.atMost)) {
      issues.push({ path: `${path}.secondApproverBeyond`, message: 'must be shorter than atMost, or no extension would ever need a second approver' });
    }
  }
  if (issues.length) throw new InvalidPolicyError(source, issues);
  return parsed.data;
}

const spanSize = (span: ExtensionSpan): number => (span.kind === 'workingDays' ? span.days : span.minutes);

/** The bound on extending deadlines of `kind` in this office: its own, or the default. */
export function extensionRuleFor(policy: OfficePolicy, kind: string): ExtensionRule {
  return policy.extensions.byKind[kind] ?? policy.extensions.default;
}

/** The spec a deadline runs by in this office: the machine's, with the office's limit and basis if it sets one. */
export function specUnderPolicy(spec: DeadlineSpec, limits: OfficePolicy['limits']): DeadlineSpec {
  const own = limits[spec.kind];
  return own && spec.limit.kind !== 'until' ? { ...spec, limit: own.limit, basis: own.basis } : spec;
}
