/**
 * The rectification machine, tested from its own graph: every state reached and every transition
 * taken by @xstate/graph paths, every guard on both sides with XState's pure `transition`, the
 * domain stories, the payload schemas, the guard rules and the deadline declarations.
 */
import { DateTime } from 'luxon';
import { initialTransition, transition, type SnapshotFrom } from 'xstate';
import { DEADLINE_MISSED } from '../../machines/deadlines';
import {
  MAX_ESCALATION_LEVEL,
  rectification,
  rectificationEvents,
  rectificationInput,
  type RectificationContext,
  type RectificationEvent,
} from '../../machines/rectification';
import type { Actor, CaseInput } from '../../machines/types';
import type { RectificationInput } from '../../machines/rectification';
import {
  allStateEventPairs,
  allStateIds,
  allTransitions,
  declaredDeadlines,
  eventsOf,
  exploreGraph,
  handledEventTypes,
  takenTransitions,
  usedGuardNames,
  valueAnd,
} from '../support/machineGraph';

const machine = rectification.machine;
type Machine = typeof machine;
type Snap = SnapshotFrom<Machine>;
type Ev = RectificationEvent;
type EventType = Ev['type'];
type EventOf<T extends EventType> = Extract<Ev, { type: T }>;
type PayloadOf<T extends EventType> = Omit<EventOf<T>, 'type' | 'actor' | 'at'>;

// ---------------------------------------------------------------------------------------------
// People, times and sample events
// ---------------------------------------------------------------------------------------------

const supervisor: Actor = { id: 'li.wei', role: 'supervisor' };
const clerk: Actor = { id: 'wang.fang', role: 'intakeClerk' };
const liaison: Actor = { id: 'zhou.min', role: 'unitLiaison' };
/** A second liaison of the same unit, not the one named when the unit was notified. */
const deputyLiaison: Actor = { id: 'qian.lei', role: 'unitLiaison' };
const worker: Actor = { id: 'deadline-worker', role: 'system' };
/** The same person as a role other than the one they acted in for the unit. */
const asSupervisor = (who: Actor): Actor => ({ id: who.id, role: 'supervisor' });

/** Wednesday 25 November 2026, 20:00 in Shanghai: the "Seeing" column airs. */
const AIRED_AT = '2026-11-25T20:00:00+08:00';
const T = {
  opened: '2026-11-25T20:02:00+08:00',
  notified: '2026-11-25T20:05:00+08:00',
  submitted: '2026-11-25T20:50:00+08:00',
  planMissed: '2026-11-25T21:00:00+08:00',
  sentBack: '2026-11-25T21:30:00+08:00',
  accepted: '2026-11-26T09:30:00+08:00',
  progress: '2026-12-01T16:00:00+08:00',
  completed: '2026-12-09T17:00:00+08:00',
  assessed: '2026-12-11T10:00:00+08:00',
  escalated: '2026-11-26T10:00:00+08:00',
};
const COMPLETION_DUE = '2026-12-10T18:00:00+08:00';
const NEW_COMPLETION_DUE = '2026-12-31T18:00:00+08:00';

/** The payload that opens a case, after validation, plus the identity the engine adds. */
function caseInput(over: Partial<RectificationInput> = {}): CaseInput<RectificationInput> {
  const parsed = rectificationInput.parse({
    unit: 'Municipal Housing Bureau',
    report: 'Residents wait three months for a property certificate',
    airedAt: AIRED_AT,
    ...over,
  });
  return { ...parsed, caseId: 'case-rect-1', openedAt: T.opened, openedBy: supervisor };
}

/** A valid payload for every event of the catalogue. */
const validPayload: { [K in EventType]: PayloadOf<K> } = {
  NOTIFY_UNIT: { liaisonId: liaison.id },
  SUBMIT_PLAN: {
    plan: 'Open a same-day lane for property certificates and clear the backlog',
    measures: ['open a same-day lane', 'clear the backlog of 1,200 applications', 'publish waiting times weekly'],
    completionDueAt: COMPLETION_DUE,
  },
  ACCEPT_PLAN: { reason: 'The measures are concrete and dated' },
  SEND_BACK_PLAN: { reason: 'The plan names no one responsible for the backlog' },
  REPORT_PROGRESS: { note: 'Same-day lane open since Monday; 400 applications cleared' },
  REPORT_COMPLETION: { note: 'Backlog cleared; waiting times published on the bureau site' },
  ASSESS_PASSED: { reason: 'Follow-up visit: certificates issued the same day' },
  ASSESS_FAILED: { reason: 'Follow-up visit: the lane is closed on Fridays', completionDueAt: NEW_COMPLETION_DUE },
  ESCALATE: { reason: 'The unit ignored the notice' },
  [DEADLINE_MISSED]: { deadlineKind: 'rectificationPlanDue' },
  DEADLINE_ESCALATED: { deadlineKind: 'rectificationPlanDue' },
};

/** The default actor and time of each event. */
const defaults: { [K in EventType]: { actor: Actor; at: string } } = {
  NOTIFY_UNIT: { actor: supervisor, at: T.notified },
  SUBMIT_PLAN: { actor: liaison, at: T.submitted },
  ACCEPT_PLAN: { actor: supervisor, at: T.accepted },
  SEND_BACK_PLAN: { actor: supervisor, at: T.sentBack },
  REPORT_PROGRESS: { actor: liaison, at: T.progress },
  REPORT_COMPLETION: { actor: liaison, at: T.completed },
  ASSESS_PASSED: { actor: supervisor, at: T.assessed },
  ASSESS_FAILED: { actor: supervisor, at: T.assessed },
  ESCALATE: { actor: supervisor, at: T.escalated },
  [DEADLINE_MISSED]: { actor: worker, at: T.planMissed },
  DEADLINE_ESCALATED: { actor: worker, at: T.planMissed },
};

/** An event as the engine hands it to the machine: the payload plus actor and time. */
function ev<T extends EventType>(type: T, over: Partial<PayloadOf<T>> & { actor?: Actor; at?: string } = {}): EventOf<T> {
  const { actor, at, ...payload } = over;
  return {
    type,
    ...validPayload[type],
    ...payload,
    actor: actor ?? defaults[type].actor,
    at: at ?? defaults[type].at,
  } as unknown as EventOf<T>;
}

/** Drops the reason: the payload schema allows it, the `hasReason` guard refuses it. */
function withoutReason<T extends 'ACCEPT_PLAN' | 'SEND_BACK_PLAN' | 'ASSESS_PASSED' | 'ASSESS_FAILED' | 'ESCALATE'>(
  type: T,
  over: Partial<PayloadOf<T>> & { actor?: Actor; at?: string } = {},
): EventOf<T> {
  const event = { ...ev(type, over) } as Record<string, unknown>;
  delete event.reason;
  return event as unknown as EventOf<T>;
}

// ---------------------------------------------------------------------------------------------
// Pure stepping
// ---------------------------------------------------------------------------------------------

const start = (input: CaseInput<RectificationInput> = caseInput()): Snap => initialTransition(machine, input)[0];
const send = (snapshot: Snap, event: Ev): Snap => transition(machine, snapshot, event)[0];
const run = (snapshot: Snap, ...events: Ev[]): Snap => events.reduce(send, snapshot);

/** Snapshots in each resting state, reached the ordinary way. */
const inState = {
  criticismAired: () => start(),
  planDue: () => send(start(), ev('NOTIFY_UNIT')),
  planReview: () => run(inState.planDue(), ev('SUBMIT_PLAN')),
  planRevision: () => run(inState.planReview(), ev('SEND_BACK_PLAN')),
  inProgress: () => run(inState.planReview(), ev('ACCEPT_PLAN')),
  assessment: () => run(inState.inProgress(), ev('REPORT_PROGRESS'), ev('REPORT_COMPLETION')),
};

/** Assessment after `failures` failed rounds (each fail, then completion reported again). */
function assessmentAfterFailures(failures: number): Snap {
  let s = inState.assessment();
  for (let i = 0; i < failures; i++) s = run(s, ev('ASSESS_FAILED'), ev('REPORT_COMPLETION'));
  return s;
}

/** A refused event leaves the value and the context exactly as they were. */
function expectRefused(before: Snap, event: Ev): void {
  const after = send(before, event);
  expect(takenTransitions(machine, before, event)).toEqual([]);
  expect(after.value).toEqual(before.value);
  expect(after.context).toEqual(before.context);
  expect(after.status).toBe(before.status);
}

// ---------------------------------------------------------------------------------------------
// The definition, read as a graph
// ---------------------------------------------------------------------------------------------

describe('the rectification definition', () => {
  it('has the expected states', () => {
    expect(allStateIds(machine)).toEqual(
      ['criticismAired', 'planDue', 'planReview', 'planRevision', 'inProgress', 'assessment', 'closed', 'escalated'].map(
        (s) => `rectification.${s}`,
      ),
    );
  });

  it('handles exactly these (state, event) pairs', () => {
    const pairs = allStateEventPairs(machine).map(([s, e]) => `${s.replace('rectification.', '')} ${e}`);
    expect(pairs).toEqual([
      'criticismAired NOTIFY_UNIT',
      'planDue SUBMIT_PLAN',
      'planDue DEADLINE_MISSED',
      'planDue DEADLINE_ESCALATED',
      'planDue ESCALATE',
      'planReview ACCEPT_PLAN',
      'planReview SEND_BACK_PLAN',
      'planRevision SUBMIT_PLAN',
      'planRevision DEADLINE_MISSED',
      'planRevision DEADLINE_ESCALATED',
      'planRevision ESCALATE',
      'inProgress REPORT_PROGRESS',
      'inProgress REPORT_COMPLETION',
      'inProgress DEADLINE_MISSED',
      'inProgress DEADLINE_ESCALATED',
      'inProgress ESCALATE',
      'assessment ASSESS_PASSED',
      'assessment ASSESS_FAILED',
    ]);
  });

  it('handles every event of its catalogue, and no event outside it', () => {
    expect(handledEventTypes(machine)).toEqual(Object.keys(rectificationEvents).sort());
  });

  it('tries the escalating branch of ASSESS_FAILED before the back-to-work branch', () => {
    const failed = allTransitions(machine).filter((t) => t.eventType === 'ASSESS_FAILED');
    expect(failed.map((t) => [t.index, t.guard, t.targets])).toEqual([
      [0, 'and(hasReason, escalationLimitReached)', ['rectification.escalated']],
      [1, 'and(hasReason, completionAfterAiring, completionInFuture)', ['rectification.inProgress']],
    ]);
  });
});

// ---------------------------------------------------------------------------------------------
// Paths generated by @xstate/graph
// ---------------------------------------------------------------------------------------------

/**
 * Sample events sent in every state: the valid ones, and the refused variants that exercise
 * each guard's other side (refused events are self-loops in the graph and take no transition).
 */
const graphEvents: Ev[] = [
  ev('NOTIFY_UNIT'),
  ev('SUBMIT_PLAN'),
  ev('SUBMIT_PLAN', { completionDueAt: '2026-11-24T18:00:00+08:00' }),
  ev('SUBMIT_PLAN', { completionDueAt: '2026-11-25T20:30:00+08:00' }),
  ev('ACCEPT_PLAN'),
  ev('ACCEPT_PLAN', { actor: asSupervisor(liaison) }),
  withoutReason('ACCEPT_PLAN'),
  ev('SEND_BACK_PLAN'),
  withoutReason('SEND_BACK_PLAN'),
  ev('REPORT_PROGRESS'),
  ev('REPORT_COMPLETION'),
  ev('ASSESS_PASSED'),
  ev('ASSESS_PASSED', { actor: asSupervisor(liaison) }),
  withoutReason('ASSESS_PASSED'),
  ev('ASSESS_FAILED'),
  ev('ASSESS_FAILED', { completionDueAt: '2026-12-01T18:00:00+08:00' }),
  withoutReason('ASSESS_FAILED'),
  ev('ESCALATE'),
  withoutReason('ESCALATE'),
  ev(DEADLINE_MISSED),
  ev('DEADLINE_ESCALATED'),
];

/**
 * A vertex is the state value plus the escalation level (capped where the guards stop telling
 * levels apart), whether progress was reported and whether a red card was recorded. The whole context would make the graph
 * infinite: progress notes and missed deadlines grow on self-transitions.
 */
const serializeState = valueAnd<Machine>((c: RectificationContext) => ({
  level: Math.min(c.escalationLevel, MAX_ESCALATION_LEVEL),
  reported: c.progress.length > 0,
  redCard: (c.escalations ?? []).length > 0,
}));

describe('paths generated from the machine graph', () => {
  // each exploration once: the simple paths take some 10 s to generate and replay, and four tests read them
  const explored = new Map<string, ReturnType<typeof exploreGraph<Machine>>>();
  const explore = (strategy: 'shortest' | 'simple', probeEnds = false) => {
    const key = `${strategy} ${probeEnds}`;
    if (!explored.has(key)) explored.set(key, exploreGraph(machine, { strategy, events: graphEvents, input: caseInput(), serializeState, probeEnds }));
    return explored.get(key)!;
  };

  it.each(['shortest', 'simple'] as const)('%s paths reach every state node', (strategy) => {
    const coverage = explore(strategy);
    expect(coverage.paths.length).toBeGreaterThan(0);
    expect(coverage.missingStates).toEqual([]);
  });

  it('simple paths take every transition of the definition, every guarded branch included', () => {
    const coverage = explore('simple');
    expect(coverage.missingTransitions.map((t) => t.key)).toEqual([]);
    expect(coverage.transitionsTaken.size).toBe(allTransitions(machine).length);
  });

  it('shortest paths, each followed by one step with every sample event, take every transition', () => {
    // Shortest paths alone are one per vertex, not one per edge: a transition into a vertex
    // already reached more cheaply (planRevision → planReview) lies on no shortest path.
    expect(explore('shortest').missingTransitions.length).toBeGreaterThan(0);
    expect(explore('shortest', true).missingTransitions.map((t) => t.key)).toEqual([]);
  });

  it.each(['shortest', 'simple'] as const)('%s paths replayed from a fresh case end in the vertex @xstate/graph reports', (strategy) => {
    const { paths, ends } = explore(strategy);
    paths.forEach((path, i) => {
      const end = run(start(), ...eventsOf(path));
      expect(end.value).toEqual(path.state.value);
      expect(serializeState(end)).toBe(serializeState(path.state));
      expect(end.context).toEqual(ends[i]?.context);
    });
  });

  it('no path reaches a final state and leaves it', () => {
    const { paths } = explore('simple');
    for (const path of paths) {
      const firstFinal = path.steps.findIndex((s) => s.state.status === 'done');
      if (firstFinal >= 0) expect(path.steps.length - 1).toBe(firstFinal);
    }
  });
});

// ---------------------------------------------------------------------------------------------
// Every guard, on both sides, with the pure transition function
// ---------------------------------------------------------------------------------------------

type StateName = 'criticismAired' | 'planDue' | 'planReview' | 'planRevision' | 'inProgress' | 'assessment' | 'closed' | 'escalated';

interface GuardCase {
  guard: string;
  title: string;
  from: () => Snap;
  event: Ev;
  /** What the named guard itself evaluates to for this snapshot and event. */
  holds: boolean;
  /** The state value after the event, or `refused` when the event changes nothing. */
  then: StateName | 'refused';
}

const guardCases: GuardCase[] = [
  // hasReason
  { guard: 'hasReason', title: 'accepting a plan with a reason', from: inState.planReview, event: ev('ACCEPT_PLAN'), holds: true, then: 'inProgress' },
  { guard: 'hasReason', title: 'accepting a plan without a reason', from: inState.planReview, event: withoutReason('ACCEPT_PLAN'), holds: false, then: 'refused' },
  { guard: 'hasReason', title: 'accepting a plan with a blank reason', from: inState.planReview, event: ev('ACCEPT_PLAN', { reason: '   ' }), holds: false, then: 'refused' },
  { guard: 'hasReason', title: 'sending a plan back with a reason', from: inState.planReview, event: ev('SEND_BACK_PLAN'), holds: true, then: 'planRevision' },
  { guard: 'hasReason', title: 'sending a plan back without a reason', from: inState.planReview, event: withoutReason('SEND_BACK_PLAN'), holds: false, then: 'refused' },
  { guard: 'hasReason', title: 'passing an assessment with a reason', from: inState.assessment, event: ev('ASSESS_PASSED'), holds: true, then: 'closed' },
  { guard: 'hasReason', title: 'passing an assessment without a reason', from: inState.assessment, event: withoutReason('ASSESS_PASSED'), holds: false, then: 'refused' },
  { guard: 'hasReason', title: 'failing an assessment with a reason', from: inState.assessment, event: ev('ASSESS_FAILED'), holds: true, then: 'inProgress' },
  { guard: 'hasReason', title: 'failing an assessment without a reason', from: inState.assessment, event: withoutReason('ASSESS_FAILED'), holds: false, then: 'refused' },
  { guard: 'hasReason', title: 'failing the last round without a reason', from: () => assessmentAfterFailures(2), event: withoutReason('ASSESS_FAILED'), holds: false, then: 'refused' },
  { guard: 'hasReason', title: 'escalating a silent unit with a reason', from: inState.planDue, event: ev('ESCALATE'), holds: true, then: 'escalated' },
  { guard: 'hasReason', title: 'escalating a silent unit without a reason', from: inState.planDue, event: withoutReason('ESCALATE'), holds: false, then: 'refused' },
  { guard: 'hasReason', title: 'escalating a unit that does not revise, with a reason', from: inState.planRevision, event: ev('ESCALATE'), holds: true, then: 'escalated' },
  { guard: 'hasReason', title: 'escalating a unit that does not revise, without a reason', from: inState.planRevision, event: withoutReason('ESCALATE'), holds: false, then: 'refused' },
  { guard: 'hasReason', title: 'escalating a stalled rectification with a reason', from: inState.inProgress, event: ev('ESCALATE'), holds: true, then: 'escalated' },
  { guard: 'hasReason', title: 'escalating a stalled rectification without a reason', from: inState.inProgress, event: withoutReason('ESCALATE'), holds: false, then: 'refused' },

  // notOwnCase
  { guard: 'notOwnCase', title: 'a supervisor accepts the unit’s plan', from: inState.planReview, event: ev('ACCEPT_PLAN'), holds: true, then: 'inProgress' },
  { guard: 'notOwnCase', title: 'the named liaison, acting as supervisor, accepts the plan', from: inState.planReview, event: ev('ACCEPT_PLAN', { actor: asSupervisor(liaison) }), holds: false, then: 'refused' },
  { guard: 'notOwnCase', title: 'a supervisor passes the assessment', from: inState.assessment, event: ev('ASSESS_PASSED'), holds: true, then: 'closed' },
  { guard: 'notOwnCase', title: 'the liaison, acting as supervisor, passes the assessment', from: inState.assessment, event: ev('ASSESS_PASSED', { actor: asSupervisor(liaison) }), holds: false, then: 'refused' },

  // isNamedLiaison
  { guard: 'isNamedLiaison', title: 'the named liaison submits the plan', from: inState.planDue, event: ev('SUBMIT_PLAN'), holds: true, then: 'planReview' },
  { guard: 'isNamedLiaison', title: 'another liaison submits a plan for a unit that is not theirs to answer for', from: inState.planDue, event: ev('SUBMIT_PLAN', { actor: deputyLiaison }), holds: false, then: 'refused' },
  { guard: 'isNamedLiaison', title: 'the named liaison reports progress', from: inState.inProgress, event: ev('REPORT_PROGRESS'), holds: true, then: 'inProgress' },
  { guard: 'isNamedLiaison', title: 'another liaison reports progress', from: inState.inProgress, event: ev('REPORT_PROGRESS', { actor: deputyLiaison }), holds: false, then: 'refused' },
  { guard: 'isNamedLiaison', title: 'another liaison reports the work complete', from: inState.inProgress, event: ev('REPORT_COMPLETION', { actor: deputyLiaison }), holds: false, then: 'refused' },

  // completionAfterAiring
  { guard: 'completionAfterAiring', title: 'a plan completed after the airing', from: inState.planDue, event: ev('SUBMIT_PLAN'), holds: true, then: 'planReview' },
  {
    guard: 'completionAfterAiring',
    title: 'a plan "completed" the day before the airing',
    from: inState.planDue,
    event: ev('SUBMIT_PLAN', { completionDueAt: '2026-11-24T18:00:00+08:00' }),
    holds: false,
    then: 'refused',
  },
  {
    guard: 'completionAfterAiring',
    title: 'a revised plan "completed" before the airing',
    from: inState.planRevision,
    event: ev('SUBMIT_PLAN', { completionDueAt: '2026-11-24T18:00:00+08:00', at: T.accepted }),
    holds: false,
    then: 'refused',
  },
  { guard: 'completionAfterAiring', title: 'a revised plan completed after the airing', from: inState.planRevision, event: ev('SUBMIT_PLAN', { at: T.accepted }), holds: true, then: 'planReview' },
  {
    guard: 'completionAfterAiring',
    title: 'a failed assessment sets a new completion date before the airing',
    from: inState.assessment,
    event: ev('ASSESS_FAILED', { completionDueAt: '2026-11-01T18:00:00+08:00' }),
    holds: false,
    then: 'refused',
  },

  // completionInFuture
  { guard: 'completionInFuture', title: 'a plan completed after it is submitted', from: inState.planDue, event: ev('SUBMIT_PLAN'), holds: true, then: 'planReview' },
  {
    guard: 'completionInFuture',
    title: 'a plan whose completion date passed before it was submitted',
    from: inState.planDue,
    event: ev('SUBMIT_PLAN', { completionDueAt: '2026-11-25T20:30:00+08:00' }),
    holds: false,
    then: 'refused',
  },
  { guard: 'completionInFuture', title: 'a failed assessment sets a later completion date', from: inState.assessment, event: ev('ASSESS_FAILED'), holds: true, then: 'inProgress' },
  {
    guard: 'completionInFuture',
    title: 'a failed assessment sets a completion date already past',
    from: inState.assessment,
    event: ev('ASSESS_FAILED', { completionDueAt: '2026-12-01T18:00:00+08:00' }),
    holds: false,
    then: 'refused',
  },

  // escalationLimitReached: when it does not hold, ASSESS_FAILED falls through to the next round.
  { guard: 'escalationLimitReached', title: 'a first failed assessment', from: inState.assessment, event: ev('ASSESS_FAILED'), holds: false, then: 'inProgress' },
  { guard: 'escalationLimitReached', title: 'a second failed assessment', from: () => assessmentAfterFailures(1), event: ev('ASSESS_FAILED'), holds: false, then: 'inProgress' },
  { guard: 'escalationLimitReached', title: 'a third failed assessment', from: () => assessmentAfterFailures(2), event: ev('ASSESS_FAILED'), holds: true, then: 'escalated' },

  // escalationLevelReached: a red card records the escalation; once the unit missed three limits, it escalates the case
  { guard: 'escalationLevelReached', title: 'a red card on the first missed plan', from: () => run(inState.planDue(), ev(DEADLINE_MISSED)), event: ev('DEADLINE_ESCALATED'), holds: false, then: 'planDue' },
  {
    guard: 'escalationLevelReached',
    title: 'a red card after the third missed limit',
    from: () => run(inState.planDue(), ev(DEADLINE_MISSED), ev(DEADLINE_MISSED), ev(DEADLINE_MISSED)),
    event: ev('DEADLINE_ESCALATED'),
    holds: true,
    then: 'escalated',
  },
];

type GuardFn = (args: { context: RectificationContext; event: Ev }) => boolean;
const guardImpl = (name: string): GuardFn => {
  const impl = (machine.implementations.guards as Record<string, unknown>)[name];
  if (typeof impl !== 'function') throw new Error(`no implementation for guard ${name}`);
  return impl as GuardFn;
};

describe('every guard, on both sides', () => {
  it.each(guardCases.map((c) => [c.guard, c.holds ? 'holds' : 'fails', c.title, c] as const))(
    '%s %s: %s',
    (_guard, _side, _title, c) => {
      const before = c.from();
      expect(guardImpl(c.guard)({ context: before.context, event: c.event })).toBe(c.holds);
      if (c.then === 'refused') {
        expectRefused(before, c.event);
      } else {
        expect(send(before, c.event).value).toBe(c.then);
      }
    },
  );

  it('the table above tests every guard the machine uses, each both holding and failing', () => {
    const sides = new Map<string, Set<boolean>>();
    for (const c of guardCases) sides.set(c.guard, (sides.get(c.guard) ?? new Set()).add(c.holds));
    expect([...sides.keys()].sort()).toEqual(usedGuardNames(machine));
    for (const [guard, seen] of sides) expect([guard, [...seen].sort()]).toEqual([guard, [false, true]]);
  });

  it('events a state does not handle are refused too', () => {
    expectRefused(inState.criticismAired(), ev('SUBMIT_PLAN'));
    expectRefused(inState.planReview(), ev(DEADLINE_MISSED));
    expectRefused(inState.assessment(), ev('ESCALATE'));
    const closed = send(inState.assessment(), ev('ASSESS_PASSED'));
    expect(closed.status).toBe('done');
    expectRefused(closed, ev('ASSESS_FAILED'));
  });
});

// ---------------------------------------------------------------------------------------------
// Domain stories
// ---------------------------------------------------------------------------------------------

describe('domain stories', () => {
  it('aired at 20:00, the plan is due at 21:00', () => {
    const s = start();
    expect(s.value).toBe('criticismAired');
    expect(Date.parse(s.context.planDueAt)).toBe(Date.parse('2026-11-25T21:00:00+08:00'));
    expect(DateTime.fromISO(s.context.planDueAt).setZone(s.context.timeZone).toFormat('yyyy-MM-dd HH:mm')).toBe('2026-11-25 21:00');
    expect(s.context.timeZone).toBe('Asia/Shanghai');
    expect(s.context.programme).toBe('Seeing');

    // The hour is a default: a case may be opened with another limit.
    const later = start(caseInput({ planDueMinutes: 90 }));
    expect(Date.parse(later.context.planDueAt)).toBe(Date.parse('2026-11-25T21:30:00+08:00'));

    // The plan deadline runs from the airing until planDueAt while the case is in planDue.
    const [planDue] = declaredDeadlines(machine).filter((d) => d.stateId === 'rectification.planDue');
    expect(planDue?.spec).toMatchObject({
      kind: 'rectificationPlanDue',
      from: { contextField: 'airedAt' },
      limit: { kind: 'until', contextField: 'planDueAt' },
    });
  });

  it('the unit is notified and its liaison named, then the plan goes to review', () => {
    const due = inState.planDue();
    expect(due.value).toBe('planDue');
    expect(due.context.liaisonId).toBe(liaison.id);
    expect(rectification.index(due.context)).toEqual({ unit: 'Municipal Housing Bureau', assignee: liaison.id, subjectId: null, timeZone: 'Asia/Shanghai' });

    const review = send(due, ev('SUBMIT_PLAN'));
    expect(review.value).toBe('planReview');
    expect(review.context.plan).toEqual({
      text: validPayload.SUBMIT_PLAN.plan,
      measures: validPayload.SUBMIT_PLAN.measures,
      submittedAt: T.submitted,
      submittedBy: liaison.id,
    });
    expect(review.context.completionDueAt).toBe(COMPLETION_DUE);
  });

  it('a plan sent back is revised and resubmitted', () => {
    const revision = inState.planRevision();
    expect(revision.context.lastReason).toBe(validPayload.SEND_BACK_PLAN.reason);
    const resubmitted = send(revision, ev('SUBMIT_PLAN', { plan: 'Same-day lane, with the deputy director responsible', at: T.accepted }));
    expect(resubmitted.value).toBe('planReview');
    expect(resubmitted.context.plan?.text).toBe('Same-day lane, with the deputy director responsible');
  });

  it('a passed assessment closes the loop', () => {
    const closed = send(inState.assessment(), ev('ASSESS_PASSED'));
    expect(closed.value).toBe('closed');
    expect(closed.status).toBe('done');
    expect(closed.context.outcome).toEqual({ decision: 'passed', reason: validPayload.ASSESS_PASSED.reason, by: supervisor.id, at: T.assessed });
    expect(closed.context.progress.map((p) => p.note)).toEqual([validPayload.REPORT_PROGRESS.note, validPayload.REPORT_COMPLETION.note]);
  });

  it('a failed assessment sends the unit back to work with the escalation level raised', () => {
    const before = inState.assessment();
    expect(before.context.escalationLevel).toBe(0);
    const after = send(before, ev('ASSESS_FAILED'));
    expect(after.value).toBe('inProgress');
    expect(after.context.escalationLevel).toBe(1);
    expect(after.context.completionDueAt).toBe(NEW_COMPLETION_DUE);
    expect(after.context.lastReason).toBe(validPayload.ASSESS_FAILED.reason);
    expect(after.context.outcome).toBeNull();
  });

  it('the third failed assessment escalates the case', () => {
    let s = inState.assessment();
    for (const round of [1, 2]) {
      s = send(s, ev('ASSESS_FAILED'));
      expect([round, s.value, s.context.escalationLevel]).toEqual([round, 'inProgress', round]);
      s = send(s, ev('REPORT_COMPLETION'));
      expect(s.value).toBe('assessment');
    }
    s = send(s, ev('ASSESS_FAILED', { reason: 'Third visit: the lane is still closed on Fridays' }));
    expect(s.value).toBe('escalated');
    expect(s.status).toBe('done');
    expect(s.context.escalationLevel).toBe(MAX_ESCALATION_LEVEL);
    expect(s.context.outcome).toEqual({ decision: 'escalated', reason: 'Third visit: the lane is still closed on Fridays', by: supervisor.id, at: T.assessed });
  });

  it('missed deadlines count toward the escalation limit as well (the rule is the level, not the number of failures)', () => {
    const missedTwice = run(inState.planDue(), ev(DEADLINE_MISSED), ev('SUBMIT_PLAN'), ev('SEND_BACK_PLAN'), ev(DEADLINE_MISSED, { deadlineKind: 'revisedPlanDue' }));
    expect(missedTwice.context.escalationLevel).toBe(2);
    const assessed = run(missedTwice, ev('SUBMIT_PLAN', { at: T.accepted }), ev('ACCEPT_PLAN'), ev('REPORT_COMPLETION'), ev('ASSESS_FAILED'));
    expect(assessed.value).toBe('escalated');
  });

  it('a missed plan deadline is recorded and raises the escalation level while the case stays in planDue', () => {
    const due = inState.planDue();
    const missed = send(due, ev(DEADLINE_MISSED, { deadlineKind: 'rectificationPlanDue', at: T.planMissed }));
    expect(missed.value).toBe('planDue');
    expect(missed.context.missedDeadlines).toEqual([{ kind: 'rectificationPlanDue', at: T.planMissed }]);
    expect(missed.context.escalationLevel).toBe(1);
    // A late plan is still taken.
    expect(send(missed, ev('SUBMIT_PLAN', { at: '2026-11-25T21:40:00+08:00' })).value).toBe('planReview');
  });

  it('nobody accepts the plan they submitted themself', () => {
    // The named liaison submits, then tries to accept it as a supervisor.
    expectRefused(inState.planReview(), ev('ACCEPT_PLAN', { actor: asSupervisor(liaison) }));
    // Another liaison of the unit may not submit for it at all.
    expectRefused(inState.planDue(), ev('SUBMIT_PLAN', { actor: deputyLiaison }));
    // Someone else accepts it.
    expect(send(inState.planReview(), ev('ACCEPT_PLAN')).value).toBe('inProgress');
  });

  it('a decision without a reason is refused', () => {
    const decisions: Array<[string, () => Snap, 'ACCEPT_PLAN' | 'SEND_BACK_PLAN' | 'ASSESS_PASSED' | 'ASSESS_FAILED' | 'ESCALATE']> = [
      ['planReview', inState.planReview, 'ACCEPT_PLAN'],
      ['planReview', inState.planReview, 'SEND_BACK_PLAN'],
      ['assessment', inState.assessment, 'ASSESS_PASSED'],
      ['assessment', inState.assessment, 'ASSESS_FAILED'],
      ['planDue', inState.planDue, 'ESCALATE'],
      ['planRevision', inState.planRevision, 'ESCALATE'],
      ['inProgress', inState.inProgress, 'ESCALATE'],
    ];
    for (const [, from, type] of decisions) {
      expectRefused(from(), withoutReason(type));
      expectRefused(from(), ev(type, { reason: ' \n\t ' }));
      expect(send(from(), ev(type)).value).not.toEqual(from().value);
    }
  });

  it('a unit that never resubmits its revised plan can be escalated', () => {
    const escalated = send(inState.planRevision(), ev('ESCALATE', { reason: 'No revised plan after two reminders' }));
    expect(escalated.value).toBe('escalated');
    expect(escalated.context.outcome).toMatchObject({ decision: 'escalated', reason: 'No revised plan after two reminders', by: supervisor.id });
  });
});

// ---------------------------------------------------------------------------------------------
// Payload schemas, guard rules and deadlines
// ---------------------------------------------------------------------------------------------

describe('payload schemas', () => {
  const types = Object.keys(rectificationEvents) as EventType[];

  it.each(types)('%s accepts its sample payload', (type) => {
    expect(rectificationEvents[type].payload.safeParse(validPayload[type]).success).toBe(true);
  });

  it.each(types)('%s rejects unknown fields', (type) => {
    const schema = rectificationEvents[type].payload;
    const result = schema.safeParse({ ...validPayload[type], assignedTo: 'someone.else' });
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => i.code)).toContain('unrecognized_keys');
    // The envelope is the engine's: a payload cannot smuggle in its own actor or time.
    expect(schema.safeParse({ ...validPayload[type], actor: { id: 'x', role: 'admin' } }).success).toBe(false);
    expect(schema.safeParse({ ...validPayload[type], at: T.assessed }).success).toBe(false);
  });

  it('the case input rejects unknown fields', () => {
    const result = rectificationInput.safeParse({ unit: 'U', report: 'R', airedAt: AIRED_AT, assignee: 'x' });
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => i.code)).toContain('unrecognized_keys');
  });

  it('the case input rejects a time zone that does not exist', () => {
    const result = rectificationInput.safeParse({ unit: 'U', report: 'R', airedAt: AIRED_AT, timeZone: 'Asia/Atlantis' });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toMatch(/IANA zone/);
    expect(rectificationInput.safeParse({ unit: 'U', report: 'R', airedAt: AIRED_AT, timeZone: 'Europe/Berlin' }).success).toBe(true);
  });

  it('a plan needs at least one measure and a real completion date', () => {
    const plan = rectificationEvents.SUBMIT_PLAN.payload;
    expect(plan.safeParse({ ...validPayload.SUBMIT_PLAN, measures: [] }).success).toBe(false);
    expect(plan.safeParse({ ...validPayload.SUBMIT_PLAN, completionDueAt: 'next Friday' }).success).toBe(false);
  });
});

describe('guard rules', () => {
  it('every guard the machine uses, leaves of and(...) included, has a rule', () => {
    const used = usedGuardNames(machine);
    expect(used).toEqual(expect.arrayContaining(['hasReason', 'notOwnCase', 'escalationLimitReached']));
    expect(used.filter((g) => !(g in rectification.guardRules))).toEqual([]);
  });

  it('every rule belongs to a guard the machine uses, and says something', () => {
    const used = new Set(usedGuardNames(machine));
    expect(Object.keys(rectification.guardRules).filter((g) => !used.has(g))).toEqual([]);
    for (const rule of Object.values(rectification.guardRules)) expect(rule.trim().length).toBeGreaterThan(10);
  });
});

describe('deadlines declared in state meta', () => {
  const deadlines = declaredDeadlines(machine);

  it('are declared where the domain needs them', () => {
    expect(deadlines.map((d) => [d.stateId.replace('rectification.', ''), d.spec.kind])).toEqual([
      ['criticismAired', 'unitNotificationDue'],
      ['planDue', 'rectificationPlanDue'],
      ['planReview', 'planReviewDue'],
      ['planRevision', 'revisedPlanDue'],
      ['inProgress', 'rectificationCompletionDue'],
      ['assessment', 'assessmentDue'],
    ]);
  });

  it.each(deadlines.map((d) => [d.spec.kind, d] as const))('%s has a basis and a ladder', (_kind, { spec }) => {
    expect(spec.basis.trim()).not.toBe('');
    expect(spec.ladder.length).toBeGreaterThan(0);
    for (const step of spec.ladder) expect(step.name.trim()).not.toBe('');
    expect(spec.ladder.filter((s) => s.marksOverdue)).toHaveLength(1);
  });

  it('have distinct kinds, and their base fields exist in the context', () => {
    const kinds = deadlines.map((d) => d.spec.kind);
    expect(new Set(kinds).size).toBe(kinds.length);
    const context = start().context;
    for (const { spec } of deadlines) if (spec.from) expect(Object.keys(context)).toContain(spec.from.contextField);
  });

  it('a state whose ladder sends an event handles that event', () => {
    const handled = new Set(allStateEventPairs(machine).map(([s, e]) => `${s} ${e}`));
    for (const { stateId, spec } of deadlines) {
      for (const step of spec.ladder) if (step.sendsEvent) expect(handled).toContain(`${stateId} ${step.sendsEvent}`);
    }
  });

  it('every state has a description', () => {
    for (const id of allStateIds(machine)) {
      const meta = machine.getStateNodeById(id).meta as { description?: string } | undefined;
      expect([id, (meta?.description ?? '').length > 0]).toEqual([id, true]);
    }
  });
});

describe('roles in the catalogue', () => {
  it('only the deadline worker reports a missed deadline; only the unit reports work; supervisors decide', () => {
    expect(rectificationEvents[DEADLINE_MISSED].roles).toEqual(['system']);
    expect(rectificationEvents.NOTIFY_UNIT.roles).toContain(clerk.role);
    for (const type of ['SUBMIT_PLAN', 'REPORT_PROGRESS', 'REPORT_COMPLETION'] as const) expect(rectificationEvents[type].roles).toEqual(['unitLiaison']);
    for (const type of ['ACCEPT_PLAN', 'SEND_BACK_PLAN', 'ASSESS_PASSED', 'ASSESS_FAILED', 'ESCALATE'] as const) expect(rectificationEvents[type].roles).toEqual(['supervisor']);
  });
});
