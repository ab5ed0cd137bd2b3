/**
 * What every engine command shares: its dependencies, the machine a stored case runs on, the
 * context pure decisions consult, and committing a plan (write, then signal after the commit).
 */
import type { Store, Tx } from '../../db/port';
import type { CaseRecord } from '../../db/records';
import { canonicalOfficialId } from '../../machines/officials';
import type { Actor, CaseDefinition, CaseType } from '../../machines/types';
import type { CaseflowSignal, EventBus } from '../bus';
import type { Clock } from '../clock';
import { MachineVersionUnknownError, UnknownCaseTypeError } from '../errors';
import { DEFAULT_POLICY, type OfficePolicy } from '../officePolicy';
import type { IdentitySeal } from '../privacy/identitySeal';
import type { WorkingDayCalendar } from '../time';
import type { DecideContext } from './decide';
import { randomCaseId } from './ids';
import { planCardConsequences } from './consequences';
import { mergePlans, movesDeadlines, type WritePlan } from './plan';
import { writePlan } from './writer';

/** Everything the engine depends on, passed in by the composition root (or a test). */
export interface EngineDeps {
  store: Store;
  clock: Clock;
  /** Working-day calendar used for deadlines counted in working days. */
  calendar: WorkingDayCalendar;
  /** Case types the engine runs (machines/index.ts lists the built-in ones). */
  definitions: readonly CaseDefinition[];
  /** Where commits are announced (deadlines moved, notices queued, a case changed). */
  bus: EventBus;
  /** The office's rules and limits (app/policyFile.ts reads them). @defaultValue DEFAULT_POLICY */
  policy?: OfficePolicy;
  /** Makes a new case id. @defaultValue a prefixed random id such as `RC-20261125-7KQ2M9XH4D3A` */
  newCaseId?: (type: CaseType, now: number) => string;
  /** Seals named reporters' identities. @defaultValue none: named intake is refused (IDENTITY_KEY_MISSING) */
  identitySeal?: IdentitySeal | null;
  /** How long an approved identity reveal stays open, in milliseconds. @defaultValue 900000 (15 minutes) */
  revealTtlMs?: number;
}

/** How long an approved identity reveal stays open unless configured: 15 minutes. */
export const DEFAULT_REVEAL_TTL_MS = 15 * 60 * 1000;

/** The shared part of the engine's commands. */
export class EngineCore {
  readonly store: Store;
  readonly clock: Clock;
  readonly calendar: WorkingDayCalendar;
  readonly policy: OfficePolicy;
  private readonly bus: EventBus;
  private readonly definitions: Map<string, CaseDefinition>;
  private readonly newCaseId: (type: CaseType, now: number) => string;
  /** Seals and opens reporters' identities; null when this process has no identity key. */
  readonly identitySeal: IdentitySeal | null;
  readonly revealTtlMs: number;

  constructor(deps: EngineDeps) {
    this.identitySeal = deps.identitySeal ?? null;
    this.revealTtlMs = deps.revealTtlMs ?? DEFAULT_REVEAL_TTL_MS;
    this.store = deps.store;
    this.clock = deps.clock;
    this.calendar = deps.calendar;
    this.policy = deps.policy ?? DEFAULT_POLICY;
    this.bus = deps.bus;
    this.definitions = new Map(deps.definitions.map((d) => [d.type, d]));
    this.newCaseId = deps.newCaseId ?? randomCaseId;
  }

  /** The current definition of `type`, or UNKNOWN_CASE_TYPE. */
  definition(type: string): CaseDefinition {
    const found = this.definitions.get(type);
    if (!found) throw new UnknownCaseTypeError(type, [...this.definitions.keys()]);
    return found;
  }

  /** Every case type the engine runs, current versions. */
  caseDefinitions(): CaseDefinition[] {
    return [...this.definitions.values()];
  }

  /** The machine a stored case runs on: the current one, or the earlier version it was opened on. */
  definitionOf(row: CaseRecord): CaseDefinition {
    const current = this.definition(row.type);
    if (current.machineVersion === row.machineVersion) return current;
    const kept = current.previousVersions?.find((d) => d.machineVersion === row.machineVersion);
    if (kept) return kept;
    const known = [current.machineVersion, ...(current.previousVersions ?? []).map((d) => d.machineVersion)];
    throw new MachineVersionUnknownError(row.id, row.type, row.machineVersion, known);
  }

  /** What a decision made at `now` may consult. */
  decideContext(now: number): DecideContext {
    return { now, calendar: this.calendar, newCaseId: this.newCaseId, definitionOf: (type) => this.definition(type), policy: this.policy };
  }

  /**
   * Applies a plan inside `tx` through the one writer; returns the ids of its log entries. The
   * consequences of the cards it issued (src/engine/consequences.ts) are decided and written in the
   * same transaction, and appended to `plan` so that they are announced with it.
   */
  async write(tx: Tx, plan: WritePlan): Promise<number[]> {
    const ids = await writePlan(tx, plan);
    if (plan.cards.length > 0) {
      const now = Math.max(...plan.cards.map((c) => c.issuedAt));
      const more = await planCardConsequences(tx, plan.cards, this.decideContext(now), this.policy.cardConsequences, this.calendar);
      if (more.log.length > 0) {
        await writePlan(tx, more);
        mergePlans(plan, more);
      }
    }
    return ids;
  }

  /** Announces a committed change that is not a plan's (a calendar year imported). */
  signal(signal: CaseflowSignal): void {
    this.bus.publish(signal);
  }

  /** Announces what a committed plan changed. */
  announce(plan: WritePlan): void {
    const touched = new Set(plan.log.map((entry) => entry.caseId));
    for (const caseId of touched) this.bus.publish({ kind: 'caseChanged', caseId });
    if (movesDeadlines(plan)) this.bus.publish({ kind: 'deadlinesChanged' });
    if (plan.notifications.length) this.bus.publish({ kind: 'notificationsQueued' });
  }
}

/** The actor with its official id in the one canonical form, as every comparison expects. */
export const canonicalActor = (actor: Actor): Actor => ({ id: canonicalOfficialId(actor.id), role: actor.role });
