/**
 * The clue machine, tested from its own graph: every state is reached and every transition taken by
 * paths @xstate/graph generates from realistic sample events; every guard is tried on both sides with
 * XState's pure `transition`; the linked rectification request is checked against its own schema.
 */
import { initialTransition, transition, type SnapshotFrom, type StateValue } from 'xstate';
import { clue, clueEvents, clueInput, DECISION_OUTCOMES, type ClueContext, type ClueEvent, type DecisionOutcome } from '../../machines/clue';
import { rectificationInput } from '../../machines/rectification';
import { OPEN_LINKED_CASE, ROLES, SEND_NOTICE, type Actor, type CaseDefinition, type LinkedCaseRequest } from '../../machines/types';
import {
  allStateNodes,
  allTransitions,
  declaredDeadlines,
  exploreGraph,
  handledEventTypes,
  usedGuardNames,
  valueAnd,
} from '../support/machineGraph';

const machine = clue.machine;
type Snapshot = SnapshotFrom<typeof machine>;
type EventType = ClueEvent['type'];

// People. The official reported also sits on the conference: they must still take no part.
const clerk: Actor = { id: 'wang.fang', role: 'intakeClerk' };
const handler = 'zhao.lei';
const chair: Actor = { id: 'chen.jun', role: 'conferenceChair' };
const verifier: Actor = { id: 'sun.li', role: 'verifier' };
const otherVerifier: Actor = { id: 'he.ping', role: 'verifier' };
const organizationDepartment: Actor = { id: 'zhou.qing', role: 'organizationDepartment' };
const disciplineCommission: Actor = { id: 'wu.hong', role: 'disciplineCommission' };
const worker: Actor = { id: 'deadline-worker', role: 'system' };
const officialId = 'liu.qiang';
const subjectAsChair: Actor = { id: officialId, role: 'conferenceChair' };

const input = {
  ...clueInput.parse({
    aspect: 'slowResponseToPublic',
    summary: 'Residents of Block 7 reported a burst water main three times through 12345; the housing office head never replied.',
    channel: 'hotline',
    anonymous: true,
    subject: { officialId, name: 'Liu Qiang', post: 'Head of the Housing Office', unit: 'Wancheng District Housing Bureau' },
  }),
  caseId: 'case-clue-1',
  openedAt: '2026-03-02T09:15:00+08:00',
  openedBy: clerk,
};

/** The same clue from a named reporter: they are answered with the result before it closes. */
const namedInput = { ...input, anonymous: false };

// The valid event of each kind, as a caseworker would send it on the working days of March 2026.
const event = {
  REGISTER: { type: 'REGISTER', clueNumber: 'XS-2026-0001', handlerId: handler, actor: clerk, at: '2026-03-03T10:00:00+08:00' },
  ACCEPT: { type: 'ACCEPT', aspect: 'draggingFeet', actor: clerk, at: '2026-03-05T09:30:00+08:00' },
  DECLARE_OUT_OF_SCOPE: {
    type: 'DECLARE_OUT_OF_SCOPE',
    reason: 'The official is managed by the provincial commission',
    forwardedTo: 'Provincial Discipline Inspection Commission',
    actor: clerk,
    at: '2026-03-05T11:00:00+08:00',
  },
  CHOOSE_DISPOSAL: {
    type: 'CHOOSE_DISPOSAL',
    route: 'preliminaryVerification',
    reason: 'Three dated hotline records make the clue specific enough to check',
    actor: chair,
    at: '2026-03-09T15:00:00+08:00',
  },
  ASSIGN_VERIFIER: { type: 'ASSIGN_VERIFIER', verifierId: verifier.id, actor: chair, at: '2026-03-10T09:00:00+08:00' },
  RECORD_FINDINGS: {
    type: 'RECORD_FINDINGS',
    findings: 'The three hotline orders were signed for and left unanswered for 19, 23 and 30 days.',
    actor: verifier,
    at: '2026-03-20T16:00:00+08:00',
  },
  SET_ASIDE: {
    type: 'SET_ASIDE',
    reason: 'The delays cannot be fully ruled out, but the orders’ files are incomplete',
    actor: chair,
    at: '2026-03-23T10:00:00+08:00',
  },
  NEW_EVIDENCE: { type: 'NEW_EVIDENCE', evidence: 'A fourth hotline order about Block 7, unanswered for 21 days', actor: worker, at: '2026-04-14T08:00:00+08:00' },
  SUBMIT_TO_CONFERENCE: {
    type: 'SUBMIT_TO_CONFERENCE',
    note: 'Findings and the three hotline files attached',
    actor: verifier,
    at: '2026-03-23T11:00:00+08:00',
  },
  RECORD_OD_VIEW: {
    type: 'RECORD_OD_VIEW',
    view: 'A pattern of slow response; his annual review was "competent"',
    recommendedOutcome: 'rectificationOrdered',
    actor: organizationDepartment,
    at: '2026-03-25T10:00:00+08:00',
  },
  RECORD_DIC_VIEW: {
    type: 'RECORD_DIC_VIEW',
    view: 'No breach of discipline; a working-style problem',
    recommendedOutcome: 'admonished',
    actor: disciplineCommission,
    at: '2026-03-25T10:30:00+08:00',
  },
  DECIDE: {
    type: 'DECIDE',
    outcome: 'rectificationOrdered',
    reason: 'The office must fix how it answers hotline orders',
    actor: chair,
    at: '2026-03-26T16:00:00+08:00',
  },
  CLOSE: { type: 'CLOSE', note: 'Decision served and filed', actor: clerk, at: '2026-03-30T10:00:00+08:00' },
  FORWARD_TO_COMMISSION: {
    type: 'FORWARD_TO_COMMISSION',
    reason: 'A breach of discipline, for the commission to handle',
    commission: 'Wancheng District Discipline Inspection Commission',
    actor: clerk,
    at: '2026-03-05T11:30:00+08:00',
  },
  OPEN_FORMAL_INVESTIGATION: {
    type: 'OPEN_FORMAL_INVESTIGATION',
    reason: 'The findings point to a breach that needs a full investigation',
    standingCommitteeDecision: 'Standing committee meeting 2026-7, item 3',
    actor: chair,
    at: '2026-03-21T10:00:00+08:00',
  },
  ANSWER_REPORTER: {
    type: 'ANSWER_REPORTER',
    answer: 'Your clue was verified; the office must fix how it answers hotline orders',
    actor: clerk,
    at: '2026-03-27T10:00:00+08:00',
  },
  ANSWER_REPORTER_ACCEPTANCE: {
    type: 'ANSWER_REPORTER_ACCEPTANCE',
    answer: 'Your clue was accepted; the office is checking the hotline records',
    actor: clerk,
    at: '2026-03-06T10:00:00+08:00',
  },
  DEADLINE_ESCALATED: {
    type: 'DEADLINE_ESCALATED',
    deadlineKind: 'clueVerificationDue',
    escalatedTo: ['disciplineCommission'],
    actor: worker,
    at: '2026-04-02T09:00:00+08:00',
  },
} as const satisfies { [K in EventType]: Extract<ClueEvent, { type: K }> };

/** The answer a named reporter gets with an event that ends their clue before any decision. */
const ENDING_ANSWER = 'Your clue is outside this office’s remit; it was passed to the body that handles it';

const routeEvent = (route: (typeof event.CHOOSE_DISPOSAL)['route'] | 'talkOrWrittenInquiry' | 'setAsidePendingChecks' | 'closedNoCase'): ClueEvent => ({
  ...event.CHOOSE_DISPOSAL,
  route,
});
const decideEvent = (outcome: DecisionOutcome): ClueEvent => ({ ...event.DECIDE, outcome });

/** The sample events the graph is explored with: each valid event, its variants, and refused ones. */
const sampleEvents: ClueEvent[] = [
  ...Object.values(event),
  { ...event.REGISTER, actor: { id: officialId, role: 'intakeClerk' } },
  { ...event.REGISTER, handlerId: officialId },
  { ...event.DECLARE_OUT_OF_SCOPE, reason: '  ' },
  routeEvent('talkOrWrittenInquiry'),
  routeEvent('setAsidePendingChecks'),
  routeEvent('closedNoCase'),
  // the endings before a decision, as a named reporter's clue sends them: with the answer to the reporter
  { ...event.DECLARE_OUT_OF_SCOPE, reporterAnswer: ENDING_ANSWER },
  { ...event.FORWARD_TO_COMMISSION, reporterAnswer: ENDING_ANSWER },
  { ...event.CHOOSE_DISPOSAL, route: 'closedNoCase', reporterAnswer: ENDING_ANSWER },
  { ...event.CHOOSE_DISPOSAL, reason: undefined },
  { ...event.ASSIGN_VERIFIER, verifierId: officialId },
  { ...event.RECORD_FINDINGS, actor: otherVerifier },
  { ...event.SET_ASIDE, reason: '' },
  ...DECISION_OUTCOMES.filter((o) => o !== event.DECIDE.outcome).map(decideEvent),
  { ...event.DECIDE, reason: undefined },
  { ...event.DECIDE, actor: subjectAsChair },
];

/**
 * A graph vertex is the state value plus which facts are recorded, not their text: set-aside rounds
 * append to the context, and the whole context would make the graph infinite.
 */
const situation = valueAnd((c: ClueContext) => ({
  registered: c.clueNumber !== null,
  accepted: c.acceptance !== null,
  verifier: c.verifierId !== null,
  findings: c.findings !== null,
  earlierRound: c.earlierFindings.length > 0,
  setAside: c.setAsides.length > 0,
  organizationDepartment: c.views.organizationDepartment !== null,
  disciplineCommission: c.views.disciplineCommission !== null,
  result: c.outcome?.result ?? null,
  closed: c.closure !== null,
  answered: (c.reporterAnswer ?? null) !== null,
  toldOfAcceptance: (c.acceptanceAnswer ?? null) !== null,
}));

const explore = (strategy: 'shortest' | 'simple', from = input) =>
  // a red card changes only the escalations it appends: it is taken by the probe at each path's end, not walked on
  exploreGraph(machine, { strategy, events: sampleEvents, input: from, serializeState: situation, probeEnds: true });
const shortest = explore('shortest');
const simple = explore('simple');
const namedShortest = explore('shortest', namedInput);
/** The transitions only a named reporter's clue takes: the endings that answer them, the acceptance answer, the result answer. */
const NAMED_ONLY = [
  'clue.screening.acceptance DECLARE_OUT_OF_SCOPE#0',
  'clue.screening.acceptance FORWARD_TO_COMMISSION#0',
  'clue.screening.collectiveReview CHOOSE_DISPOSAL#0',
  ...['screening.collectiveReview', 'verification', 'formalInvestigation', 'setAside', 'jointConference', 'decision'].map((state) => `clue.${state} ANSWER_REPORTER_ACCEPTANCE#0`),
  'clue.decision ANSWER_REPORTER#0',
];
/** The transitions only an anonymous reporter's clue takes: the same endings, with no one to answer. */
const ANONYMOUS_ONLY = [
  'clue.screening.acceptance DECLARE_OUT_OF_SCOPE#1',
  'clue.screening.acceptance FORWARD_TO_COMMISSION#1',
  'clue.screening.collectiveReview CHOOSE_DISPOSAL#1',
];

/** Plays events from the start; every one must be accepted. */
function play(...events: ClueEvent[]): { snapshot: Snapshot; actions: { type: string; params?: unknown }[] } {
  return playFrom(input, ...events);
}

/** Plays events from the start of a clue opened with `from`; every one must be accepted. */
function playFrom(from: typeof input, ...events: ClueEvent[]): { snapshot: Snapshot; actions: { type: string; params?: unknown }[] } {
  let [snapshot, actions] = initialTransition(machine, from);
  for (const e of events) {
    const [next, nextActions] = transition(machine, snapshot, e);
    if (next === snapshot) throw new Error(`${e.type} was refused in ${JSON.stringify(snapshot.value)}`);
    snapshot = next;
    actions = nextActions;
  }
  return { snapshot, actions };
}

/** Sends one event and expects a refusal: the very same snapshot back (nothing changed), no action. */
function expectRefused(snapshot: Snapshot, e: ClueEvent): void {
  const [next, actions] = transition(machine, snapshot, e);
  expect(next).toBe(snapshot);
  expect(actions).toEqual([]);
}

/** Sends one event and expects it to be accepted; returns the new snapshot. */
function expectAllowed(snapshot: Snapshot, e: ClueEvent): Snapshot {
  const [next] = transition(machine, snapshot, e);
  expect(next).not.toBe(snapshot);
  return next;
}

// Where each event applies: the events that lead there.
const toAcceptance = [event.REGISTER];
const toReview = [...toAcceptance, event.ACCEPT];
const toVerification = [...toReview, event.CHOOSE_DISPOSAL];
const toVerifierAssigned = [...toVerification, event.ASSIGN_VERIFIER];
const toFindings = [...toVerifierAssigned, event.RECORD_FINDINGS];
const toSetAside = [...toFindings, event.SET_ASIDE];
const toConference = [...toFindings, event.SUBMIT_TO_CONFERENCE];
const toBothViews = [...toConference, event.RECORD_OD_VIEW, event.RECORD_DIC_VIEW];
const toDecided = [...toBothViews, event.DECIDE];

const scenarios: { [K in EventType]: { before: ClueEvent[]; event: Extract<ClueEvent, { type: K }>; named?: true } } = {
  REGISTER: { before: [], event: event.REGISTER },
  ACCEPT: { before: toAcceptance, event: event.ACCEPT },
  DECLARE_OUT_OF_SCOPE: { before: toAcceptance, event: event.DECLARE_OUT_OF_SCOPE },
  CHOOSE_DISPOSAL: { before: toReview, event: event.CHOOSE_DISPOSAL },
  ASSIGN_VERIFIER: { before: toVerification, event: event.ASSIGN_VERIFIER },
  RECORD_FINDINGS: { before: toVerifierAssigned, event: event.RECORD_FINDINGS },
  SET_ASIDE: { before: toFindings, event: event.SET_ASIDE },
  NEW_EVIDENCE: { before: toSetAside, event: event.NEW_EVIDENCE },
  SUBMIT_TO_CONFERENCE: { before: toFindings, event: event.SUBMIT_TO_CONFERENCE },
  RECORD_OD_VIEW: { before: toConference, event: event.RECORD_OD_VIEW },
  RECORD_DIC_VIEW: { before: toConference, event: event.RECORD_DIC_VIEW },
  DECIDE: { before: toBothViews, event: event.DECIDE },
  CLOSE: { before: toDecided, event: event.CLOSE },
  ANSWER_REPORTER: { before: toDecided, event: event.ANSWER_REPORTER, named: true },
  FORWARD_TO_COMMISSION: { before: toAcceptance, event: event.FORWARD_TO_COMMISSION },
  OPEN_FORMAL_INVESTIGATION: { before: toFindings, event: event.OPEN_FORMAL_INVESTIGATION },
  ANSWER_REPORTER_ACCEPTANCE: { before: toReview, event: event.ANSWER_REPORTER_ACCEPTANCE, named: true },
  DEADLINE_ESCALATED: { before: toVerification, event: event.DEADLINE_ESCALATED },
};
const eventTypes = Object.keys(clueEvents) as EventType[];

describe('clue machine: generated paths', () => {
  it.each([
    ['shortest', shortest],
    ['simple', simple],
  ] as const)('%s paths reach every state node, the outcomes under decision included', (_strategy, coverage) => {
    expect(coverage.paths.length).toBeGreaterThan(20);
    expect(coverage.missingStates).toEqual([]);
    expect(coverage.statesReached).toContain('clue.decision.rectificationOrdered');
  });

  it('simple paths take every transition, every disposal route and decision outcome included', () => {
    // an anonymous reporter is never answered: those transitions are a named clue's
    expect(simple.missingTransitions.map((t) => t.key)).toEqual(NAMED_ONLY);
    // 18 events, three of them also taken in a formal investigation and the acceptance answer in the 6 states after
    // acceptance; the 3 endings before a decision have a named and an anonymous branch each; CHOOSE_DISPOSAL has
    // 4 guarded branches (its ending twice) and DECIDE 5.
    expect(allTransitions(machine)).toHaveLength(35);
  });

  it('shortest paths take every transition too: each one records a new fact', () => {
    expect(shortest.missingTransitions.map((t) => t.key)).toEqual(NAMED_ONLY);
    expect(namedShortest.missingTransitions.map((t) => t.key)).toEqual(ANONYMOUS_ONLY);
    expect(namedShortest.missingStates).toEqual([]);
  });

  it('every path ends with a context that survives persistence as JSON', () => {
    for (const { state } of shortest.paths) {
      const stored = JSON.parse(JSON.stringify(state)) as { value: StateValue; context: ClueContext };
      expect(stored.context).toEqual(state.context);
      const restored = machine.resolveState({ value: stored.value, context: stored.context });
      expect(restored.value).toEqual(state.value);
      expect(restored.context).toEqual(state.context);
    }
  });

  it('every final state says in the context how the clue ended', () => {
    const endings = shortest.paths.filter((p) => p.state.status === 'done');
    expect(new Set(endings.map((p) => p.state.context.outcome?.result))).toEqual(
      new Set(['outOfScope', 'closedNoCase', 'forwardedToCommission', ...DECISION_OUTCOMES]),
    );
    for (const { state } of endings) expect(state.context.outcome?.reason).not.toBe('');
  });
});

describe('clue machine: the rules (guards), each on both sides', () => {
  it.each(eventTypes)('the official reported may not send %s on the clue about them', (type) => {
    const { before, event: e, named } = scenarios[type];
    const { snapshot } = playFrom(named ? namedInput : input, ...before);
    expectRefused(snapshot, { ...e, actor: { id: officialId, role: e.actor.role } });
    expectAllowed(snapshot, e);
  });

  it('a clue cannot be handed to the official it is about', () => {
    const start = play().snapshot;
    expectRefused(start, { ...event.REGISTER, handlerId: officialId });
    expect(expectAllowed(start, event.REGISTER).context.handlerId).toBe(handler);
  });

  it('the official reported cannot be named verifier of the clue about them', () => {
    const { snapshot } = play(...toVerification);
    expectRefused(snapshot, { ...event.ASSIGN_VERIFIER, verifierId: officialId });
    expect(expectAllowed(snapshot, event.ASSIGN_VERIFIER).context.verifierId).toBe(verifier.id);
  });

  it.each([
    ['declaring a clue out of scope', toAcceptance, event.DECLARE_OUT_OF_SCOPE],
    ['choosing a disposal route', toReview, event.CHOOSE_DISPOSAL],
    ['setting a clue aside', toFindings, event.SET_ASIDE],
    ['a conference decision', toBothViews, event.DECIDE],
  ] as const)('%s without a reason is refused; with one it goes ahead', (_what, before, e) => {
    const { snapshot } = play(...before);
    expectRefused(snapshot, { ...e, reason: undefined });
    expectRefused(snapshot, { ...e, reason: ' \n ' });
    expectAllowed(snapshot, e);
  });

  it('findings are recorded only by the verifier assigned to the clue', () => {
    const unassigned = play(...toVerification).snapshot;
    expectRefused(unassigned, event.RECORD_FINDINGS);
    const assigned = play(...toVerifierAssigned).snapshot;
    expectRefused(assigned, { ...event.RECORD_FINDINGS, actor: otherVerifier });
    expect(expectAllowed(assigned, event.RECORD_FINDINGS).context.findings).toEqual({
      text: event.RECORD_FINDINGS.findings,
      by: verifier.id,
      at: event.RECORD_FINDINGS.at,
    });
  });

  it('a clue goes to the joint conference only once the findings are recorded', () => {
    expectRefused(play(...toVerifierAssigned).snapshot, event.SUBMIT_TO_CONFERENCE);
    expect(expectAllowed(play(...toFindings).snapshot, event.SUBMIT_TO_CONFERENCE).value).toBe('jointConference');
  });

  it('new evidence on a set-aside clue opens a new verification round that needs its own findings', () => {
    const { snapshot } = play(...toSetAside, event.NEW_EVIDENCE);
    expect(snapshot.value).toBe('verification');
    expect(snapshot.context.findings).toBeNull();
    expect(snapshot.context.earlierFindings).toHaveLength(1);
    expectRefused(snapshot, event.SUBMIT_TO_CONFERENCE);
    const again = expectAllowed(snapshot, { ...event.RECORD_FINDINGS, at: '2026-04-24T16:00:00+08:00' });
    expect(expectAllowed(again, event.SUBMIT_TO_CONFERENCE).value).toBe('jointConference');
  });

  it('a conference decision without the Discipline Inspection Commission’s view is refused', () => {
    expectRefused(play(...toConference, event.RECORD_OD_VIEW).snapshot, event.DECIDE);
  });

  it('a conference decision without the Organization Department’s view is refused', () => {
    expectRefused(play(...toConference, event.RECORD_DIC_VIEW).snapshot, event.DECIDE);
  });

  it('a conference decision with both departments’ views goes ahead', () => {
    const decided = expectAllowed(play(...toBothViews).snapshot, event.DECIDE);
    expect(decided.value).toEqual({ decision: 'rectificationOrdered' });
    expect(decided.context.views.organizationDepartment?.recommendedOutcome).toBe('rectificationOrdered');
    expect(decided.context.views.disciplineCommission?.recommendedOutcome).toBe('admonished');
  });

  it.each([
    ['talkOrWrittenInquiry', 'verification'],
    ['preliminaryVerification', 'verification'],
    ['setAsidePendingChecks', 'setAside'],
    ['closedNoCase', 'closedNoCase'],
  ] as const)('the collective review’s route %s leads to %s, and only there', (route, target) => {
    const { snapshot } = play(...toReview, routeEvent(route));
    expect(snapshot.value).toBe(target);
    expect(snapshot.context.disposal).toEqual({ route, reason: event.CHOOSE_DISPOSAL.reason, by: chair.id, at: event.CHOOSE_DISPOSAL.at });
  });

  it.each(DECISION_OUTCOMES)('the conference outcome %s leads to its decision state, then to closed', (outcome) => {
    const { snapshot } = play(...toBothViews, decideEvent(outcome));
    expect(snapshot.value).toEqual({ decision: outcome });
    const closed = expectAllowed(snapshot, event.CLOSE);
    expect(closed.value).toBe('closed');
    expect(closed.status).toBe('done');
    expect(closed.context.outcome).toEqual({
      result: outcome,
      reason: event.DECIDE.reason,
      by: chair.id,
      at: event.DECIDE.at,
      forwardedTo: null,
    });
    expect(closed.context.closure).toEqual({ note: event.CLOSE.note, by: clerk.id, at: event.CLOSE.at });
  });

  it('a clue declared out of scope records where it was forwarded', () => {
    const { snapshot } = play(...toAcceptance, event.DECLARE_OUT_OF_SCOPE);
    expect(snapshot.value).toBe('outOfScope');
    expect(snapshot.context.outcome).toMatchObject({ result: 'outOfScope', forwardedTo: 'Provincial Discipline Inspection Commission' });
  });

  it('a red card on a clue limit is recorded in the case and puts it under the supervision the ladder escalates it to', () => {
    const { snapshot } = play(...toVerification, event.DEADLINE_ESCALATED);
    expect(snapshot.value).toBe('verification');
    expect(snapshot.context.escalations).toEqual([{ kind: 'clueVerificationDue', at: event.DEADLINE_ESCALATED.at, level: 1, to: ['disciplineCommission'] }]);
    expect(snapshot.context.supervision).toEqual({ by: ['disciplineCommission'], deadlineKind: 'clueVerificationDue', since: event.DEADLINE_ESCALATED.at, level: 1 });
    const again = expectAllowed(snapshot, { ...event.DEADLINE_ESCALATED, deadlineKind: 'clueOrganizationDepartmentViewDue', escalatedTo: ['organizationDepartment'] });
    expect(again.context.escalations).toHaveLength(2);
    expect(again.context.supervision).toMatchObject({ by: ['organizationDepartment'], level: 2 });
  });

  it('a named reporter is answered with the result through a notice, once, before the clue closes', () => {
    const decided = playFrom(namedInput, ...toDecided).snapshot;
    expectRefused(decided, event.CLOSE);
    const [answered, actions] = transition(machine, decided, event.ANSWER_REPORTER);
    expect(answered.context.reporterAnswer).toEqual({ text: event.ANSWER_REPORTER.answer, by: clerk.id, at: event.ANSWER_REPORTER.at });
    expect(actions.filter((a) => a.type === SEND_NOTICE).map((a) => a.params)).toEqual([
      { recipient: 'reporter', step: 'reporterAnswer', subject: 'The result of your clue XS-2026-0001', body: event.ANSWER_REPORTER.answer },
    ]);
    expectRefused(answered, event.ANSWER_REPORTER);
    expect(expectAllowed(answered, event.CLOSE).value).toBe('closed');
  });

  it('an anonymous reporter is not answered: their clue closes without it', () => {
    const decided = play(...toDecided).snapshot;
    expectRefused(decided, event.ANSWER_REPORTER);
    expect(expectAllowed(decided, event.CLOSE).value).toBe('closed');
  });

  it('a named reporter is told once, through a notice, that their clue was accepted, in any state after acceptance', () => {
    expectRefused(playFrom(namedInput, ...toAcceptance).snapshot, event.ANSWER_REPORTER_ACCEPTANCE);
    for (const before of [toReview, toVerification, toSetAside, toConference, toDecided]) {
      const [told, actions] = transition(machine, playFrom(namedInput, ...before).snapshot, event.ANSWER_REPORTER_ACCEPTANCE);
      expect(told.context.acceptanceAnswer).toEqual({ text: event.ANSWER_REPORTER_ACCEPTANCE.answer, by: clerk.id, at: event.ANSWER_REPORTER_ACCEPTANCE.at });
      expect(actions.filter((a) => a.type === SEND_NOTICE).map((a) => a.params)).toEqual([
        { recipient: 'reporter', step: 'reporterAcceptanceAnswer', subject: 'Your clue XS-2026-0001 was accepted for handling', body: event.ANSWER_REPORTER_ACCEPTANCE.answer },
      ]);
      expectRefused(told, event.ANSWER_REPORTER_ACCEPTANCE);
    }
  });

  it('a named reporter answered with the result is not told of the acceptance afterwards; an anonymous one is never told', () => {
    const answered = expectAllowed(playFrom(namedInput, ...toDecided).snapshot, event.ANSWER_REPORTER);
    expectRefused(answered, event.ANSWER_REPORTER_ACCEPTANCE);
    expectRefused(play(...toReview).snapshot, event.ANSWER_REPORTER_ACCEPTANCE);
  });

  it.each([
    ['declared out of scope', toAcceptance, event.DECLARE_OUT_OF_SCOPE, 'outOfScope', 'Your clue XS-2026-0001 is outside this office’s remit and was passed to Provincial Discipline Inspection Commission'],
    ['forwarded to the commission', toAcceptance, event.FORWARD_TO_COMMISSION, 'forwardedToCommission', 'Your clue XS-2026-0001 was forwarded to Wancheng District Discipline Inspection Commission, which handles it'],
    ['closed with no case', toReview, { ...event.CHOOSE_DISPOSAL, route: 'closedNoCase' as const }, 'closedNoCase', 'The result of your clue XS-2026-0001'],
  ] as const)('a clue from a named reporter %s answers them in the same event, never leaving the answer owed', (_how, before, ending, end, subject) => {
    const { snapshot } = playFrom(namedInput, ...before);
    expectRefused(snapshot, ending);
    const [ended, actions] = transition(machine, snapshot, { ...ending, reporterAnswer: ENDING_ANSWER });
    expect(ended).toMatchObject({ value: end, status: 'done' });
    expect(ended.context.reporterAnswer).toEqual({ text: ENDING_ANSWER, by: ending.actor.id, at: ending.at });
    expect(actions.filter((a) => a.type === SEND_NOTICE).map((a) => a.params)).toEqual([{ recipient: 'reporter', step: 'reporterAnswer', subject, body: ENDING_ANSWER }]);
    // an anonymous reporter has no one to answer: the same ending with an answer is refused, without one it goes ahead
    const anonymous = play(...before).snapshot;
    expectRefused(anonymous, { ...ending, reporterAnswer: ENDING_ANSWER });
    const [quiet, quietActions] = transition(machine, anonymous, ending);
    expect(quiet.value).toBe(end);
    expect(quiet.context.reporterAnswer).toBeNull();
    expect(quietActions.filter((a) => a.type === SEND_NOTICE)).toEqual([]);
  });

  it('a reporter’s answer goes only with the disposal route that ends the clue', () => {
    const parsed = clueEvents.CHOOSE_DISPOSAL.payload.safeParse({ route: 'preliminaryVerification', reason: 'Checkable', reporterAnswer: ENDING_ANSWER });
    expect(parsed.error?.issues).toEqual([expect.objectContaining({ path: ['reporterAnswer'], message: expect.stringContaining('closedNoCase') })]);
    expect(clueEvents.CHOOSE_DISPOSAL.payload.safeParse({ route: 'closedNoCase', reason: 'Already concluded', reporterAnswer: ENDING_ANSWER }).success).toBe(true);
  });

  it('a verification may be turned into a formal investigation, which records its own findings before the conference', () => {
    const { snapshot } = play(...toFindings, event.OPEN_FORMAL_INVESTIGATION);
    expect(snapshot.value).toBe('formalInvestigation');
    expect(snapshot.context.formalInvestigation).toEqual({
      reason: event.OPEN_FORMAL_INVESTIGATION.reason,
      standingCommitteeDecision: event.OPEN_FORMAL_INVESTIGATION.standingCommitteeDecision,
      by: chair.id,
      at: event.OPEN_FORMAL_INVESTIGATION.at,
    });
    expect(snapshot.context.earlierFindings).toHaveLength(1);
    expectRefused(snapshot, event.SUBMIT_TO_CONFERENCE);
    const found = expectAllowed(snapshot, { ...event.RECORD_FINDINGS, at: '2026-05-20T16:00:00+08:00' });
    expect(expectAllowed(found, event.SUBMIT_TO_CONFERENCE).value).toBe('jointConference');
    expectRefused(play(...toFindings).snapshot, { ...event.OPEN_FORMAL_INVESTIGATION, reason: ' ' });
  });

  it('a clue outside the office’s remit is forwarded to the Discipline Inspection Commission and closed with that outcome', () => {
    const { snapshot } = play(...toAcceptance, event.FORWARD_TO_COMMISSION);
    expect(snapshot.value).toBe('forwardedToCommission');
    expect(snapshot.status).toBe('done');
    expect(snapshot.context.outcome).toEqual({
      result: 'forwardedToCommission',
      reason: event.FORWARD_TO_COMMISSION.reason,
      by: clerk.id,
      at: event.FORWARD_TO_COMMISSION.at,
      forwardedTo: 'Wancheng District Discipline Inspection Commission',
    });
  });

  it('acceptance may correct the aspect the clue was filed under', () => {
    expect(play(...toReview).snapshot.context.aspect).toBe('draggingFeet');
    expect(play(...toAcceptance, { ...event.ACCEPT, aspect: undefined }).snapshot.context.aspect).toBe('slowResponseToPublic');
  });

  it('every guard the machine uses has a rule a caseworker can read, and every rule is used', () => {
    expect(usedGuardNames(machine)).toEqual(Object.keys(clue.guardRules).sort());
    for (const rule of Object.values(clue.guardRules)) expect(rule.length).toBeGreaterThan(10);
  });
});

describe('clue machine: the linked rectification case', () => {
  it('entering rectificationOrdered asks the engine to open a rectification case whose input is valid', () => {
    const { snapshot, actions } = play(...toDecided);
    expect(snapshot.value).toEqual({ decision: 'rectificationOrdered' });
    const requests = actions.filter((a) => a.type === OPEN_LINKED_CASE);
    expect(requests).toHaveLength(1);
    const request = requests[0]!.params as LinkedCaseRequest;
    expect(request.caseType).toBe('rectification');
    const parsed = rectificationInput.parse(request.input);
    expect(parsed).toMatchObject({
      unit: 'Wancheng District Housing Bureau',
      airedAt: event.DECIDE.at,
      sourceCaseId: input.caseId,
      timeZone: 'Asia/Shanghai',
      planDueMinutes: 7 * 24 * 60,
    });
    expect(parsed.report).toContain('XS-2026-0001');
    expect(parsed.report).toContain('Liu Qiang');
    // The report carries a title, not the reporter's words.
    expect(JSON.stringify(request)).not.toContain(input.summary);
  });

  it.each(DECISION_OUTCOMES.filter((o) => o !== 'rectificationOrdered'))('deciding %s opens no linked case', (outcome) => {
    expect(play(...toBothViews, decideEvent(outcome)).actions.filter((a) => a.type === OPEN_LINKED_CASE)).toEqual([]);
  });
});

describe('clue case definition', () => {
  it('is a case definition the engine can list beside the others', () => {
    const definition: CaseDefinition = clue;
    expect(definition).toMatchObject({ type: 'clue', machineVersion: 1, createRoles: ['intakeClerk', 'reporter', 'system'] });
  });

  it.each(eventTypes)('%s declares who may send it, and its payload rejects unknown fields', (type) => {
    const spec = clueEvents[type];
    expect(spec.roles.length).toBeGreaterThan(0);
    for (const role of spec.roles) expect(ROLES).toContain(role);
    const { type: _type, actor: _actor, at: _at, ...payload } = scenarios[type].event;
    expect(spec.payload.safeParse(payload).success).toBe(true);
    expect(spec.payload.safeParse({ ...payload, reporterName: 'Zhang San' }).success).toBe(false);
  });

  it('the catalogue and the machine know the same events', () => {
    expect(handledEventTypes(machine)).toEqual([...eventTypes].sort());
  });

  it('the opening payload carries no reporter identity and rejects unknown fields', () => {
    const raw = { aspect: 'goingThroughMotions', summary: 'x', channel: 'form', anonymous: false, subject: input.subject };
    expect(clueInput.safeParse(raw).success).toBe(true);
    expect(clueInput.safeParse({ ...raw, reporter: { name: 'Zhang San', phone: '13800000000' } }).success).toBe(false);
    expect(clueInput.safeParse({ ...raw, subject: { ...input.subject, age: 50 } }).success).toBe(false);
    expect(clueInput.safeParse({ ...raw, aspect: 'lazy' }).success).toBe(false);
    expect(clueInput.safeParse({ ...raw, timeZone: 'Mars/Olympus_Mons' }).success).toBe(false);
    expect(clueInput.parse(raw).timeZone).toBe('Asia/Shanghai');
  });

  it('the handling unit defaults to the unit of the official reported', () => {
    expect(play().snapshot.context.unit).toBe('Wancheng District Housing Bureau');
    const [other] = initialTransition(machine, { ...input, unit: 'Wancheng District Commission Office' });
    expect(other.context.unit).toBe('Wancheng District Commission Office');
  });

  it('indexes the unit, the handler then the verifier as assignee, and the official reported', () => {
    expect(clue.index(play().snapshot.context)).toEqual({
      unit: 'Wancheng District Housing Bureau',
      assignee: null,
      subjectId: officialId,
      timeZone: 'Asia/Shanghai',
    });
    expect(clue.index(play(...toAcceptance).snapshot.context).assignee).toBe(handler);
    expect(clue.index(play(...toVerifierAssigned).snapshot.context).assignee).toBe(verifier.id);
  });

  it('takes its time from the events, never from the clock', () => {
    const { snapshot } = play(...toReview);
    expect(snapshot.context.registeredAt).toBe(event.REGISTER.at);
    expect(snapshot.context.acceptance).toEqual({ by: clerk.id, at: event.ACCEPT.at });
    expect(snapshot.context.openedAt).toBe(input.openedAt);
  });

  it('declares the working-day limits of clue handling, each with its basis', () => {
    const deadlines = declaredDeadlines(machine);
    for (const { spec } of deadlines) {
      expect(spec.basis.length).toBeGreaterThan(20);
      expect(spec.ladder.map((s) => s.name)).toEqual(['remind', 'overdue', 'escalate']);
      // no silent red card: every clue limit sends its escalation into the case
      expect(spec.ladder.at(-1)).toMatchObject({ warning: 'red', sendsEvent: 'DEADLINE_ESCALATED' });
    }
    expect(deadlines.map(({ stateId, spec }) => [stateId, spec.kind, spec.limit])).toEqual([
      // on the root, from the receipt, across every state until met: only for a named reporter
      ['clue', 'clueAcceptanceAnswerDue', { kind: 'workingDays', days: 15 }],
      ['clue.received', 'clueRegistrationDue', { kind: 'workingDays', days: 5 }],
      ['clue.screening.acceptance', 'clueAcceptanceDue', { kind: 'workingDays', days: 5 }],
      ['clue.screening.collectiveReview', 'clueDisposalDue', { kind: 'workingDays', days: 3 }],
      ['clue.verification', 'clueVerificationDue', { kind: 'workingDays', days: 15 }],
      ['clue.formalInvestigation', 'clueInvestigationDue', { kind: 'duration', minutes: 90 * 24 * 60 }],
      ['clue.jointConference', 'clueConferenceDue', { kind: 'workingDays', days: 10 }],
      // each department's own limit for its view
      ['clue.jointConference', 'clueOrganizationDepartmentViewDue', { kind: 'workingDays', days: 5 }],
      ['clue.jointConference', 'clueDisciplineCommissionViewDue', { kind: 'workingDays', days: 5 }],
      ['clue.decision', 'clueClosureDue', { kind: 'workingDays', days: 5 }],
      // only for a named reporter, met by the answer
      ['clue.decision', 'clueReporterAnswerDue', { kind: 'workingDays', days: 15 }],
    ]);
    expect(deadlines.at(-1)!.spec).toMatchObject({ metBy: ['ANSWER_REPORTER'], onlyWhen: { contextField: 'anonymous', is: false } });
    expect(deadlines[0]!.spec).toMatchObject({
      from: { contextField: 'openedAt' },
      metBy: ['ANSWER_REPORTER_ACCEPTANCE', 'ANSWER_REPORTER'],
      onlyWhen: { contextField: 'anonymous', is: false },
    });
    // accepted or re-routed within 5 working days of the receipt, not of the registration
    expect(deadlines.find(({ spec }) => spec.kind === 'clueAcceptanceDue')!.spec.from).toEqual({ contextField: 'openedAt' });
  });

  it('describes every state for caseworkers', () => {
    const undescribed = allStateNodes(machine)
      .filter((node) => !(node.meta as { description?: string } | undefined)?.description)
      .map((node) => node.id);
    expect(undescribed).toEqual([]);
  });
});
