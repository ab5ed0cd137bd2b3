/**
 * A caseworker's inbox: the open cases waiting on them — assigned to them, or standing in a state
 * where their role may send the next event — soonest due first, as the access policy lets them see.
 */
import type { Tx } from '../../db/port';
import type { Actor, CaseDefinition, Role } from '../../machines/types';
import type { AnyStateNode } from 'xstate';
import { listCases, type CaseSummary } from './queries';

/** Why a case is in someone's inbox. */
export type InboxReason = 'assigned' | 'role';

/** One inbox row: the case, why it waits on the reader, and its soonest running deadline. */
export interface InboxEntry extends CaseSummary {
  waitingOn: InboxReason;
  /** The soonest running deadline (ISO 8601), or null when no clock runs on the case. */
  dueAt: string | null;
  /** That deadline's kind, e.g. `planSubmission`. */
  dueKind: string | null;
  /** The time zone that deadline counts in (the case's), e.g. `Asia/Shanghai`. */
  timeZone: string | null;
}

/** At most this many rows: an inbox is a work list, not a search. */
export const INBOX_SIZE = 100;

/**
 * The stored state names (dot paths such as `screening.acceptance`) of `definition` in which `role`
 * may send at least one event: read off the machine's state nodes, so the inbox follows the machine.
 */
export function statesWaitingOn(definition: CaseDefinition, role: Role): string[] {
  const mine = new Set(Object.entries(definition.events).filter(([, spec]) => spec.roles.includes(role)).map(([type]) => type));
  const found: string[] = [];
  const visit = (node: AnyStateNode, inherited: boolean): void => {
    const here = inherited || (node.ownEvents as string[]).some((type) => mine.has(type));
    const children = Object.values(node.states) as AnyStateNode[];
    if (children.length === 0) {
      if (here && node.type !== 'final' && node.path.length > 0) found.push(node.path.join('.'));
      return;
    }
    for (const child of children) visit(child, here);
  };
  visit(definition.machine.root as AnyStateNode, false);
  return found;
}

/** The inbox of `actor` read inside `tx`: every row passed the access policy before it is returned. */
export async function inboxOf(tx: Tx, actor: Actor, definitions: readonly CaseDefinition[], now: number): Promise<InboxEntry[]> {
  const entries = new Map<string, { summary: CaseSummary; waitingOn: InboxReason }>();
  for (const summary of (await listCases(tx, { assignee: actor.id, status: 'open', limit: INBOX_SIZE }, now, actor)).cases) {
    entries.set(summary.id, { summary, waitingOn: 'assigned' });
  }
  for (const definition of definitions) {
    for (const state of statesWaitingOn(definition, actor.role)) {
      const page = await listCases(tx, { type: definition.type, state, status: 'open', limit: INBOX_SIZE }, now, actor);
      for (const summary of page.cases) if (!entries.has(summary.id)) entries.set(summary.id, { summary, waitingOn: 'role' });
    }
  }
  const rows: InboxEntry[] = [];
  for (const { summary, waitingOn } of entries.values()) {
    const soonest = (await tx.deadlines.runningOfCase(summary.id)).sort((a, b) => a.dueAt - b.dueAt)[0];
    rows.push({ ...summary, waitingOn, dueAt: soonest ? new Date(soonest.dueAt).toISOString() : null, dueKind: soonest?.kind ?? null, timeZone: soonest?.timeZone ?? null });
  }
  const dueOf = (row: InboxEntry): number => (row.dueAt === null ? Number.POSITIVE_INFINITY : Date.parse(row.dueAt));
  rows.sort((a, b) => dueOf(a) - dueOf(b) || a.createdAt.localeCompare(b.createdAt));
  return rows.slice(0, INBOX_SIZE);
}
