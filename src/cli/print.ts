/**
 * Plain-text renderings of cases, logs and lists for the terminal.
 */
import type { ApplicantStatus } from '../engine/applicantStatus';
import type { CaseLink, CaseLinkRelation } from '../engine/links';
import type { CardConsequence, OnTimeRate, OverdueCase } from '../engine/supervision';
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

const minutes = (ms: number): string => `${Math.round(ms / 60_000)} min`;

/** Overdue deadlines, one line each, most overdue first. */
export function printOverdue(rows: readonly OverdueCase[]): string {
  if (!rows.length) return 'nothing overdue';
  return rows
    .map((o) => {
      const provisional = o.provisional ? ` (${o.provisional})` : '';
      const original = o.originalDueAt !== o.dueAt ? ` (originally ${shortTime(o.originalDueAt)})` : '';
      return `${o.caseId}  ${o.type.padEnd(18)} ${o.unit ?? '—'}: ${o.deadlineKind} due ${shortTime(o.dueAt)}${original}, late by ${minutes(o.latenessMs)}${provisional}, card ${o.warning}, escalation level ${o.escalationLevel}`;
    })
    .join('\n');
}

/** On-time rates over a period: a line per unit, and the office's own limits on a line of their own. */
export function printOnTimeRates(period: { since: string; until: string }, rows: readonly OnTimeRate[]): string {
  const lines = [`on-time rates ${shortTime(period.since)} – ${shortTime(period.until)}:`];
  for (const r of rows) {
    const who = r.owner === 'office' ? 'the office (its own limits)' : (r.unit ?? '— (no unit)');
    const rate = r.rate === null ? '—' : `${Math.round(r.rate * 1000) / 10}%`;
    lines.push(`  ${who}: met ${r.met}, late ${r.late}, on time ${rate}`);
  }
  if (rows.length === 0) lines.push('  nothing closed in the period');
  return lines.join('\n');
}

/** Card consequences over a period: what is to be done, by when, and the cards that brought it. */
export function printCardConsequences(period: { since: string; until: string }, rows: readonly CardConsequence[]): string {
  const lines = [`card consequences ${shortTime(period.since)} – ${shortTime(period.until)}:`];
  for (const c of rows) {
    const cards = c.cards.map((card) => `${card.warning} on ${card.caseId}`).join(', ');
    const points = c.pointsOff ? `, ${c.pointsOff} points off` : '';
    lines.push(`  - ${c.caseId} ${c.unit}: ${c.kind} due ${shortTime(c.dueAt)}: ${c.status}${c.doneAt ? ` (${shortTime(c.doneAt)})` : ''}${points}`);
    lines.push(`      ${c.action}`, `      cards: ${cards || '—'}`, `      basis: ${c.basis}`);
  }
  if (rows.length === 0) lines.push('  none');
  return lines.join('\n');
}

/** The candidate's own status line. */
export function printApplicantStatus(s: ApplicantStatus): string {
  return `${s.caseId} [${s.type}] ${s.stage}: ${s.status}`;
}
