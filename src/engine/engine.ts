/**
 * The case engine's commands: open a case, apply one caseworker event, read a case, its log and
 * what reporters added, and list cases. Each is one transaction: load, ask the policy, decide
 * (pure), write the plan through the one writer, answer; signals go out after the commit.
 */
import type { Tx } from '../../db/port';
import type { CaseRecord } from '../../db/records';
import type { Actor, CaseDefinition, DeadlineSpec, WarningLevel } from '../../machines/types';
import { stepMoments } from '../deadlines/ladder';
import { CaseNotFoundError, IdentityKeyMissingError, InvalidPayloadError, VersionConflictError } from '../errors';
import { canonicalActor, EngineCore, type EngineDeps } from './core';
import { CaseWork, catchUpDueSteps } from './catchUp';
import { decideEvent, decideOpen, restoreCase, type CaseworkerEvent } from './decide';
import { CalendarImports } from './calendarImport';
import { DeadlineCommands } from './deadlineCommands';
import { sealedIdentityRecord } from './identityAccess';
import { IdentityCommands } from './identityCommands';
import { Migrations } from './migration/commands';
import { acceptedEvents } from './machineRuntime';
import { applicantStatusOf, type ApplicantStatus } from './applicantStatus';
import { loadReviewLinked, planAdjustmentReviews, reviewLinks } from './adjustmentReviews';
import { checkHolds, linksOf, loadLinkedFacts, planAfterTransition, planWakeUps, type CaseLink, type LinkedFacts } from './links';
import { withOfficeRules } from './officeRules';
import { deadlinesAfter, mergePlans } from './plan';
import { authorizeCase, authorizeEvent, authorizeOpen, sendableEvents, visibilityOf } from './policy';
import { inboxOf, type InboxEntry } from './inbox';
import { listCases, type CaseFilter, type CasePage } from './queries';
import { parsePayload } from './validate';
import { toCaseEventView, toCaseView, type CaseEventView, type CaseView } from './views';

export type { CaseworkerEvent } from './decide';
export type { EngineDeps } from './core';

/** A named reporter's identity, stored apart from the case body. */
export interface ReporterIdentity {
  name: string;
  contact?: string;
}

export interface CreateCaseRequest {
  type: string;
  input: unknown;
  actor: Actor;
  reporter?: ReporterIdentity;
  /** The hash of a receipt code to issue with the case, in the same transaction (public intake). */
  receiptCodeHash?: string;
}

export interface AppliedEvent {
  case: CaseView;
  event: CaseEventView;
}

/** A reporter's message as caseworkers read it. */
/** The escalation ladder of one running deadline: each rung, when it fires (or fired), and its card. */
export interface DeadlineLadderView {
  deadlineId: string;
  kind: string;
  steps: { step: string; at: string; warning: WarningLevel | null; fired: boolean }[];
}

export interface ReporterMessageView {
  id: number;
  body: string;
  receivedAt: string;
}

/** Runs case machines against a store. */
export class CaseEngine {
  private readonly core: EngineCore;
  /** Extending, suspending, resuming and firing deadlines. */
  readonly deadlines: DeadlineCommands;
  /** Importing a year of holidays and make-up days, and reading the imported years at start. */
  readonly calendars: CalendarImports;
  /** Identity-access requests, custodians' decisions and reveals; sealing and key rotation. */
  readonly identities: IdentityCommands;
  /** Planning and applying the move of open cases to another machine version or office policy. */
  readonly migrations: Migrations;

  constructor(deps: EngineDeps) {
    this.core = new EngineCore(deps);
    this.deadlines = new DeadlineCommands(this.core);
    this.calendars = new CalendarImports(this.core);
    this.identities = new IdentityCommands(this.core);
    this.migrations = new Migrations(this.core, deps.definitions);
  }

  /** The case type definition for `type`, or UNKNOWN_CASE_TYPE. */
  definition(type: string): CaseDefinition {
    return this.core.definition(type);
  }

  /** Opens a new case of `type` from a validated input, with its initial deadlines. */
  async createCase(request: CreateCaseRequest): Promise<CaseView> {
    const actor = canonicalActor(request.actor);
    const definition = this.core.definition(request.type);
    authorizeOpen(definition, actor);
    const input = withOfficeRules(definition, request.input, parsePayload(definition.input, request.input, `${definition.type} case`), this.core.policy);
    authorizeOpen(definition, actor, input);
    checkReporter(input, request.reporter);
    // never a named reporter in plain text: without a key, named intake is refused before anything is written
    const seal = this.core.identitySeal;
    if (request.reporter && !seal) throw new IdentityKeyMissingError();
    const now = this.core.clock.now();
    const opening = decideOpen(this.core.decideContext(now), definition, input, actor);
    const { plan, row } = opening;
    if (request.reporter) plan.reporters.push(sealedIdentityRecord(seal!, row.id, { name: request.reporter.name, contact: request.reporter.contact ?? null }, now));
    if (request.receiptCodeHash) plan.receipts.push({ codeHash: request.receiptCodeHash, caseId: row.id, createdAt: now });
    const links = await this.core.store.withTransaction(async (tx) => {
      // a new clue wakes the set-aside clues about the same official, in the same transaction
      const linked = await loadLinkedFacts(tx, row);
      mergePlans(plan, await planWakeUps(tx, this.core.decideContext(now), this.core.policy, row, linked, (other) => this.core.definitionOf(other)));
      await this.core.write(tx, plan);
      return this.visibleLinks(actor, row, linked, await loadReviewLinked(tx, row));
    });
    this.core.announce(plan);
    return toCaseView(row, opening.snapshot, sendableEvents(definition, acceptedEvents(definition, opening.snapshot), actor), opening.deadlines, this.core.calendar, links);
  }

  /**
   * Applies one event for `actor`. In one transaction: the case is loaded, the policy decides
   * whether the actor may see it and send this event (before its version or state is revealed),
   * the version is checked, the event decided, and the plan written. Any failure changes nothing.
   */
  async applyEvent(caseId: string, event: CaseworkerEvent, actor: Actor, expectedVersion?: number): Promise<AppliedEvent> {
    const sender = canonicalActor(actor);
    const now = this.core.clock.now();
    const { answer, plan } = await this.core.store.withTransaction(async (tx) => {
      const row = await tx.cases.byId(caseId);
      authorizeCase(sender, row, caseId, `send ${event.type} on`);
      const definition = this.core.definitionOf(row!);
      authorizeEvent(definition, sender, event.type);
      if (expectedVersion !== undefined && row!.version !== expectedVersion) throw new VersionConflictError(caseId, expectedVersion, row!.version);
      const ctx = this.core.decideContext(now);
      const deadlines = await tx.deadlines.ofCase(caseId);
      const work = new CaseWork({ definition, row: row!, snapshot: restoreCase(definition, row!), running: deadlines.filter((d) => d.running) });
      // steps whose wake-up was lost or late are recorded first: a person acts on the case as it stands
      // (the deadline worker records its own steps, one at a time)
      if (sender.role !== 'system') catchUpDueSteps(ctx, this.core.calendar, work);
      const transition = decideEvent(ctx, work.state, event, sender);
      // the other cases about the same official, read in this transaction: they may hold this event up
      const linked = await loadLinkedFacts(tx, work.state.row, event.type);
      checkHolds(this.core.policy, work.state.row, event, linked);
      const before = work.state.row;
      const entry = work.plan.log.length;
      work.take(transition);
      mergePlans(work.plan, planAfterTransition(ctx, this.core.policy, before, transition, linked));
      // a pattern of repeated findings this event completes opens an adjustment review, in this transaction
      mergePlans(work.plan, await planAdjustmentReviews(tx, ctx, this.core.policy.adjustmentReview, before, transition.row, event.type, linked.record));
      // a clue whose official was identified only now (a public report) wakes the set-aside clues about them, as a new clue would
      if (before.subjectId === null && transition.row.subjectId !== null) {
        const identified = await loadLinkedFacts(tx, transition.row);
        mergePlans(work.plan, await planWakeUps(tx, ctx, this.core.policy, transition.row, identified, (other) => this.core.definitionOf(other)));
      }
      const ids = await this.core.write(tx, work.plan);
      const allowed = sendableEvents(definition, acceptedEvents(definition, transition.snapshot), sender);
      // read after the write: a review this event opened is linked already
      const links = this.visibleLinks(sender, transition.row, linked, await loadReviewLinked(tx, transition.row));
      const answer: AppliedEvent = {
        case: toCaseView(transition.row, transition.snapshot, allowed, deadlinesAfter(caseId, deadlines, work.plan), this.core.calendar, links),
        event: toCaseEventView({ ...work.plan.log[entry]!, id: ids[entry]! }),
      };
      return { answer, plan: work.plan };
    });
    this.core.announce(plan);
    return answer;
  }

  /** The case as it stands, with its deadlines and the events `actor` may send now (all of them for an operator). */
  getCase(caseId: string, actor?: Actor): Promise<CaseView> {
    return this.readCase(caseId, actor, 'read', async (tx, row) => {
      const definition = this.core.definitionOf(row);
      const snapshot = restoreCase(definition, row);
      const accepted = acceptedEvents(definition, snapshot);
      const reader = actor && canonicalActor(actor);
      const links = this.visibleLinks(reader, row, await loadLinkedFacts(tx, row), await loadReviewLinked(tx, row));
      return toCaseView(row, snapshot, reader ? sendableEvents(definition, accepted, reader) : accepted, await tx.deadlines.ofCase(caseId), this.core.calendar, links);
    });
  }

  /** The case's complete event log, oldest first. */
  history(caseId: string, actor?: Actor): Promise<CaseEventView[]> {
    return this.readCase(caseId, actor, 'read', async (tx) => (await tx.events.ofCase(caseId)).map(toCaseEventView));
  }

  /**
   * Where `actor`'s own self-recommendation stands, in their words (they may not read the case):
   * never a view, the deliberation or a hold. Any other case answers as an unknown id.
   */
  applicantStatus(caseId: string, actor: Actor): Promise<ApplicantStatus> {
    return this.core.store.read(async (tx) => {
      const row = await tx.cases.byId(caseId);
      if (!row) throw new CaseNotFoundError(caseId);
      return applicantStatusOf(this.core.definitionOf(row), row, canonicalActor(actor));
    });
  }

  /** What reporters added to a clue with their receipt, oldest first. */
  reporterMessages(caseId: string, actor?: Actor): Promise<ReporterMessageView[]> {
    return this.readCase(caseId, actor, 'read', async (tx) =>
      (await tx.reporters.messagesOf(caseId)).map((m) => ({ id: m.id, body: m.body, receivedAt: new Date(m.receivedAt).toISOString() })),
    );
  }

  /**
   * Every escalation time of each running deadline of a case (all rungs of its ladder, not only the
   * next), as `actor` may see the case: derived from the deadline's base and due moments, so an
   * extension or a stopped clock moves them all.
   */
  escalationTimes(caseId: string, actor?: Actor): Promise<DeadlineLadderView[]> {
    return this.readCase(caseId, actor, 'read', async (tx) =>
      (await tx.deadlines.runningOfCase(caseId)).map((row) => {
        const spec = JSON.parse(row.spec) as DeadlineSpec;
        const moments = stepMoments({ spec, baseAt: row.baseAt, dueAt: row.dueAt, timeZone: row.timeZone }, this.core.calendar);
        return {
          deadlineId: row.id,
          kind: row.kind,
          steps: spec.ladder.map((step, i) => ({ step: step.name, at: new Date(moments[i]!).toISOString(), warning: step.warning ?? null, fired: i < row.nextStep })),
        };
      }),
    );
  }

  /** The open cases waiting on `actor` (assigned to them or on their role), soonest due first. */
  inbox(actor: Actor): Promise<InboxEntry[]> {
    const now = this.core.clock.now();
    return this.core.store.read((tx) => inboxOf(tx, canonicalActor(actor), this.core.caseDefinitions(), now));
  }

  /** One page of the cases `actor` may see (every case for an operator), newest first. */
  listCases(filter: CaseFilter = {}, actor?: Actor): Promise<CasePage> {
    const now = this.core.clock.now();
    return this.core.store.read((tx) => listCases(tx, filter, now, actor ? canonicalActor(actor) : undefined));
  }

  /**
   * The links of `row` that `actor` may see (all of them for an operator): to the open cases about
   * the same official, and through adjustment reviews (`reviewLinked`). A hidden case is not named.
   */
  private visibleLinks(actor: Actor | undefined, row: CaseRecord, linked: LinkedFacts, reviewLinked: readonly CaseRecord[]): CaseLink[] {
    const visible = new Set([...linked.about, ...reviewLinked].filter((c) => !actor || visibilityOf(actor, c) === 'visible').map((c) => c.id));
    return [...linksOf(this.core.policy, row, linked), ...reviewLinks(row, reviewLinked)].filter((link) => visible.has(link.caseId));
  }

  /** Runs `fn` on the case in one read transaction, after the policy let `actor` see it (operators always may). */
  private readCase<T>(caseId: string, actor: Actor | undefined, what: string, fn: (tx: Tx, row: CaseRecord) => Promise<T>): Promise<T> {
    return this.core.store.read(async (tx) => {
      const row = await tx.cases.byId(caseId);
      if (actor) authorizeCase(canonicalActor(actor), row, caseId, what);
      else if (!row) throw new CaseNotFoundError(caseId);
      return fn(tx, row!);
    });
  }
}

/** A named reporter must say who they are; an anonymous one must not. */
function checkReporter(input: unknown, reporter: ReporterIdentity | undefined): void {
  const anonymous = (input as { anonymous?: unknown }).anonymous;
  if (anonymous === true && reporter) {
    throw new InvalidPayloadError('clue', [{ path: 'reporter', message: 'an anonymous clue carries no reporter identity' }]);
  }
  if (anonymous === false && !reporter?.name?.trim()) {
    throw new InvalidPayloadError('clue', [{ path: 'reporter.name', message: 'a named clue needs the reporter’s name' }]);
  }
}
