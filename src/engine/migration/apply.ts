/**
 * `migrate apply`, the deciding part (pure): the write plan that moves one planned case — its next
 * snapshot on the target machine version (guarded by its version), one audited log entry
 * (`MACHINE_MIGRATED`, or `POLICY_CHANGED` when only the office's limits changed), and its deadlines
 * re-planned: moved ones re-specified and re-scheduled (a new revision, so their wake-ups go through
 * the outbox), ones the new rules drop cancelled, ones they add opened.
 */
import type { CaseRecord, DeadlineRecord, DeadlineRespec } from '../../../db/records';
import type { Actor, CaseDefinition, DeadlineSpec } from '../../../machines/types';
import { stepMoments } from '../../deadlines/ladder';
import type { WorkingDayCalendar } from '../../time';
import { hasLapsed } from '../deadlinePlans';
import { persist } from '../machineRuntime';
import { emptyPlan, type WritePlan } from '../plan';
import type { CaseMigration, DeadlinePair } from './plan';

/** What a migration entry records besides the case: the plan it carries out, and who approved it. */
export interface MigrationStamp {
  planDigest: string;
  policyDigest: string;
  actor: Actor;
  now: number;
}

/** The event types a migration writes into a case's log. */
export const MACHINE_MIGRATED = 'MACHINE_MIGRATED';
export const POLICY_CHANGED = 'POLICY_CHANGED';

/** A stored running deadline re-planned as its replayed counterpart says, from `now` on. */
function respecOf(stored: DeadlineRecord, replayed: DeadlineRecord, dueAt: number, now: number, calendar: WorkingDayCalendar): DeadlineRespec {
  const spec = JSON.parse(replayed.spec) as DeadlineSpec;
  const moments = stepMoments({ spec, baseAt: replayed.baseAt, dueAt, timeZone: stored.timeZone }, calendar);
  const firstFuture = moments.findIndex((at) => at > now);
  // rungs whose moment moved into the future run again; rungs still behind catch up
  const nextStep = Math.min(stored.nextStep, firstFuture === -1 ? moments.length : firstFuture);
  return {
    spec: replayed.spec,
    basis: replayed.basis,
    baseAt: replayed.baseAt,
    originalDueAt: replayed.originalDueAt,
    stateId: replayed.stateId,
    dueAt,
    suspendedAt: stored.suspendedAt,
    nextStep,
    nextFireAt: stored.suspendedAt !== null ? null : (moments[nextStep] ?? null),
    // late stays late: a rule change re-arms the ladder, never the record
    status: hasLapsed(stored, now) ? 'overdue' : stored.status,
    warning: stored.warning,
    escalationLevel: stored.escalationLevel,
    scheduleRev: stored.scheduleRev + 1,
    updatedAt: now,
  };
}

const changed = (pair: DeadlinePair): boolean => pair.change !== 'unchanged';

/** The write plan that moves `row` as `migration` (planned on this very row) says. */
export function decideMigration(migration: CaseMigration, row: CaseRecord, target: CaseDefinition, calendar: WorkingDayCalendar, stamp: MigrationStamp): WritePlan {
  const { plan: casePlan, replayed, pairs } = migration;
  if (!replayed) throw new Error(`case ${row.id} cannot be replayed, so it cannot be migrated`);
  const { now, actor } = stamp;
  const migrates = casePlan.action === 'migrate';
  const version = migrates ? row.version + 1 : row.version;
  const plan = emptyPlan();
  if (migrates) {
    const index = target.index(replayed.snapshot.context);
    plan.updateCase = {
      row: {
        ...row,
        machineVersion: target.machineVersion,
        version,
        state: replayed.state,
        snapshot: persist(target, replayed.snapshot),
        unit: index.unit,
        assignee: index.assignee,
        subjectId: index.subjectId,
        updatedAt: now,
      },
      expectedVersion: row.version,
    };
  }
  for (const pair of pairs.filter(changed)) {
    const { stored, replayed: next } = pair;
    if (stored && next) plan.respecify.push({ id: stored.id, expectedRev: stored.scheduleRev, change: respecOf(stored, next, pair.newDueAt!, now, calendar) });
    else if (stored) plan.closeDeadlines.push({ id: stored.id, status: 'cancelled', closedAt: now, latenessMs: now - stored.dueAt });
    else if (next) plan.openDeadlines.push({ ...next, id: `${row.id}~${next.kind}~${version}`, unit: row.unit, createdAt: now, updatedAt: now });
  }
  const moved = casePlan.deadlines
    .filter((d) => d.change !== 'unchanged')
    .map(({ deadlineId, kind, change, dueAt, newDueAt, moveMs, move, becomesLate }) => ({ deadlineId, kind, change, dueAt, newDueAt, moveMs, move, becomesLate }));
  plan.log.push({
    caseId: row.id,
    version,
    kind: migrates ? 'machineMigrated' : 'policyChanged',
    type: migrates ? MACHINE_MIGRATED : POLICY_CHANGED,
    actorId: actor.id,
    actorRole: actor.role,
    at: now,
    payload: JSON.stringify({
      ...(migrates ? { from: row.machineVersion, to: target.machineVersion } : { machineVersion: row.machineVersion }),
      planDigest: stamp.planDigest,
      policyDigest: stamp.policyDigest,
      deadlines: moved,
    }),
    fromState: migrates ? row.state : null,
    toState: migrates ? replayed.state : null,
  });
  return plan;
}
