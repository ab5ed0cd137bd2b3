/**
 * Plain-text renderings of cases, logs and lists for the terminal.
 */
import type { CaseLink, CaseLinkRelation } from '../engine/links';
import type { CasePage } from '../engine/queries';
import type { CaseEventView, CaseView, DeadlineView } from '../engine/views';

const shortTime = (iso: string | null): string => (iso ? iso.replace('T', ' ').replace(/\.\d+Z$/, 'Z') : '—');

/** One line per deadline: kind, due time, status, warning card; under it, the rule it comes from. */
export function printDeadline(d: DeadlineView): string {
  const late = d.latenessMs !== null ? ` (${d.latenessMs > 0 ? 'late' : 'early'} by ${Math.round(Math.abs(d.latenessMs) / 60000)} min)` : '';
  const next = d.nextStep ? `, next: ${d.nextStep} at ${shortTime(d.nextFireAt)}` : '';
  const original = d.originalDueAt !== d.dueAt ? ` (originally ${shortTime(d.originalDueAt)})` : '';
  return `  - ${d.kind} due ${shortTime(d.dueAt)}${original}${d.provisional ? ` (${d.provisional})` : ''}: ${d.status}${d.running ? '' : ' (closed)'}${late}, card ${d.warning}${next}\n      basis: ${d.basis}`;
}

/** How each link relation reads in a case's lines. */
const RELATION_WORDS: Readonly<Record<CaseLinkRelation, string>> = {
  heldUpBy: 'held up by',
  holdsUp: 'holds up',
  openedReview: 'opened adjustment review',
  openedBy: 'opened by',
};

/** One line per linked case: how it stands to this one, its type and state, and the rule that links them. */
export function printLink(l: CaseLink): string {
  return `  - ${RELATION_WORDS[l.relation]} ${l.caseId} (${l.type}, ${l.state}): ${l.basis}`;
}

/** A case as a few readable lines. */
export function printCase(c: CaseView): string {
  const lines = [
    `${c.id} [${c.type}] v${c.version} — ${c.state} (${c.status})`,
    c.stateDescription ? `  ${c.stateDescription}` : '',
    `  unit: ${c.unit ?? '—'}   assignee: ${c.assignee ?? '—'}`,
    `  allowed events: ${c.allowedEvents.join(', ') || 'none'}`,
  ];
  const running = c.deadlines.filter((d) => d.running || d.status === 'overdue');
  if (running.length) lines.push('  deadlines:', ...running.map(printDeadline));
  if (c.links.length) lines.push('  linked cases:', ...c.links.map(printLink));
  return lines.filter(Boolean).join('\n');
}

/** The event log, oldest first. */
export function printHistory(events: readonly CaseEventView[]): string {
  return events
    .map((e) => {
      const move = e.fromState || e.toState ? ` ${e.fromState ?? '∅'} → ${e.toState ?? '·'}` : '';
      return `${shortTime(e.at)}  v${e.version}  ${e.type}${move}  by ${e.actor.id} (${e.actor.role})`;
    })
    .join('\n');
}

/** A page of cases, one per line. */
export function printList(page: CasePage): string {
  const lines = page.cases.map((c) => `${c.id}  ${c.type.padEnd(18)} ${c.state.padEnd(28)} ${c.unit ?? '—'}`);
  if (!lines.length) lines.push('no cases');
  if (page.nextCursor) lines.push(`more: --cursor ${page.nextCursor}`);
  return lines.join('\n');
}
