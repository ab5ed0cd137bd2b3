/**
 * Deadline rows follow the machine: entering a state opens the deadlines its meta declares,
 * leaving it closes them as met or overdue, with the lateness stored.
 */
import type { AnyMachineSnapshot } from 'xstate';
import type { CaseDefinition } from '../../machines/types';
import type { Statements } from '../engine/store';
import { activeStateIds, deadlinesOfState } from '../engine/machineRuntime';
import type { WorkingDayCalendar } from '../time';
import { contextMoment, dueMoment, stepMoment } from './ladder';

/** What opening deadlines needs to know about the case and the moment. */
export interface DeadlinePlanContext {
  statements: Statements;
  calendar: WorkingDayCalendar;
  definition: CaseDefinition;
  caseId: string;
  unit: string | null;
  timeZone: string;
  /** The case version the transition produced: part of each new deadline's id. */
  version: number;
  now: number;
}


/** Opens a deadline row for each deadline declared by a state active in `after` but not in `wasActive`. */
export function openEnteredDeadlines(plan: DeadlinePlanContext, wasActive: ReadonlySet<string>, after: AnyMachineSnapshot): number {
  let opened = 0;
  for (const stateId of activeStateIds(after)) {
    if (wasActive.has(stateId)) continue;
    for (const spec of deadlinesOfState(plan.definition, stateId)) {
      const baseAt = spec.from ? contextMoment(after.context, spec.from.contextField) : plan.now;
      const dueAt = dueMoment(spec, baseAt, plan.timeZone, plan.calendar, after.context);
      const nextFireAt = stepMoment({ spec, baseAt, dueAt, timeZone: plan.timeZone }, 0, plan.calendar);
      plan.statements.insertDeadline.run({
        id: `${plan.caseId}~${spec.kind}~${plan.version}`,
        caseId: plan.caseId,
        caseType: plan.definition.type,
        unit: plan.unit,
        kind: spec.kind,
        stateId,
        basis: spec.basis,
        timeZone: plan.timeZone,
        spec: JSON.stringify(spec),
        period: spec.period ? 1 : 0,
        baseAt,
        dueAt,
        nextFireAt,
        createdAt: plan.now,
      });
      opened += 1;
    }
  }
  return opened;
}

/** Closes the running deadlines whose state is no longer active: met if on time, else overdue. */
export function closeLeftDeadlines(statements: Statements, caseId: string, stillActive: ReadonlySet<string>, now: number): number {
  let closed = 0;
  for (const row of statements.runningDeadlines.all({ caseId })) {
    if (stillActive.has(row.stateId)) continue;
    const late = !row.period && (row.status === 'overdue' || now > row.dueAt);
    statements.closeDeadline.run({ id: row.id, status: late ? 'overdue' : 'met', closedAt: now, latenessMs: now - row.dueAt });
    closed += 1;
  }
  return closed;
}
