/**
 * The migration commands: plan (one read transaction over every open case of a type, nothing
 * written) and apply (each case in its own transaction through the one writer, refused when its log
 * moved on since the plan). Admins only; the CLI's operator commands and the admin HTTP routes call them.
 */
import type { Tx } from '../../../db/port';
import type { Actor, Role, CaseDefinition } from '../../../machines/types';
import { ForbiddenRoleError, InvalidPayloadError } from '../../errors';
import { parseOfficePolicy, type OfficePolicy } from '../../officePolicy';
import { canonicalActor, type EngineCore } from '../core';
import { ACCOUNT_ADMINS } from '../policy';
import { decideMigration } from './apply';
import { MigrationPlanStaleError } from './errors';
import { assemblePlan, planCase, planDigestOf, policyDigestOf, type CaseFacts, type CaseMigration, type CasePlan, type MigrationPlan, type MigrationTarget } from './plan';
import type { ReplaySetting } from './replay';
import { MachineVersions } from './versions';

/** What to plan: a case type's target version, the policy (the running one unless given) and state mappings. */
export interface MigrationRequest {
  type: string;
  toVersion: number;
  policy?: OfficePolicy;
  map?: Record<string, string>;
}

/** What to apply: a request planned afresh, or a plan made before (its target is used); the cases listed, else the safe ones. */
export interface MigrationApplyRequest extends Partial<MigrationRequest> {
  plan?: MigrationPlan;
  cases?: readonly string[];
}

/** One case apply moved. */
export interface AppliedMigration {
  caseId: string;
  event: string;
  fromVersion: number;
  toVersion: number;
  fromState: string;
  toState: string;
  deadlinesChanged: number;
}

/** What an apply did. */
export interface MigrationApplyResult {
  planDigest: string;
  applied: AppliedMigration[];
  /** Cases left as they are, and why (a question open, already up to date, not an open case of the type). */
  skipped: { caseId: string; why: string }[];
}

/** Cases read per page while planning. */
const PAGE = 500;

/** Plans and applies migrations of open cases. */
export class Migrations {
  readonly versions: MachineVersions;

  constructor(
    private readonly core: EngineCore,
    private readonly definitions: readonly CaseDefinition[],
  ) {
    this.versions = new MachineVersions(definitions);
  }

  /** An office policy given as JSON (an HTTP body, say), validated as a policy file is: INVALID_POLICY naming each field. */
  policyFrom(raw: unknown, source = 'given with the migration'): OfficePolicy {
    return parseOfficePolicy(raw, [...this.definitions, ...this.definitions.flatMap((d) => d.previousVersions ?? [])], source);
  }

  /** The plan for every open case of the request's type (an admin, or an operator with no actor), written nowhere. */
  async plan(request: MigrationRequest, actor?: Actor): Promise<MigrationPlan> {
    if (actor) authorizeMigration(actor, 'plan a migration');
    const target = this.target(request);
    const now = this.core.clock.now();
    const setting = this.setting(target);
    const cases = await this.core.store.read(async (tx) => {
      const planned: CasePlan[] = [];
      for await (const facts of openCasesOf(tx, target.type)) planned.push(planCase(facts, target, setting, now).plan);
      return planned;
    });
    return assemblePlan(target, cases, now);
  }

  /**
   * Moves the safe cases (or those listed) as planned: a plan given is checked against the log first
   * and refused whole with MIGRATION_PLAN_STALE if a case it would move changed since. Each case is
   * written in its own transaction, guarded again by its chain head. A case already moved is left alone.
   */
  async apply(request: MigrationApplyRequest, actor: Actor): Promise<MigrationApplyResult> {
    const approver = canonicalActor(actor);
    authorizeMigration(approver, 'apply a migration');
    const given = request.plan;
    const base: MigrationRequest | undefined = given ? { type: given.type, toVersion: given.toVersion, policy: given.policy, map: given.map } : request.type !== undefined && request.toVersion !== undefined ? { type: request.type, toVersion: request.toVersion, ...(request.policy ? { policy: request.policy } : {}), ...(request.map ? { map: request.map } : {}) } : undefined;
    if (!base) throw new InvalidPayloadError('migration', [{ path: 'type', message: 'name the case type and the version to migrate to, or give a plan' }]);
    const target = this.target(base);
    if (given && planDigestOf(target, given.cases) !== given.digest) {
      throw new InvalidPayloadError('migration plan', [{ path: 'digest', message: 'the plan does not match its digest: it was altered after it was made; plan again' }]);
    }
    const fresh = await this.plan(base);
    const plan = given ?? fresh;
    const now = new Map(fresh.cases.map((c) => [c.caseId, c]));
    const listed = request.cases ? new Set(request.cases) : null;
    const skipped: MigrationApplyResult['skipped'] = [];
    const stale: { caseId: string; why: string }[] = [];
    const chosen: CasePlan[] = [];
    const applied = await this.appliedBy(plan);
    for (const planned of plan.cases) {
      if (listed && !listed.has(planned.caseId)) continue;
      const current = now.get(planned.caseId);
      const moved = !current || current.head.seq !== planned.head.seq || current.head.hash !== planned.head.hash;
      if (applied.has(planned.caseId)) skipped.push({ caseId: planned.caseId, why: 'already applied by this plan' });
      else if (listed ? !planned.applicableWhenListed : !planned.safe) skipped.push({ caseId: planned.caseId, why: planned.decide.join(' ') || 'already up to date' });
      else if (moved) stale.push({ caseId: planned.caseId, why: current ? 'its log moved on' : 'it is no longer open' });
      else if (current.action === 'none') skipped.push({ caseId: planned.caseId, why: 'already up to date' });
      else chosen.push(planned);
    }
    for (const id of listed ?? []) if (!plan.cases.some((c) => c.caseId === id)) skipped.push({ caseId: id, why: `not an open ${target.type} case in this plan` });
    if (stale.length) throw new MigrationPlanStaleError(stale, plan.digest);

    const setting = this.setting(target);
    const stamp = { planDigest: plan.digest, policyDigest: policyDigestOf(target.policy), actor: approver };
    const moves: AppliedMigration[] = [];
    for (const planned of chosen) {
      const at = this.core.clock.now();
      const written = await this.core.store.withTransaction(async (tx) => {
        const facts = await caseFacts(tx, planned.caseId);
        if (!facts || facts.head.seq !== planned.head.seq || facts.head.hash !== planned.head.hash) {
          throw new MigrationPlanStaleError([{ caseId: planned.caseId, why: 'its log moved on' }], plan.digest);
        }
        const migration: CaseMigration = planCase(facts, target, setting, at);
        const writePlan = decideMigration(migration, facts.row, setting.definition, this.core.calendar, { ...stamp, now: at });
        await this.core.write(tx, writePlan);
        return { writePlan, migration };
      });
      this.core.announce(written.writePlan);
      const entry = written.writePlan.log[0]!;
      moves.push({
        caseId: planned.caseId,
        event: entry.type,
        fromVersion: planned.fromVersion,
        toVersion: target.toVersion,
        fromState: planned.fromState,
        toState: written.migration.plan.toState ?? planned.fromState,
        deadlinesChanged: written.migration.pairs.filter((p) => p.change !== 'unchanged').length,
      });
    }
    return { planDigest: plan.digest, applied: moves, skipped };
  }

  /** The cases of `plan` whose log already has its migration entry (written after the head it planned on). */
  private appliedBy(plan: MigrationPlan): Promise<Set<string>> {
    return this.core.store.read(async (tx) => {
      const done = new Set<string>();
      const heads = new Map(plan.cases.map((c) => [c.caseId, c.head.seq]));
      for (const entry of await tx.events.ofCases([...heads.keys()])) {
        if ((entry.kind !== 'machineMigrated' && entry.kind !== 'policyChanged') || (entry.seq ?? 0) <= heads.get(entry.caseId)!) continue;
        if ((JSON.parse(entry.payload) as { planDigest?: string }).planDigest === plan.digest) done.add(entry.caseId);
      }
      return done;
    });
  }

  private target(request: MigrationRequest): MigrationTarget {
    this.versions.get(request.type, request.toVersion);
    return { type: request.type, toVersion: request.toVersion, policy: request.policy ?? this.core.policy, map: { ...(request.map ?? {}) } };
  }

  private setting(target: MigrationTarget): ReplaySetting {
    return {
      definition: this.versions.get(target.type, target.toVersion),
      policy: target.policy,
      calendar: this.core.calendar,
      definitionOf: (type) => this.core.definition(type),
    };
  }
}

/** Only admins migrate cases. */
/** Who may plan and apply a migration: admins over HTTP, the operator at the data file. */
const MIGRATORS: readonly Role[] = [...ACCOUNT_ADMINS, 'operator'];

function authorizeMigration(actor: Actor, what: string): void {
  if (!MIGRATORS.includes(actor.role)) throw new ForbiddenRoleError(what, actor.role, MIGRATORS);
}

/** What planning one case reads, in `tx`; undefined for a case that is not there. */
async function caseFacts(tx: Tx, caseId: string): Promise<CaseFacts | undefined> {
  const row = await tx.cases.byId(caseId);
  const head = await tx.cases.chainHead(caseId);
  if (!row || !head) return undefined;
  return { row, head, log: await tx.events.ofCase(caseId), running: await tx.deadlines.runningOfCase(caseId) };
}

/** Every open case of `type`, a page at a time, with its log, chain head and running deadlines (each read for the page at once). */
async function* openCasesOf(tx: Tx, type: string): AsyncGenerator<CaseFacts> {
  let after: { createdAt: number; id: string } | undefined;
  for (;;) {
    const page = await tx.cases.list({ type, status: 'open', limit: PAGE, ...(after ? { after } : {}) });
    if (!page.length) return;
    const ids = page.map((c) => c.id);
    const logs = groupByCase(await tx.events.ofCases(ids));
    const running = groupByCase(await tx.deadlines.runningOfCases(ids));
    const rows = new Map((await tx.cases.withChainHeads(ids)).map((r) => [r.id, r]));
    for (const summary of page) {
      const found = rows.get(summary.id);
      if (!found) continue;
      const { head, ...row } = found;
      const log = (logs.get(summary.id) ?? []).sort((a, b) => a.id - b.id);
      yield { row, head, log, running: running.get(summary.id) ?? [] };
    }
    const last = page[page.length - 1]!;
    after = { createdAt: last.createdAt, id: last.id };
    if (page.length < PAGE) return;
  }
}

/** Rows grouped by their case, in the order read. */
function groupByCase<T extends { caseId: string }>(rows: readonly T[]): Map<string, T[]> {
  const byCase = new Map<string, T[]>();
  for (const row of rows) {
    const group = byCase.get(row.caseId);
    if (group) group.push(row);
    else byCase.set(row.caseId, [row]);
  }
  return byCase;
}
