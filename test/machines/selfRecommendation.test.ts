/**
 * The self-recommendation machine, read as the procedure it models: the channel passes the
 * recommendation on, eligibility is checked, the Organization Department inspects, a joint
 * conference guards against fraud, concealment and favouritism, the appointment is publicly
 * noticed, and a year's probation ends in confirmation or revocation.
 *
 * Paths come from the machine graph (@xstate/graph); guards are tested on both sides with XState's
 * pure `transition`, and a refused event must leave the snapshot exactly as it was.
 */
import { getShortestPaths } from '@xstate/graph';
import { initialTransition, transition, type SnapshotFrom } from 'xstate';
import { DEADLINE_ESCALATED, DEADLINE_MISSED } from '../../machines/deadlines';
import {
  ASSESSMENT_GRADES,
  PROBATION_MINUTES,
  PUBLIC_NOTICE_DEADLINE,
  integrityConcerns,
  selfRecommendation,
  selfRecommendationEvents,
  selfRecommendationInput,
  type SelfRecommendationEvent,
} from '../../machines/selfRecommendation';
import { ROLES, type Actor, type StateMeta } from '../../machines/types';
import { refusingGuards } from '../../src/engine/machineRuntime';
import {
  allStateIds,
  allTransitions,
  coverageOf,
  declaredDeadlines,
  handledEventTypes,
  usedGuardNames,
  valueAnd,
} from '../support/machineGraph';

const { machine } = selfRecommendation;
type Snapshot = SnapshotFrom<typeof machine>;
type EventOf<T extends SelfRecommendationEvent['type']> = Extract<SelfRecommendationEvent, { type: T }>;
type Payload<T extends SelfRecommendationEvent['type']> = Omit<EventOf<T>, 'type' | 'actor' | 'at'>;

// ---------------------------------------------------------------------------------------------
// The people and the timeline of one case
// ---------------------------------------------------------------------------------------------

const people = {
  candidate: { id: 'official-zhang-wei', role: 'official' },
  /** The candidate acting in a caseworker role: every verification or decision must refuse them. */
  candidateAsOd: { id: 'official-zhang-wei', role: 'organizationDepartment' },
  clerk: { id: 'clerk-liu', role: 'intakeClerk' },
  /** The responsible person of the candidate's Party organization: the channel the case comes through. */
  partyHead: { id: 'party-head-sun', role: 'partyOrganizationHead' },
  /** Another unit's Party organization head: holds a channel, not this one. */
  otherPartyHead: { id: 'party-head-qian', role: 'partyOrganizationHead' },
  mainLeader: { id: 'leader-gao', role: 'mainLeader' },
  od: { id: 'od-chen', role: 'organizationDepartment' },
  dic: { id: 'dic-wang', role: 'disciplineCommission' },
  chair: { id: 'chair-zhao', role: 'conferenceChair' },
  worker: { id: 'deadline-worker', role: 'system' },
} satisfies Record<string, Actor>;

/** Moments of a case opened on Monday 1 June 2026, Asia/Shanghai. */
const at = {
  opened: '2026-06-01T09:00:00+08:00',
  forwardingDue: '2026-06-05T23:59:59+08:00',
  forwarded: '2026-06-03T10:00:00+08:00',
  /** A working day after the forwarding limit: the red card. */
  forwardingEscalated: '2026-06-08T23:59:59+08:00',
  eligibility: '2026-06-10T15:00:00+08:00',
  inspection: '2026-06-24T16:00:00+08:00',
  odView: '2026-06-29T10:00:00+08:00',
  dicView: '2026-06-29T10:30:00+08:00',
  decided: '2026-06-30T11:00:00+08:00',
  objection: '2026-07-02T09:30:00+08:00',
  /** Five working days after the decision: the notice ends at the end of Tuesday 7 July. */
  noticeEnds: '2026-07-07T23:59:59+08:00',
  noticeClosed: '2026-07-08T09:00:00+08:00',
  assessed: '2027-01-15T10:00:00+08:00',
  /** One year after the probation began (8 July 2026 09:00). */
  probationEnds: '2027-07-08T09:00:00+08:00',
  confirmed: '2027-07-12T10:00:00+08:00',
};

const rawInput = {
  candidate: {
    officialId: 'official-zhang-wei',
    name: 'Zhang Wei',
    currentPost: 'Deputy director, Wolong District Agriculture Bureau',
    unit: 'Wolong District Agriculture Bureau',
  },
  targetPost: 'Director, Wolong District Rural Revitalization Bureau',
  channel: 'partyOrganization',
  channelHolderId: 'party-head-sun',
  statement: 'I led the district’s high-standard farmland project to completion a year early and ask to be considered for the post.',
  evidence: ['Farmland project acceptance report, 2025', 'Annual review 2025: excellent'],
};

const input = {
  ...selfRecommendationInput.parse(rawInput),
  caseId: 'SR-2026-0001',
  openedAt: at.opened,
  openedBy: people.candidate,
};

/** A machine event: payload, actor and moment. */
function ev<T extends SelfRecommendationEvent['type']>(type: T, actor: Actor, when: string, payload: Payload<T>): EventOf<T> {
  return { type, actor, at: when, ...payload } as EventOf<T>;
}

/** Realistic payloads, one or more per event type. */
const payloads = {
  forward: { note: 'Passed on unopened to the Organization Department of the municipal committee' } satisfies Payload<'FORWARD'>,
  eligible: {
    eligible: true,
    checks: { qualifications: 'passed', record: 'passed', integrity: 'passed' },
    notes: 'Two years in post, meets the grade requirement',
    reason: 'Meets the qualifications for the post; clean record; no integrity concerns on file',
  } satisfies Payload<'RECORD_ELIGIBILITY'>,
  ineligible: {
    eligible: false,
    checks: { qualifications: 'passed', record: 'failed', integrity: 'passed' },
    reason: 'A formal warning in 2025 has not yet expired',
  } satisfies Payload<'RECORD_ELIGIBILITY'>,
  inspection: {
    annualReviews: [
      { year: 2024, grade: 'competent' },
      { year: 2025, grade: 'excellent' },
    ],
    surveyResults: 'Democratic survey of 48 colleagues: 44 approve, 3 neutral, 1 against',
    rating: 'Good: delivers results, works well with the public',
  } satisfies Payload<'RECORD_INSPECTION'>,
  inspectionAfterObjection: {
    annualReviews: [{ year: 2025, grade: 'excellent' }],
    surveyResults: 'Follow-up talks with 6 colleagues named in the objection',
    rating: 'Good',
    objectionFindings: 'The project dates in the objection were checked against the acceptance report: the objection is unfounded',
  } satisfies Payload<'RECORD_INSPECTION'>,
  cleanView: {
    view: 'Recommended for appointment',
    fraudFound: false,
    concealmentFound: false,
    favouritismFound: false,
  } satisfies Payload<'RECORD_OD_VIEW'>,
  appoint: { outcome: 'appointed', reason: 'Strong results, both views clean, survey support above 90%' } satisfies Payload<'DECIDE'>,
  reject: { outcome: 'rejected', reason: 'Another candidate is better suited to the post' } satisfies Payload<'DECIDE'>,
  reserve: { outcome: 'reserved', reason: 'Suited to a similar post; kept in the talent pool' } satisfies Payload<'DECIDE'>,
  fraudView: {
    view: 'The acceptance report was backdated, and colleagues were asked to vote for him',
    fraudFound: true,
    concealmentFound: false,
    favouritismFound: true,
  } satisfies Payload<'RECORD_DIC_VIEW'>,
  rejectForMisconduct: {
    outcome: 'rejectedForMisconduct',
    misconduct: ['fraud', 'favouritism'],
    reason: 'The results were falsified and votes canvassed: rejected, and recorded',
  } satisfies Payload<'DECIDE'>,
  objection: {
    objection: 'The project was finished late, not early; the acceptance report was backdated',
  } satisfies Payload<'OBJECTION_RECEIVED'>,
  noticeEnded: { note: 'No objection received during the notice' } satisfies Payload<'NOTICE_PERIOD_ENDED'>,
  assessment: { period: 'First half of the probation', rating: 'competent' } satisfies Payload<'RECORD_ASSESSMENT'>,
  confirm: { reason: 'Probation served; assessed competent; no adverse public feedback' } satisfies Payload<'CONFIRM'>,
  revoke: { reason: 'Assessed incompetent in the probation: targets missed' } satisfies Payload<'REVOKE'>,
};

const events = {
  forward: ev('FORWARD', people.partyHead, at.forwarded, payloads.forward),
  forwardingMissed: ev(DEADLINE_MISSED, people.worker, at.forwardingDue, { deadlineKind: 'selfRecommendationForwardingDue' }),
  forwardingEscalated: ev(DEADLINE_ESCALATED, people.worker, at.forwardingEscalated, { deadlineKind: 'selfRecommendationForwardingDue' }),
  eligible: ev('RECORD_ELIGIBILITY', people.od, at.eligibility, payloads.eligible),
  ineligible: ev('RECORD_ELIGIBILITY', people.od, at.eligibility, payloads.ineligible),
  inspection: ev('RECORD_INSPECTION', people.od, at.inspection, payloads.inspection),
  inspectionAfterObjection: ev('RECORD_INSPECTION', people.od, at.inspection, payloads.inspectionAfterObjection),
  odView: ev('RECORD_OD_VIEW', people.od, at.odView, payloads.cleanView),
  dicView: ev('RECORD_DIC_VIEW', people.dic, at.dicView, payloads.cleanView),
  appoint: ev('DECIDE', people.chair, at.decided, payloads.appoint),
  reject: ev('DECIDE', people.chair, at.decided, payloads.reject),
  reserve: ev('DECIDE', people.chair, at.decided, payloads.reserve),
  dicFraudView: ev('RECORD_DIC_VIEW', people.dic, at.dicView, payloads.fraudView),
  rejectForMisconduct: ev('DECIDE', people.chair, at.decided, payloads.rejectForMisconduct),
  objection: ev('OBJECTION_RECEIVED', people.dic, at.objection, payloads.objection),
  noticeOver: ev(DEADLINE_MISSED, people.worker, at.noticeEnds, { deadlineKind: PUBLIC_NOTICE_DEADLINE }),
  noticeEnded: ev('NOTICE_PERIOD_ENDED', people.od, at.noticeClosed, payloads.noticeEnded),
  assessment: ev('RECORD_ASSESSMENT', people.od, at.assessed, payloads.assessment),
  confirm: ev('CONFIRM', people.od, at.confirmed, payloads.confirm),
  revoke: ev('REVOKE', people.chair, at.assessed, payloads.revoke),
};

// ---------------------------------------------------------------------------------------------
// Pure stepping helpers
// ---------------------------------------------------------------------------------------------

const persisted = (s: Snapshot): string => JSON.stringify(machine.getPersistedSnapshot(s));

const start = (): Snapshot => initialTransition(machine, input)[0];

/** A case opened through another channel (the holder named or not), otherwise the same. */
const startThrough = (channel: 'organizationDepartment' | 'mainLeaders', channelHolderId?: string): Snapshot =>
  initialTransition(machine, { ...input, channel, channelHolderId })[0];

/** Sends events one by one; each must be taken (the snapshot must change). */
function play(snapshot: Snapshot, ...sequence: SelfRecommendationEvent[]): Snapshot {
  return sequence.reduce((s, e) => {
    const [next] = transition(machine, s, e);
    if (persisted(next) === persisted(s)) {
      throw new Error(`${e.type} was refused in ${JSON.stringify(s.value)}: ${refusingGuards(selfRecommendation, s, e).join(', ')}`);
    }
    return next;
  }, snapshot);
}

/** Asserts the event is refused, names the guards that refused it, and returns them. */
function refused(snapshot: Snapshot, event: SelfRecommendationEvent): string[] {
  const [next] = transition(machine, snapshot, event);
  expect(persisted(next)).toBe(persisted(snapshot));
  expect(next.value).toEqual(snapshot.value);
  return refusingGuards(selfRecommendation, snapshot, event);
}

const atEligibilityCheck = () => play(start(), events.forward);
const atInspection = () => play(atEligibilityCheck(), events.eligible);
const atConference = () => play(atInspection(), events.inspection);
const withBothViews = () => play(atConference(), events.odView, events.dicView);
const atPublicNotice = () => play(withBothViews(), events.appoint);
const atNoticeEnd = () => play(atPublicNotice(), events.noticeOver);
const atProbation = () => play(atNoticeEnd(), events.noticeEnded);

// ---------------------------------------------------------------------------------------------
// The machine graph
// ---------------------------------------------------------------------------------------------

/** A graph vertex: the state plus the context facts the guards read, bounded so traversal ends. */
const serializeState = valueAnd<typeof machine>((c) => ({
  heldBack: c.missedDeadlines.length > 0,
  views: [c.views.organizationDepartment !== null, c.views.disciplineCommission !== null],
  concerns: integrityConcerns(c).length > 0,
  objected: c.objections.length > 0,
  objectionOpen: c.objections.some((o) => o.findings === null),
  noticeOver: c.noticeEndedAt !== null,
  assessed: c.assessments.length > 0,
}));

const sampleEvents: SelfRecommendationEvent[] = Object.values(events);
const traversal = { events: sampleEvents, input, serializeState, limit: 10_000 };

describe('the self-recommendation graph', () => {
  // One shortest path per vertex, and each followed by one step with every sample event: together they take every edge of
  // the graph (see coverageOf). All simple paths would take the same edges, but there are some 13,000 of them (90 s).
  const shortest = coverageOf(machine, getShortestPaths(machine, traversal));
  const probed = coverageOf(machine, shortest.paths, sampleEvents);

  it('reaches every state on a shortest path from submission', () => {
    expect(shortest.missingStates).toEqual([]);
    expect(allStateIds(machine)).toEqual([
      'selfRecommendation.submitted',
      'selfRecommendation.eligibilityCheck',
      'selfRecommendation.organizationalInspection',
      'selfRecommendation.jointConference',
      'selfRecommendation.publicNotice',
      'selfRecommendation.probation',
      'selfRecommendation.rejected',
      'selfRecommendation.rejectedForMisconduct',
      'selfRecommendation.reserved',
      'selfRecommendation.confirmed',
      'selfRecommendation.revoked',
    ]);
  });

  it('takes every transition (each branch of every event in every state) on a shortest path or the step after one', () => {
    // The one transition no path takes is taken at opening: the Organization Department's own channel (tested below).
    expect(probed.missingTransitions.map((t) => [t.eventType, t.guardNames])).toEqual([['', ['cameThroughOrganizationDepartment']]]);
    expect(probed.transitionsTaken.size).toBe(allTransitions(machine).length - 1);
  });

  it('ends every path in one of the five outcomes or in a state still open', () => {
    const finals = shortest.paths.filter((p) => p.state.status === 'done').map((p) => p.state.value as string);
    expect(new Set(finals)).toEqual(new Set(['rejected', 'rejectedForMisconduct', 'reserved', 'confirmed', 'revoked']));
    for (const path of shortest.paths.filter((p) => p.state.status === 'done')) {
      expect(path.state.context.outcome?.result).toBe(path.state.value);
    }
  });

  it('replays every shortest path with the pure transition function to the same graph vertex', () => {
    // A vertex is the state plus the guard-relevant facts, so the replay is compared as a vertex.
    for (const path of shortest.paths) {
      const replayed = path.steps.slice(1).reduce((s, step) => transition(machine, s, step.event)[0], start());
      expect(serializeState(replayed)).toBe(serializeState(path.state));
    }
  });
});

// ---------------------------------------------------------------------------------------------
// The procedure, stage by stage
// ---------------------------------------------------------------------------------------------

describe('submission and forwarding', () => {
  it('opens as submitted, with the statement, evidence, channel and its holder on file', () => {
    const s = start();
    expect(s.value).toBe('submitted');
    expect(s.context).toMatchObject({
      caseId: 'SR-2026-0001',
      targetPost: rawInput.targetPost,
      channel: 'partyOrganization',
      channelHolderId: 'party-head-sun',
      evidence: rawInput.evidence,
      timeZone: 'Asia/Shanghai',
      lastHandler: null,
    });
  });

  it('the holder of the channel passes the self-recommendation on to the eligibility check', () => {
    const s = atEligibilityCheck();
    expect(s.value).toBe('eligibilityCheck');
    expect(s.context.forwarding).toEqual({ by: 'party-head-sun', at: at.forwarded, note: payloads.forward.note, escalated: false });
    expect(s.context.lastHandler).toBe('party-head-sun');
  });

  it('only the holder of the channel it came through may pass it on', () => {
    const forwardAs = (actor: Actor) => ({ ...events.forward, actor });
    expect(refused(start(), forwardAs(people.otherPartyHead))).toEqual(['holdsChannel']);
    expect(refused(start(), forwardAs(people.mainLeader))).toEqual(['holdsChannel']);
    expect(refused(start(), forwardAs(people.od))).toEqual(['holdsChannel']);
    expect(selfRecommendation.guardRules.holdsChannel).toMatch(/Only the holder of the channel/);
  });

  it('a recommendation given to a main leader is passed on by that leader', () => {
    const s = startThrough('mainLeaders', 'leader-gao');
    expect(refused(s, { ...events.forward, actor: people.partyHead })).toEqual(['holdsChannel']);
    expect(refused(s, { ...events.forward, actor: { id: 'leader-ma', role: 'mainLeader' } })).toEqual(['holdsChannel']);
    expect(play(s, { ...events.forward, actor: people.mainLeader }).value).toBe('eligibilityCheck');
  });

  it('a recommendation made to the Organization Department goes straight to its eligibility check, with no forwarding limit', () => {
    const s = startThrough('organizationDepartment');
    expect(s.value).toBe('eligibilityCheck');
    expect(s.context).toMatchObject({ channel: 'organizationDepartment', channelHolderId: null, forwarding: null });
  });

  it('the red card of the forwarding limit hands the recommendation to the Organization Department’s eligibility check', () => {
    const s = play(start(), events.forwardingMissed, events.forwardingEscalated);
    expect(s.value).toBe('eligibilityCheck');
    expect(s.context.forwarding).toMatchObject({ by: 'deadline-worker', at: at.forwardingEscalated, escalated: true });
    expect(s.context.forwarding?.note).toContain('party-head-sun');
    expect(refused(start(), { ...events.forwardingEscalated, deadlineKind: 'eligibilityCheckDue' })).toEqual(['escalatesForwarding']);
  });

  it('a channel that holds it back past its deadline is put on record, and must still pass it on', () => {
    const held = play(start(), events.forwardingMissed);
    expect(held.value).toBe('submitted');
    expect(held.context.missedDeadlines).toEqual([{ kind: 'selfRecommendationForwardingDue', at: at.forwardingDue }]);
    expect(play(held, events.forward).value).toBe('eligibilityCheck');
  });

  it('the candidate cannot pass on their own self-recommendation', () => {
    expect(refused(start(), ev('FORWARD', { id: people.candidate.id, role: 'partyOrganizationHead' }, at.forwarded, {}))).toEqual(['holdsChannel', 'notOwnCase']);
  });
});

describe('eligibility check', () => {
  it('an eligible finding with qualifications, record and integrity all passed goes on to organizational inspection', () => {
    const s = atInspection();
    expect(s.value).toBe('organizationalInspection');
    expect(s.context.eligibility).toMatchObject({ eligible: true, reason: payloads.eligible.reason, by: 'od-chen' });
  });

  it('an eligible finding with a failed check is refused', () => {
    const failed = ev('RECORD_ELIGIBILITY', people.od, at.eligibility, {
      ...payloads.eligible,
      checks: { qualifications: 'passed', record: 'passed', integrity: 'failed' },
    });
    expect(refused(atEligibilityCheck(), failed)).toEqual(['allChecksPassed']);
  });

  it('a finding of not eligible rejects the self-recommendation, with the reason on record', () => {
    const s = play(atEligibilityCheck(), events.ineligible);
    expect(s.value).toBe('rejected');
    expect(s.status).toBe('done');
    expect(s.context.outcome).toEqual({
      result: 'rejected',
      stage: 'eligibilityCheck',
      reason: payloads.ineligible.reason,
      by: 'od-chen',
      at: at.eligibility,
    });
  });

  it.each([
    ['eligible', payloads.eligible],
    ['not eligible', payloads.ineligible],
  ])('a finding of %s without a reason is refused', (_, payload) => {
    const noReason = ev('RECORD_ELIGIBILITY', people.od, at.eligibility, { ...payload, reason: '  ' });
    expect(refused(atEligibilityCheck(), noReason)).toEqual(['hasReason']);
  });
});

describe('organizational inspection', () => {
  it('records annual reviews, survey results and a rating, then the joint conference sits', () => {
    const s = atConference();
    expect(s.value).toBe('jointConference');
    expect(s.context.inspections).toEqual([
      {
        annualReviews: payloads.inspection.annualReviews,
        surveyResults: payloads.inspection.surveyResults,
        rating: payloads.inspection.rating,
        objectionFindings: null,
        by: 'od-chen',
        at: at.inspection,
      },
    ]);
  });
});

describe('joint conference', () => {
  it('the Organization Department and the Discipline Inspection Commission each record their view', () => {
    const s = withBothViews();
    expect(s.value).toBe('jointConference');
    expect(s.context.views.organizationDepartment).toMatchObject({ by: 'od-chen', fraudFound: false });
    expect(s.context.views.disciplineCommission).toMatchObject({ by: 'dic-wang', favouritismFound: false });
  });

  it('a view can be revised before the decision', () => {
    const revised = ev('RECORD_OD_VIEW', people.od, at.dicView, { ...payloads.cleanView, view: 'Recommended, revised wording' });
    expect(play(withBothViews(), revised).context.views.organizationDepartment?.view).toBe('Recommended, revised wording');
  });

  it.each([
    ['only the Organization Department', [events.odView]],
    ['only the Discipline Inspection Commission', [events.dicView]],
    ['neither', []],
  ])('no decision when %s recorded a view', (_, views) => {
    const s = play(atConference(), ...views);
    for (const decision of [events.appoint, events.reject, events.reserve]) {
      expect(refused(s, decision)).toEqual(['bothViewsRecorded']);
    }
  });

  it('the same person cannot record both views', () => {
    const s = play(atConference(), events.odView);
    expect(refused(s, ev('RECORD_DIC_VIEW', { id: people.od.id, role: 'disciplineCommission' }, at.dicView, payloads.cleanView))).toEqual([
      'independentViews',
    ]);
    const t = play(atConference(), events.dicView);
    expect(refused(t, ev('RECORD_OD_VIEW', { id: people.dic.id, role: 'organizationDepartment' }, at.odView, payloads.cleanView))).toEqual([
      'independentViews',
    ]);
  });

  it('the chair appoints when both views are clean: the public notice opens at the decision', () => {
    const s = atPublicNotice();
    expect(s.value).toBe('publicNotice');
    // neither view named an outcome, so the decision follows and departs from no recommendation
    expect(s.context.decision).toEqual({
      outcome: 'appointed',
      reason: payloads.appoint.reason,
      by: 'chair-zhao',
      at: at.decided,
      followed: [],
      departedFrom: [],
      dissent: null,
    });
    expect(s.context.noticeStartedAt).toBe(at.decided);
    expect(s.context.noticeEndedAt).toBeNull();
  });

  const concerns = [
    ['fraud', 'fraud', { fraudFound: true }],
    ['concealment of facts', 'concealment of facts', { concealmentFound: true }],
    ['favouritism ("running for office")', 'favouritism', { favouritismFound: true }],
  ] as const;
  const sides = [
    ['Organization Department', (p: Payload<'RECORD_OD_VIEW'>) => [ev('RECORD_OD_VIEW', people.od, at.odView, p), events.dicView]],
    ['Discipline Inspection Commission', (p: Payload<'RECORD_OD_VIEW'>) => [events.odView, ev('RECORD_DIC_VIEW', people.dic, at.dicView, p)]],
  ] as const;

  describe.each(sides)('when the %s finds', (side, views) => {
    it.each(concerns)('%s, nobody is appointed or kept in the talent pool, but the chair may reject', (_, label, flag) => {
      const s = play(atConference(), ...views({ ...payloads.cleanView, ...flag }));
      expect(integrityConcerns(s.context)).toEqual([`${label} (${side})`]);
      expect(refused(s, events.appoint)).toEqual(['noIntegrityConcerns']);
      expect(refused(s, events.reserve)).toEqual(['noIntegrityConcerns']);
      const rejected = play(s, events.reject);
      expect(rejected.value).toBe('rejected');
      expect(rejected.context.outcome).toMatchObject({ result: 'rejected', stage: 'jointConference' });
    });
  });

  it('the chair rejects for the misconduct the views found, which is recorded with who found it, and the case closes', () => {
    const s = play(atConference(), events.odView, events.dicFraudView, events.rejectForMisconduct);
    expect(s.value).toBe('rejectedForMisconduct');
    expect(s.status).toBe('done');
    expect(s.context.misconduct).toEqual([
      { finding: 'fraud', foundBy: ['disciplineCommission'] },
      { finding: 'favouritism', foundBy: ['disciplineCommission'] },
    ]);
    expect(s.context.outcome).toEqual({
      result: 'rejectedForMisconduct',
      stage: 'jointConference',
      reason: payloads.rejectForMisconduct.reason,
      by: 'chair-zhao',
      at: at.decided,
    });
  });

  it('a rejection for misconduct names only misconduct a view found', () => {
    const withFraud = play(atConference(), events.odView, events.dicFraudView);
    expect(refused(withFraud, { ...events.rejectForMisconduct, misconduct: ['concealment'] })).toEqual(['misconductOnRecord']);
    expect(refused(withBothViews(), events.rejectForMisconduct)).toEqual(['misconductOnRecord']);
    expect(refused(withFraud, { ...events.rejectForMisconduct, reason: '' })).toEqual(['hasReason']);
  });

  it('names at least one misconduct, and misconduct goes with no other outcome (the payload says which field)', () => {
    const decide = selfRecommendationEvents.DECIDE.payload;
    for (const misconduct of [undefined, []]) {
      expect(decide.safeParse({ ...payloads.rejectForMisconduct, misconduct }).error?.issues).toEqual([
        expect.objectContaining({ path: ['misconduct'], message: expect.stringContaining('names what the conference found') }),
      ]);
    }
    expect(decide.safeParse({ ...payloads.reject, misconduct: ['fraud'] }).error?.issues).toEqual([
      expect.objectContaining({ path: ['misconduct'], message: 'misconduct is named only with the outcome rejectedForMisconduct, not rejected' }),
    ]);
    expect(decide.safeParse({ ...payloads.rejectForMisconduct, misconduct: ['fraud', 'fraud'] }).success).toBe(false);
    expect(decide.safeParse({ ...payloads.rejectForMisconduct, misconduct: ['lobbying'] }).success).toBe(false);
  });

  it('the chair rejects, with the reason on record', () => {
    const s = play(withBothViews(), events.reject);
    expect(s.value).toBe('rejected');
    expect(s.context.outcome).toEqual({
      result: 'rejected',
      stage: 'jointConference',
      reason: payloads.reject.reason,
      by: 'chair-zhao',
      at: at.decided,
    });
  });

  it('the chair keeps the candidate in the talent pool', () => {
    const s = play(withBothViews(), events.reserve);
    expect(s.value).toBe('reserved');
    expect(s.status).toBe('done');
    expect(s.context.outcome).toMatchObject({ result: 'reserved', stage: 'jointConference', reason: payloads.reserve.reason });
  });

  it.each([events.appoint, events.reject, events.reserve])('a decision ($outcome) without a reason is refused', (decision) => {
    expect(refused(withBothViews(), { ...decision, reason: '' })).toEqual(['hasReason']);
  });
});

describe('public notice before appointment', () => {
  it('the notice cannot be closed before its 5 working days have run out', () => {
    expect(refused(atPublicNotice(), events.noticeEnded)).toEqual(['noticePeriodOver']);
  });

  it('the deadline worker reports the end of the notice; it is then closed and the probation begins', () => {
    const ended = atNoticeEnd();
    expect(ended.value).toBe('publicNotice');
    expect(ended.context.noticeEndedAt).toBe(at.noticeEnds);
    const s = play(ended, events.noticeEnded);
    expect(s.value).toBe('probation');
    expect(s.context.probationStartedAt).toBe(at.noticeClosed);
    expect(Date.parse(s.context.probationEndsAt ?? '')).toBe(Date.parse(at.noticeClosed) + PROBATION_MINUTES * 60_000);
  });

  it('closing the notice with a moment before its end is refused', () => {
    const early = ev('NOTICE_PERIOD_ENDED', people.od, '2026-07-07T18:00:00+08:00', {});
    expect(refused(atNoticeEnd(), early)).toEqual(['noticePeriodOver']);
  });

  it('a repeated report of the notice’s end changes nothing: the first moment stands', () => {
    const again = ev(DEADLINE_MISSED, people.worker, '2026-07-08T00:30:00+08:00', { deadlineKind: PUBLIC_NOTICE_DEADLINE });
    const ended = atNoticeEnd();
    expect(refused(ended, again)).toEqual([]);
    expect(ended.context.noticeEndedAt).toBe(at.noticeEnds);
  });

  it('only the public-notice deadline ends the notice period', () => {
    const other = ev(DEADLINE_MISSED, people.worker, at.noticeEnds, { deadlineKind: 'jointConferenceDue' });
    expect(refused(atPublicNotice(), other)).toEqual(['endsNoticePeriod']);
  });

  it('an objection during the public notice sends the case back to organizational inspection', () => {
    const s = play(atPublicNotice(), events.objection);
    expect(s.value).toBe('organizationalInspection');
    expect(s.context.objections).toEqual([
      { objection: payloads.objection.objection, by: 'dic-wang', at: at.objection, findings: null, answeredAt: null },
    ]);
    expect(s.context.views).toEqual({ organizationDepartment: null, disciplineCommission: null });
    expect(s.context.decision).toBeNull();
    expect(s.context.noticeStartedAt).toBeNull();
  });

  it('an objection still counts after the notice’s days ran out, until the notice is closed', () => {
    expect(play(atNoticeEnd(), events.objection).value).toBe('organizationalInspection');
  });

  it('after an objection, the inspection must say what checking the objection found', () => {
    const s = play(atPublicNotice(), events.objection);
    expect(refused(s, events.inspection)).toEqual(['objectionsAnswered']);
    const checked = play(s, events.inspectionAfterObjection);
    expect(checked.value).toBe('jointConference');
    expect(checked.context.objections[0]).toMatchObject({
      findings: payloads.inspectionAfterObjection.objectionFindings,
      answeredAt: at.inspection,
    });
    expect(checked.context.inspections).toHaveLength(2);
  });

  it('after an objection the conference sits again, decides again, and a new notice runs', () => {
    const again = play(atPublicNotice(), events.objection, events.inspectionAfterObjection);
    expect(refused(again, events.appoint)).toEqual(['bothViewsRecorded']);
    const renoticed = play(again, events.odView, events.dicView, { ...events.appoint, at: '2026-07-20T11:00:00+08:00' });
    expect(renoticed.value).toBe('publicNotice');
    expect(renoticed.context.noticeStartedAt).toBe('2026-07-20T11:00:00+08:00');
    expect(refused(renoticed, events.noticeEnded)).toEqual(['noticePeriodOver']);
  });
});

describe('probation', () => {
  it('performance assessments are recorded during the probation', () => {
    const s = play(atProbation(), events.assessment);
    expect(s.value).toBe('probation');
    expect(s.context.assessments).toEqual([
      { period: payloads.assessment.period, rating: 'competent', notes: null, by: 'od-chen', at: at.assessed },
    ]);
  });

  it('the appointment is confirmed after a year with a passing assessment', () => {
    const s = play(atProbation(), events.assessment, events.confirm);
    expect(s.value).toBe('confirmed');
    expect(s.status).toBe('done');
    expect(s.context.outcome).toEqual({
      result: 'confirmed',
      stage: 'probation',
      reason: payloads.confirm.reason,
      by: 'od-chen',
      at: at.confirmed,
    });
  });

  it('confirmation before the year is served is refused', () => {
    const early = { ...events.confirm, at: '2027-07-08T08:59:00+08:00' };
    expect(refused(play(atProbation(), events.assessment), early)).toEqual(['probationServed']);
    expect(play(atProbation(), events.assessment, { ...events.confirm, at: at.probationEnds }).value).toBe('confirmed');
  });

  it('confirmation without any assessment is refused', () => {
    expect(refused(atProbation(), events.confirm)).toEqual(['probationAssessmentPassed']);
  });

  it.each(ASSESSMENT_GRADES.map((grade) => [grade, grade === 'excellent' || grade === 'competent'] as const))(
    'the latest assessment rated %s allows confirmation: %s',
    (rating, allowed) => {
      const yearEnd = ev('RECORD_ASSESSMENT', people.od, '2027-06-20T10:00:00+08:00', { period: 'Full year', rating });
      const s = play(atProbation(), events.assessment, yearEnd);
      if (allowed) expect(play(s, events.confirm).value).toBe('confirmed');
      else expect(refused(s, events.confirm)).toEqual(['probationAssessmentPassed']);
    },
  );

  it('confirmation without a reason is refused', () => {
    expect(refused(play(atProbation(), events.assessment), { ...events.confirm, reason: undefined })).toEqual(['hasReason']);
  });

  it('the appointment may be revoked during the probation, with a reason', () => {
    expect(refused(atProbation(), { ...events.revoke, reason: '' })).toEqual(['hasReason']);
    const s = play(atProbation(), events.revoke);
    expect(s.value).toBe('revoked');
    expect(s.context.outcome).toMatchObject({ result: 'revoked', stage: 'probation', reason: payloads.revoke.reason, by: 'chair-zhao' });
  });
});

describe('nobody verifies or decides their own self-recommendation', () => {
  const as = (e: SelfRecommendationEvent, role: Actor['role']): SelfRecommendationEvent => ({
    ...e,
    actor: { id: people.candidate.id, role },
  });
  const cases: [string, () => Snapshot, SelfRecommendationEvent][] = [
    ['forwarding it', () => startThrough('mainLeaders', people.candidate.id), as(events.forward, 'mainLeader')],
    ['finding themself eligible', atEligibilityCheck, as(events.eligible, 'organizationDepartment')],
    ['finding themself not eligible', atEligibilityCheck, as(events.ineligible, 'organizationDepartment')],
    ['inspecting themself', atInspection, as(events.inspection, 'organizationDepartment')],
    ['recording the Organization Department’s view', atConference, as(events.odView, 'organizationDepartment')],
    ['recording the Discipline Inspection Commission’s view', atConference, as(events.dicView, 'disciplineCommission')],
    ['appointing themself', withBothViews, as(events.appoint, 'conferenceChair')],
    ['rejecting themself', withBothViews, as(events.reject, 'conferenceChair')],
    ['reserving themself', withBothViews, as(events.reserve, 'conferenceChair')],
    ['rejecting themself for misconduct', () => play(atConference(), events.odView, events.dicFraudView), as(events.rejectForMisconduct, 'conferenceChair')],
    ['recording an objection', atPublicNotice, as(events.objection, 'intakeClerk')],
    ['closing their own notice', atNoticeEnd, as(events.noticeEnded, 'organizationDepartment')],
    ['assessing themself', atProbation, as(events.assessment, 'organizationDepartment')],
    ['confirming themself', () => play(atProbation(), events.assessment), as(events.confirm, 'organizationDepartment')],
    ['revoking themself', atProbation, as(events.revoke, 'conferenceChair')],
  ];

  it.each(cases)('the candidate is refused %s, and told why', (_, from, event) => {
    expect(refused(from(), event)).toEqual(['notOwnCase']);
  });

  it('every event a caseworker sends is guarded by notOwnCase', () => {
    const caseworkerTransitions = allTransitions(machine).filter((t) => ![DEADLINE_MISSED, DEADLINE_ESCALATED, ''].includes(t.eventType));
    for (const t of caseworkerTransitions) expect([t.key, t.guardNames]).toEqual([t.key, expect.arrayContaining(['notOwnCase'])]);
  });
});

describe('a closed case', () => {
  const finals: [string, () => Snapshot][] = [
    ['rejected', () => play(atEligibilityCheck(), events.ineligible)],
    ['reserved', () => play(withBothViews(), events.reserve)],
    ['rejectedForMisconduct', () => play(atConference(), events.odView, events.dicFraudView, events.rejectForMisconduct)],
    ['confirmed', () => play(atProbation(), events.assessment, events.confirm)],
    ['revoked', () => play(atProbation(), events.revoke)],
  ];
  it.each(finals)('%s accepts no further event', (_, reach) => {
    const s = reach();
    expect(s.status).toBe('done');
    for (const e of sampleEvents) expect(persisted(transition(machine, s, e)[0])).toBe(persisted(s));
  });
});

// ---------------------------------------------------------------------------------------------
// The definition: catalogue, payloads, guards, deadlines, index
// ---------------------------------------------------------------------------------------------

describe('the case definition', () => {
  it('is the selfRecommendation case type, version 1, opened by the official or the Organization Department (an intake clerk may not read one)', () => {
    expect(selfRecommendation.type).toBe('selfRecommendation');
    expect(selfRecommendation.machineVersion).toBe(1);
    expect(selfRecommendation.createRoles).toEqual(['official', 'organizationDepartment']);
  });

  it('every event declares its roles, and the catalogue is exactly the events the machine handles', () => {
    for (const [type, spec] of Object.entries(selfRecommendationEvents)) {
      expect([type, spec.roles.length > 0]).toEqual([type, true]);
      for (const role of spec.roles) expect(ROLES).toContain(role);
    }
    expect(handledEventTypes(machine)).toEqual(Object.keys(selfRecommendationEvents).sort());
  });

  it('has a caseworker-readable rule for every guard it uses, and no rule for a guard it does not', () => {
    expect(Object.keys(selfRecommendation.guardRules).sort()).toEqual(usedGuardNames(machine));
    expect(Object.keys(machine.implementations.guards).sort()).toEqual(usedGuardNames(machine));
    for (const rule of Object.values(selfRecommendation.guardRules)) expect(rule.length).toBeGreaterThan(10);
  });

  it('combines guards with and() only', () => {
    for (const t of allTransitions(machine)) expect(t.guard ?? '').not.toMatch(/\b(not|or)\(/);
  });

  it('indexes the candidate’s unit, the channel holder until someone handles it, and the candidate as subject', () => {
    expect(selfRecommendation.index(startThrough('organizationDepartment').context).assignee).toBeNull();
    expect(selfRecommendation.index(start().context)).toEqual({
      unit: 'Wolong District Agriculture Bureau',
      assignee: 'party-head-sun',
      subjectId: 'official-zhang-wei',
      timeZone: 'Asia/Shanghai',
    });
    expect(selfRecommendation.index(atConference().context).assignee).toBe('od-chen');
  });

  it('keeps a JSON-serializable context that survives persisting and restoring', () => {
    const s = play(atPublicNotice(), events.objection, events.inspectionAfterObjection, events.odView, events.dicView, events.appoint);
    expect(JSON.parse(JSON.stringify(s.context))).toEqual(s.context);
    const restored = machine.resolveState(JSON.parse(persisted(s)) as Parameters<typeof machine.resolveState>[0]);
    const done = play(restored, events.noticeOver, events.noticeEnded, events.assessment, events.confirm);
    expect(done.value).toBe('confirmed');
  });
});

describe('the opening payload', () => {
  it('fills in the default time zone, Asia/Shanghai', () => {
    expect(selfRecommendationInput.parse(rawInput)).toMatchObject({ evidence: rawInput.evidence, timeZone: 'Asia/Shanghai' });
  });

  it('carries at least one piece of supporting material, and says so when it carries none', () => {
    const { evidence: _evidence, ...withoutEvidence } = rawInput;
    for (const bad of [withoutEvidence, { ...rawInput, evidence: [] }]) {
      const result = selfRecommendationInput.safeParse(bad);
      expect(result.error?.issues).toEqual([expect.objectContaining({ path: ['evidence'] })]);
    }
    expect(selfRecommendationInput.safeParse({ ...rawInput, evidence: [] }).error?.issues[0]?.message).toMatch(/at least one piece of supporting material/);
    expect(selfRecommendationInput.safeParse({ ...rawInput, evidence: ['  '] }).error?.issues[0]).toMatchObject({ path: ['evidence', 0] });
  });

  it.each([
    ['an unknown field', { ...rawInput, priority: 'high' }],
    ['an unknown field on the candidate', { ...rawInput, candidate: { ...rawInput.candidate, age: 41 } }],
    ['an unknown channel', { ...rawInput, channel: 'hotline' }],
    ['a Party organization channel without its holder', { ...rawInput, channelHolderId: undefined }],
    ['a channel holder named on the Organization Department’s own channel', { ...rawInput, channel: 'organizationDepartment' }],
    ['an empty statement', { ...rawInput, statement: '   ' }],
    ['an unknown time zone', { ...rawInput, timeZone: 'Mars/Olympus' }],
  ])('rejects %s', (_, bad) => {
    expect(selfRecommendationInput.safeParse(bad).success).toBe(false);
  });
});

describe('event payloads', () => {
  const samples: Record<keyof typeof selfRecommendationEvents, object> = {
    FORWARD: payloads.forward,
    RECORD_ELIGIBILITY: payloads.eligible,
    RECORD_INSPECTION: payloads.inspectionAfterObjection,
    RECORD_OD_VIEW: payloads.cleanView,
    RECORD_DIC_VIEW: payloads.cleanView,
    DECIDE: payloads.appoint,
    OBJECTION_RECEIVED: payloads.objection,
    NOTICE_PERIOD_ENDED: payloads.noticeEnded,
    RECORD_ASSESSMENT: payloads.assessment,
    CONFIRM: payloads.confirm,
    REVOKE: payloads.revoke,
    [DEADLINE_MISSED]: { deadlineKind: PUBLIC_NOTICE_DEADLINE },
    [DEADLINE_ESCALATED]: { deadlineKind: 'selfRecommendationForwardingDue' },
  };

  it.each(Object.keys(selfRecommendationEvents) as (keyof typeof selfRecommendationEvents)[])(
    '%s accepts a realistic payload and rejects an unknown field',
    (type) => {
      const schema = selfRecommendationEvents[type].payload;
      expect(schema.safeParse(samples[type]).success).toBe(true);
      expect(schema.safeParse({ ...samples[type], unexpected: true }).success).toBe(false);
    },
  );

  it('rejects unknown fields inside the eligibility checks and the annual reviews', () => {
    const checks = { ...payloads.eligible.checks, health: 'passed' };
    expect(selfRecommendationEvents.RECORD_ELIGIBILITY.payload.safeParse({ ...payloads.eligible, checks }).success).toBe(false);
    const annualReviews = [{ year: 2025, grade: 'excellent', remark: 'x' }];
    expect(selfRecommendationEvents.RECORD_INSPECTION.payload.safeParse({ ...payloads.inspection, annualReviews }).success).toBe(false);
  });

  it('requires the view’s three integrity checks to be answered explicitly', () => {
    const { favouritismFound: _f, ...partial } = payloads.cleanView;
    expect(selfRecommendationEvents.RECORD_DIC_VIEW.payload.safeParse(partial).success).toBe(false);
  });

  it('rejects an unknown outcome and an unknown rating', () => {
    expect(selfRecommendationEvents.DECIDE.payload.safeParse({ outcome: 'promoted', reason: 'x' }).success).toBe(false);
    expect(selfRecommendationEvents.RECORD_ASSESSMENT.payload.safeParse({ period: 'Q1', rating: 'great' }).success).toBe(false);
  });
});

describe('deadlines', () => {
  // each stage's own limit; the joint conference adds one per department for its view (met by recording it)
  const byState = new Map(declaredDeadlines(machine).filter((d) => !d.spec.metBy).map((d) => [d.stateId.replace('selfRecommendation.', ''), d.spec]));

  it('each department has its own limit for its view at the joint conference, met by recording it', () => {
    const views = declaredDeadlines(machine).filter((d) => d.spec.metBy);
    expect(views.map((d) => [d.stateId, d.spec.kind, d.spec.limit, d.spec.metBy, d.spec.ladder.at(-1)?.notify])).toEqual([
      ['selfRecommendation.jointConference', 'selfRecommendationOrganizationDepartmentViewDue', { kind: 'workingDays', days: 5 }, ['RECORD_OD_VIEW'], ['organizationDepartment']],
      ['selfRecommendation.jointConference', 'selfRecommendationDisciplineCommissionViewDue', { kind: 'workingDays', days: 5 }, ['RECORD_DIC_VIEW'], ['disciplineCommission']],
    ]);
  });

  it('each open stage has its time limit', () => {
    expect(
      Object.fromEntries([...byState].map(([state, spec]) => [state, { kind: spec.kind, limit: spec.limit, from: spec.from ?? null }])),
    ).toEqual({
      submitted: { kind: 'selfRecommendationForwardingDue', limit: { kind: 'workingDays', days: 5 }, from: null },
      eligibilityCheck: { kind: 'eligibilityCheckDue', limit: { kind: 'workingDays', days: 10 }, from: null },
      organizationalInspection: { kind: 'organizationalInspectionDue', limit: { kind: 'workingDays', days: 15 }, from: null },
      jointConference: { kind: 'jointConferenceDue', limit: { kind: 'workingDays', days: 10 }, from: null },
      publicNotice: {
        kind: PUBLIC_NOTICE_DEADLINE,
        limit: { kind: 'workingDays', days: 5 },
        from: { contextField: 'noticeStartedAt' },
      },
      probation: {
        kind: 'probationPeriod',
        limit: { kind: 'duration', minutes: 365 * 24 * 60 },
        from: { contextField: 'probationStartedAt' },
      },
    });
  });

  it('every time limit states its basis and climbs the remind → overdue → escalate ladder', () => {
    for (const spec of byState.values()) {
      expect(spec.basis.length).toBeGreaterThan(20);
      if (spec.period) continue;
      expect(spec.ladder.map((s) => s.name)).toEqual(['remind', 'overdue', 'escalate']);
    }
  });

  it('the public notice and the probation are periods: their end is announced, never counted as missed', () => {
    for (const state of ['publicNotice', 'probation']) {
      const spec = byState.get(state);
      expect(spec?.period).toBe(true);
      expect(spec?.ladder.map((s) => s.name)).toEqual(['periodEnded', 'followUp']);
      expect(spec?.ladder.some((s) => s.marksOverdue)).toBe(false);
      expect(spec?.ladder[0]?.warning).toBeUndefined();
    }
  });

  it('a state whose ladder sends an event into the case accepts that event', () => {
    for (const [state, spec] of byState) {
      const sent = spec.ladder.flatMap((s) => (s.sendsEvent ? [s.sendsEvent] : []));
      const node = machine.getStateNodeById(`selfRecommendation.${state}`);
      for (const type of sent) expect([state, node.ownEvents]).toEqual([state, expect.arrayContaining([type])]);
    }
    expect(byState.get('publicNotice')?.ladder.some((s) => s.sendsEvent === DEADLINE_MISSED)).toBe(true);
    expect(byState.get('submitted')?.ladder.some((s) => s.sendsEvent === DEADLINE_MISSED)).toBe(true);
  });

  it('the forwarding limit is the channel’s (its unit’s rate), and its red card is escalated to the Organization Department', () => {
    const spec = byState.get('submitted');
    expect(spec?.owner).toBe('unit');
    expect(spec?.ladder.at(-1)).toMatchObject({ name: 'escalate', warning: 'red', notify: ['organizationDepartment'], sendsEvent: DEADLINE_ESCALATED });
  });

  it('the base moment of a deadline is on file when its state is entered', () => {
    const field = (s: Snapshot, name: string) => (s.context as unknown as Record<string, unknown>)[name];
    for (const [reach, state] of [
      [atPublicNotice, 'publicNotice'],
      [atProbation, 'probation'],
    ] as const) {
      const s = reach();
      const from = byState.get(state)?.from?.contextField ?? '';
      expect(Number.isNaN(Date.parse(String(field(s, from))))).toBe(false);
    }
  });

  it('final states declare no deadline and describe the outcome', () => {
    for (const state of ['rejected', 'rejectedForMisconduct', 'reserved', 'confirmed', 'revoked']) {
      const meta = machine.getStateNodeById(`selfRecommendation.${state}`).meta as StateMeta;
      expect(meta.deadlines).toBeUndefined();
      expect(meta.description.length).toBeGreaterThan(10);
    }
  });
});
