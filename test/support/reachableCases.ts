/**
 * Cases in every reachable state of a machine, generated from its graph: a breadth-first walk with
 * the pure decide functions over a set of caseworker steps (the demo's walk and its alternatives),
 * keeping the first path to each state; then each path is played through the engine, all cases on
 * one timeline (every case opens at the same moment, steps land in time order), so their logs,
 * deadlines and chain heads are real.
 */
import type { StateValue } from 'xstate';
import { people } from '../../app/demoScripts';
import { DEADLINE_MISSED } from '../../machines/deadlines';
import { PUBLIC_NOTICE_DEADLINE } from '../../machines/selfRecommendation';
import { DEADLINE_WORKER } from '../../src/engine/deadlinePlans';
import type { Actor, CaseDefinition } from '../../machines/types';
import type { ManualClock } from '../../src/clock';
import { decideEvent, decideOpen, type CaseState, type CaseworkerEvent } from '../../src/engine/decide';
import type { CaseEngine } from '../../src/engine/engine';
import { stateString } from '../../src/engine/machineRuntime';
import { withOfficeRules } from '../../src/engine/officeRules';
import { parsePayload } from '../../src/engine/validate';
import { DEFAULT_POLICY } from '../../src/officePolicy';
import type { WorkingDayCalendar } from '../../src/time';

/** One step a caseworker may take: who, what, and how many minutes after the step before. */
export interface Move {
  after: number;
  actor: Actor;
  event: CaseworkerEvent;
}

const MIN = 60_000;
const DAY = 1440;
const iso = (ms: number) => new Date(ms).toISOString();

/** The opener, input and possible moves of a case type, for a case opened at `t0`. */
export function movesOf(type: string, t0: number): { opener: Actor; input: Record<string, unknown>; moves: Move[] } {
  const { clerk, chair, verifier, orgDept, orgDeptSecond, commission, supervisor, housingLiaison: liaison, candidate, partyHead } = people;
  if (type === 'rectification') {
    return {
      opener: supervisor,
      input: { unit: 'Municipal Housing Bureau', report: 'Seeing: stamps take weeks', airedAt: iso(t0) },
      moves: [
        { after: 5, actor: supervisor, event: { type: 'NOTIFY_UNIT', liaisonId: liaison.id } },
        { after: 10, actor: liaison, event: { type: 'SUBMIT_PLAN', plan: 'Answer every stamp request in 3 days', measures: ['a task force'], completionDueAt: iso(t0 + 16 * DAY * MIN) } },
        { after: 10, actor: supervisor, event: { type: 'ACCEPT_PLAN', reason: 'Concrete measures with owners' } },
        { after: 10, actor: supervisor, event: { type: 'SEND_BACK_PLAN', reason: 'Name an owner per window' } },
        { after: 10, actor: liaison, event: { type: 'REPORT_COMPLETION', note: 'All answered' } },
        { after: 10, actor: supervisor, event: { type: 'ASSESS_FAILED', reason: 'Spot checks fail', completionDueAt: iso(t0 + 30 * DAY * MIN) } },
        { after: 10, actor: supervisor, event: { type: 'ESCALATE', reason: 'No answer from the unit' } },
      ],
    };
  }
  if (type === 'selfRecommendation') {
    const clear = { fraudFound: false, concealmentFound: false, favouritismFound: false };
    return {
      opener: candidate,
      input: {
        candidate: { officialId: candidate.id, name: 'Lin Qing', currentPost: 'Section Chief', unit: 'Municipal Data Bureau' },
        targetPost: 'Deputy Director, Digital Government Services',
        channel: 'partyOrganization',
        channelHolderId: partyHead.id,
        statement: 'Led the one-window reform.',
        evidence: ['2025 annual review: excellent'],
      },
      moves: [
        { after: 60, actor: partyHead, event: { type: 'FORWARD', note: 'Received' } },
        { after: 60, actor: orgDept, event: { type: 'RECORD_ELIGIBILITY', eligible: true, checks: { qualifications: 'passed', record: 'passed', integrity: 'passed' }, reason: 'Meets the post requirements' } },
        { after: 60, actor: orgDept, event: { type: 'RECORD_INSPECTION', annualReviews: [{ year: 2024, grade: 'competent' }, { year: 2025, grade: 'excellent' }], surveyResults: '41 of 45 support', rating: 'Strong results' } },
        { after: 60, actor: orgDeptSecond, event: { type: 'RECORD_OD_VIEW', view: 'Results verified', ...clear } },
        { after: 60, actor: commission, event: { type: 'RECORD_DIC_VIEW', view: 'No lobbying found', ...clear } },
        { after: 60, actor: chair, event: { type: 'DECIDE', outcome: 'appointed', reason: 'Both views clear' } },
        { after: 60, actor: chair, event: { type: 'DECIDE', outcome: 'reserved', reason: 'Keep in the talent pool' } },
        { after: 60, actor: orgDept, event: { type: 'OBJECTION_RECEIVED', objection: 'A colleague objects' } },
        // the worker reports the notice period's end (the engine's catch-up does the same for a late wake-up)
        { after: 9 * DAY, actor: DEADLINE_WORKER, event: { type: DEADLINE_MISSED, deadlineKind: PUBLIC_NOTICE_DEADLINE } },
        { after: 1, actor: orgDept, event: { type: 'NOTICE_PERIOD_ENDED', note: 'No objection' } },
        { after: 60, actor: orgDept, event: { type: 'RECORD_ASSESSMENT', period: 'First quarter', rating: 'excellent' } },
      ],
    };
  }
  return {
    opener: clerk,
    input: {
      aspect: 'shirkingAndPassingTheBuck',
      summary: 'Every request is sent to another window.',
      channel: 'hotline',
      anonymous: true,
      subject: { officialId: 'chen.gang', name: 'Chen Gang', post: 'Deputy Director', unit: 'Municipal Housing Bureau' },
    },
    moves: [
      { after: 30, actor: clerk, event: { type: 'REGISTER', clueNumber: 'XS-2026-0042', handlerId: clerk.id } },
      { after: 30, actor: clerk, event: { type: 'ACCEPT' } },
      { after: 30, actor: clerk, event: { type: 'DECLARE_OUT_OF_SCOPE', reason: 'Not about an official' } },
      { after: 30, actor: chair, event: { type: 'CHOOSE_DISPOSAL', route: 'preliminaryVerification', reason: 'Specific, checkable facts' } },
      { after: 30, actor: chair, event: { type: 'ASSIGN_VERIFIER', verifierId: verifier.id } },
      { after: 30, actor: verifier, event: { type: 'RECORD_FINDINGS', findings: 'Window logs show redirection' } },
      { after: 30, actor: chair, event: { type: 'SET_ASIDE', reason: 'Cannot be ruled out yet' } },
      { after: 30, actor: verifier, event: { type: 'SUBMIT_TO_CONFERENCE', note: 'Findings attached' } },
      { after: 30, actor: orgDept, event: { type: 'RECORD_OD_VIEW', view: 'A pattern of shirking', recommendedOutcome: 'admonished' } },
      { after: 30, actor: commission, event: { type: 'RECORD_DIC_VIEW', view: 'No violation', recommendedOutcome: 'admonished' } },
      { after: 30, actor: chair, event: { type: 'DECIDE', outcome: 'admonished', reason: 'Both departments recommend it' } },
    ],
  };
}

/** A path to one open state: the moves from the opening, and the state it ends in. */
export interface StatePath {
  state: string;
  moves: Move[];
}

/** The first path (fewest moves) to every open state of `definition` the moves reach, walked purely from `t0`. */
export function reachableStates(definition: CaseDefinition, calendar: WorkingDayCalendar, t0: number): StatePath[] {
  const { opener, input, moves } = movesOf(definition.type, t0);
  const parsed = withOfficeRules(definition, input, parsePayload(definition.input, input, 'input'), DEFAULT_POLICY);
  const ctx = (now: number) => ({ now, calendar, policy: DEFAULT_POLICY, newCaseId: () => 'X-1', definitionOf: () => definition });
  const opening = decideOpen(ctx(t0), definition, parsed, opener);
  const start: CaseState = { definition, row: opening.row, snapshot: opening.snapshot, running: opening.deadlines };
  const seen = new Map<string, StatePath>([[opening.row.state, { state: opening.row.state, moves: [] }]]);
  const visited = new Set<string>();
  let frontier = [{ state: start, at: t0, moves: [] as Move[] }];
  while (frontier.length) {
    const next: typeof frontier = [];
    for (const node of frontier) {
      for (const move of moves) {
        const at = node.at + move.after * MIN;
        try {
          const t = decideEvent(ctx(at), node.state, move.event, move.actor);
          const state = stateString(t.snapshot.value as StateValue);
          const path = [...node.moves, move];
          // a step that stays in its state (a view recorded) still counts: the walk is over states and the steps taken
          const key = `${state}|${[...new Set(path.map((m) => m.event.type))].sort().join(',')}`;
          if (visited.has(key) || t.snapshot.status !== 'active') continue;
          visited.add(key);
          if (!seen.has(state)) seen.set(state, { state, moves: path });
          next.push({ state: { ...node.state, row: t.row, snapshot: t.snapshot, running: [] }, at, moves: path });
        } catch {
          // a move this state refuses is no edge of the graph
        }
      }
    }
    frontier = next;
  }
  return [...seen.values()];
}

/** Plays `paths` through the engine on one timeline from the clock's now; returns the case ids, path by path. */
export async function playPaths(engine: CaseEngine, clock: ManualClock, definition: CaseDefinition, paths: readonly StatePath[]): Promise<string[]> {
  const t0 = clock.now();
  const { opener, input } = movesOf(definition.type, t0);
  const ids: string[] = [];
  for (const _ of paths) ids.push((await engine.createCase({ type: definition.type, input, actor: opener })).id);
  const steps = paths.flatMap((path, i) => {
    let at = t0;
    return path.moves.map((move) => ({ i, at: (at += move.after * MIN), move }));
  });
  steps.sort((a, b) => a.at - b.at);
  for (const { i, at, move } of steps) {
    clock.set(at);
    await engine.applyEvent(ids[i]!, move.event, move.actor);
  }
  return ids;
}
