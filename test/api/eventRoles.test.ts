/**
 * The machines' per-event role lists, enforced over HTTP: at every step of walks through each
 * case type, every person whose role may not send the event gets 403 FORBIDDEN_ROLE (naming the
 * roles that may) and nothing is stored; then the right person sends it. A person who may not see
 * the case gets 404 CASE_NOT_FOUND there instead: the unit liaison on a case that is not a
 * rectification assigned to them, and everyone outside a self-recommendation's readers.
 */
import { caseDefinitions, type CaseType } from '../../machines';
import { ASSIGNED_CASES_ONLY } from '../../src/engine/policy';
import {
  PEOPLE,
  currentVersion,
  fireDueSteps,
  rectificationInput,
  selfRecommendationInput,
  selfRecommendationThroughPartyHead,
  sendEvent,
  startApi,
  clueInput,
  type ApiFixture,
  type Person,
} from './support/server';

type Step = [type: string, person: Person, payload?: Record<string, unknown>];

/** `caseType:EVENT` of every event whose role rule was probed. */
const probed = new Set<string>();

/** An adjustment review of ma.lin, resting on two clues that admonished him. */
const adjustmentReviewInput = {
  subject: { officialId: 'ma.lin', name: 'Ma Lin', unit: 'Municipal Housing Bureau' },
  summary: 'Admonished twice within 12 months',
  basis: 'Adjusting unfit officials: adjustment follows only after a warning failed',
  triggeredBy: [
    { caseId: 'CL-20260302-AAAA', type: 'clue', finding: 'admonished on 2026-03-02' },
    { caseId: 'CL-20261102-BBBB', type: 'clue', finding: 'admonished on 2026-11-02' },
  ],
};

const definition = (type: string) => caseDefinitions.find((d) => d.type === type)!;

/**
 * True when the case is hidden from `person`: their role is not among the readers its type names (an
 * intake clerk, a verifier or a supervisor on a confidential self-recommendation), or they read
 * assigned cases only (a unit liaison, a channel holder) and are not its assignee.
 */
const hiddenFrom = (person: Person, current: { type: string; assignee: string | null }): boolean => {
  const { role, name } = PEOPLE[person];
  const readers = definition(current.type).readers;
  if (readers !== undefined && !(readers as readonly string[]).includes(role)) return true;
  const onlyTypes = ASSIGNED_CASES_ONLY[role];
  return onlyTypes !== undefined && !(onlyTypes.includes(current.type as CaseType) && current.assignee === name);
};

/** Walks a case through `steps`, probing every other person's role first at each step. */
async function walk(api: ApiFixture, caseId: string, caseType: string, steps: (Step | (() => void | Promise<void>))[]): Promise<void> {
  for (const step of steps) {
    if (typeof step === 'function') {
      await step();
      continue;
    }
    const [type, sender, payload = {}] = step;
    const allowed = definition(caseType).events[type]!.roles;
    probed.add(`${caseType}:${type}`);
    const before = await currentVersion(api, caseId);
    for (const [person, { role }] of Object.entries(PEOPLE) as [Person, (typeof PEOPLE)[Person]][]) {
      if ((allowed as readonly string[]).includes(role) || person === 'official') continue;
      const refused = await sendEvent(api, person, caseId, type, payload);
      const current = await api.engine.getCase(caseId);
      if (hiddenFrom(person, current)) {
        expect({ type, person, status: refused.status, code: refused.body.code }).toEqual({ type, person, status: 404, code: 'CASE_NOT_FOUND' });
        continue;
      }
      expect({ type, person, status: refused.status, code: refused.body.code }).toEqual({ type, person, status: 403, code: 'FORBIDDEN_ROLE' });
      expect(refused.body.details.allowed).toEqual(allowed);
    }
    expect(await currentVersion(api, caseId)).toBe(before);
    const sent = await sendEvent(api, sender, caseId, type, payload);
    expect({ type, status: sent.status, body: sent.status === 200 ? 'ok' : sent.body }).toEqual({ type, status: 200, body: 'ok' });
    expect(await currentVersion(api, caseId)).toBe(before + 1);
  }
}

const open = async (api: ApiFixture, as: Person, type: string, input: unknown): Promise<string> => {
  const created = await api.request('POST', '/cases', { as, body: { type, input } });
  expect(created.status).toBe(201);
  return created.body.id as string;
};

describe('per-event roles over HTTP', () => {
  let api: ApiFixture;
  beforeEach(async () => {
    api = await startApi();
  });
  afterEach(() => api.close());

  test('a clue, from registration to closing', async () => {
    const id = await open(api, 'clerk', 'clue', clueInput());
    await walk(api, id, 'clue', [
      ['REGISTER', 'clerk', { clueNumber: 'XS-2026-0001', handlerId: 'wang.fang' }],
      ['ACCEPT', 'clerk'],
      ['CHOOSE_DISPOSAL', 'chair', { route: 'preliminaryVerification', reason: 'Facts can be checked against the permit ledger' }],
      ['ASSIGN_VERIFIER', 'chair', { verifierId: 'liu.yang' }],
      ['RECORD_FINDINGS', 'verifier', { findings: 'Forty applications unanswered for over 15 days' }],
      ['SUBMIT_TO_CONFERENCE', 'verifier'],
      ['RECORD_OD_VIEW', 'od', { view: 'A warning is due', recommendedOutcome: 'admonished' }],
      ['RECORD_DIC_VIEW', 'dic', { view: 'Agree', recommendedOutcome: 'admonished' }],
      ['DECIDE', 'chair', { outcome: 'admonished', reason: 'Both views agree; first finding' }],
      ['CLOSE', 'clerk', { note: 'Admonition delivered' }],
    ]);
    expect((await api.engine.getCase(id)).status).toBe('closed');
  });

  test('a clue from a named reporter, told it was accepted, and answered with the result before it closes', async () => {
    const created = await api.request('POST', '/cases', { as: 'clerk', body: { type: 'clue', input: clueInput({ anonymous: false }), reporter: { name: 'Li Si', contact: 'li.si@example.org' } } });
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    await walk(api, id, 'clue', [
      ['REGISTER', 'clerk', { clueNumber: 'XS-2026-0004', handlerId: 'wang.fang' }],
      ['ACCEPT', 'clerk'],
      ['ANSWER_REPORTER_ACCEPTANCE', 'clerk', { answer: 'Your clue was accepted and is being handled' }],
      ['CHOOSE_DISPOSAL', 'chair', { route: 'talkOrWrittenInquiry', reason: 'A written inquiry will settle it' }],
      ['ASSIGN_VERIFIER', 'chair', { verifierId: 'liu.yang' }],
      ['RECORD_FINDINGS', 'verifier', { findings: 'He answered the inquiry; the delays are confirmed' }],
      ['SUBMIT_TO_CONFERENCE', 'verifier'],
      ['RECORD_OD_VIEW', 'od', { view: 'A warning is due', recommendedOutcome: 'admonished' }],
      ['RECORD_DIC_VIEW', 'dic', { view: 'Agree', recommendedOutcome: 'admonished' }],
      ['DECIDE', 'chair', { outcome: 'admonished', reason: 'Both views agree' }],
      ['ANSWER_REPORTER', 'clerk', { answer: 'Your clue was verified and the official admonished' }],
      ['CLOSE', 'chair', { note: 'Admonition delivered' }],
    ]);
    expect((await api.engine.getCase(id)).status).toBe('closed');
  });

  test('a clue declared out of scope, and one set aside and woken by new evidence', async () => {
    const outOfScope = await open(api, 'clerk', 'clue', clueInput());
    await walk(api, outOfScope, 'clue', [
      ['REGISTER', 'clerk', { clueNumber: 'XS-2026-0002', handlerId: 'wang.fang' }],
      ['DECLARE_OUT_OF_SCOPE', 'chair', { reason: 'A provincial official', forwardedTo: 'Provincial commission' }],
    ]);
    const forwarded = await open(api, 'clerk', 'clue', clueInput());
    await walk(api, forwarded, 'clue', [
      ['REGISTER', 'clerk', { clueNumber: 'XS-2026-0005', handlerId: 'wang.fang' }],
      ['FORWARD_TO_COMMISSION', 'clerk', { reason: 'A breach of discipline', commission: 'District Discipline Inspection Commission' }],
    ]);
    const investigated = await open(api, 'clerk', 'clue', clueInput());
    await walk(api, investigated, 'clue', [
      ['REGISTER', 'clerk', { clueNumber: 'XS-2026-0006', handlerId: 'wang.fang' }],
      ['ACCEPT', 'clerk'],
      ['CHOOSE_DISPOSAL', 'chair', { route: 'preliminaryVerification', reason: 'Checkable facts' }],
      ['ASSIGN_VERIFIER', 'chair', { verifierId: 'liu.yang' }],
      ['RECORD_FINDINGS', 'verifier', { findings: 'Signs of a breach' }],
      ['OPEN_FORMAL_INVESTIGATION', 'chair', { reason: 'A full investigation is needed', standingCommitteeDecision: 'Meeting 2026-7, item 3' }],
      ['RECORD_FINDINGS', 'verifier', { findings: 'The breach is established' }],
      ['SUBMIT_TO_CONFERENCE', 'verifier'],
    ]);
    const setAside = await open(api, 'clerk', 'clue', clueInput());
    await walk(api, setAside, 'clue', [
      ['REGISTER', 'clerk', { clueNumber: 'XS-2026-0003', handlerId: 'wang.fang' }],
      ['ACCEPT', 'chair'],
      ['CHOOSE_DISPOSAL', 'chair', { route: 'setAsidePendingChecks', reason: 'Cannot be ruled out yet' }],
      ['NEW_EVIDENCE', 'verifier', { evidence: 'A second applicant wrote in' }],
      ['SET_ASIDE', 'chair', { reason: 'Still not enough to go on' }],
    ]);
  });

  test('a rectification: plan sent back, accepted, failed once, passed; another escalated', async () => {
    const id = await open(api, 'supervisor', 'rectification', rectificationInput());
    const plan = { plan: 'Open a same-day lane', measures: ['same-day lane'], completionDueAt: '2026-12-20T18:00:00+08:00' };
    await walk(api, id, 'rectification', [
      ['NOTIFY_UNIT', 'supervisor', { liaisonId: 'zhou.min' }],
      ['SUBMIT_PLAN', 'liaison', plan],
      ['SEND_BACK_PLAN', 'supervisor', { reason: 'Nobody is named responsible' }],
      ['SUBMIT_PLAN', 'liaison', plan],
      ['ACCEPT_PLAN', 'supervisor', { reason: 'Concrete and dated' }],
      ['REPORT_PROGRESS', 'liaison', { note: 'Lane open' }],
      ['REPORT_COMPLETION', 'liaison', { note: 'Backlog cleared' }],
      ['ASSESS_FAILED', 'supervisor', { reason: 'Closed on Fridays', completionDueAt: '2027-01-10T18:00:00+08:00' }],
      ['REPORT_COMPLETION', 'liaison', { note: 'Open on Fridays too' }],
      ['ASSESS_PASSED', 'supervisor', { reason: 'Checked on a Friday' }],
    ]);
    const escalated = await open(api, 'clerk', 'rectification', rectificationInput());
    await walk(api, escalated, 'rectification', [
      ['NOTIFY_UNIT', 'clerk', { liaisonId: 'zhou.min' }],
      ['SUBMIT_PLAN', 'liaison', plan],
      ['SEND_BACK_PLAN', 'supervisor', { reason: 'Vague' }],
      ['ESCALATE', 'supervisor', { reason: 'No revised plan after two reminders' }],
    ]);
  });

  test('events only the deadline worker sends are refused to every person', async () => {
    const id = await open(api, 'supervisor', 'rectification', rectificationInput());
    expect((await sendEvent(api, 'supervisor', id, 'NOTIFY_UNIT', { liaisonId: 'zhou.min' })).status).toBe(200);
    expect((await api.engine.getCase(id)).allowedEvents).toEqual(expect.arrayContaining(['DEADLINE_MISSED', 'DEADLINE_ESCALATED']));
    for (const [person, type] of (Object.keys(PEOPLE) as Person[]).flatMap((p) => [[p, 'DEADLINE_MISSED'], [p, 'DEADLINE_ESCALATED']] as const)) {
      const refused = await sendEvent(api, person, id, type, { deadlineKind: 'rectificationPlanDue' });
      probed.add(`rectification:${type}`);
      // An official reads no casework, and a channel holder only the recommendations given to them: the case is hidden from them, answered as an unknown id, before any role rule.
      if (person === 'official' || person === 'partyHead') {
        expect({ person, status: refused.status, code: refused.body.code }).toEqual({ person, status: 404, code: 'CASE_NOT_FOUND' });
        continue;
      }
      expect({ person, status: refused.status }).toEqual({ person, status: 403 });
      expect(refused.body.details.allowed).toEqual(['system']);
    }
    // a clue's red card, too, is the deadline worker's alone
    const clue = await open(api, 'clerk', 'clue', clueInput());
    expect((await api.engine.getCase(clue)).allowedEvents).toContain('DEADLINE_ESCALATED');
    for (const person of Object.keys(PEOPLE) as Person[]) {
      const refused = await sendEvent(api, person, clue, 'DEADLINE_ESCALATED', { deadlineKind: 'clueRegistrationDue' });
      probed.add('clue:DEADLINE_ESCALATED');
      // the unit liaison, a channel holder and the official see no clue (answered as an unknown id): the official, whom the
      // clue is about, is not told by a refusal that it exists
      if (person === 'liaison' || person === 'partyHead' || person === 'official') {
        expect({ person, status: refused.status, code: refused.body.code }).toEqual({ person, status: 404, code: 'CASE_NOT_FOUND' });
        continue;
      }
      expect({ person, status: refused.status, code: refused.body.code }).toEqual({ person, status: 403, code: 'FORBIDDEN_ROLE' });
      expect(refused.body.details.allowed).toEqual(['system']);
    }
  });

  /** From submission to probation: forwarding, checks, an objection in the public notice, and the notice's end. */
  const toProbation = (id: string): (Step | (() => void | Promise<void>))[] => {
    const view = { view: 'Recommended', fraudFound: false, concealmentFound: false, favouritismFound: false };
    const inspection = { annualReviews: [{ year: 2025, grade: 'excellent' }], surveyResults: '44 of 48 approve', rating: 'Good' };
    return [
      ['FORWARD', 'partyHead', { note: 'Passed on unopened' }],
      ['RECORD_ELIGIBILITY', 'od', { eligible: true, checks: { qualifications: 'passed', record: 'passed', integrity: 'passed' }, reason: 'Qualified' }],
      ['RECORD_INSPECTION', 'od', inspection],
      ['RECORD_OD_VIEW', 'od', view],
      ['RECORD_DIC_VIEW', 'dic', view],
      ['DECIDE', 'chair', { outcome: 'appointed', reason: 'Strong results; both views clean' }],
      ['OBJECTION_RECEIVED', 'dic', { objection: 'The backlog report was backdated' }],
      ['RECORD_INSPECTION', 'od', { ...inspection, objectionFindings: 'Unfounded' }],
      ['RECORD_OD_VIEW', 'od', view],
      ['RECORD_DIC_VIEW', 'dic', view],
      ['DECIDE', 'chair', { outcome: 'appointed', reason: 'The objection was unfounded' }],
      async () => {
        // The deadline worker reports the end of the notice period, as it does when the deadline passes.
        api.clock.advance(10 * 24 * 3600_000);
        await api.engine.applyEvent(id, { type: 'DEADLINE_MISSED', deadlineKind: 'publicNoticePeriod' }, { id: 'deadline-worker', role: 'system' });
      },
      ['NOTICE_PERIOD_ENDED', 'od', { note: 'No further objection' }],
      ['RECORD_ASSESSMENT', 'od', { period: 'First half of the probation', rating: 'competent' }],
    ];
  };

  test('a self-recommendation revoked in the probation', async () => {
    const id = await open(api, 'official', 'selfRecommendation', selfRecommendationThroughPartyHead());
    await walk(api, id, 'selfRecommendation', [...toProbation(id), ['REVOKE', 'chair', { reason: 'Targets missed in the probation' }]]);
  });

  test('a self-recommendation confirmed after the probation', async () => {
    const id = await open(api, 'official', 'selfRecommendation', selfRecommendationThroughPartyHead());
    await walk(api, id, 'selfRecommendation', [
      ...toProbation(id),
      () => api.clock.advance(366 * 24 * 3600_000),
      ['CONFIRM', 'od', { reason: 'Probation served; assessed competent' }],
    ]);
  });

  test('a supervision action a red card opened, marked done', async () => {
    const id = await open(api, 'supervisor', 'rectification', rectificationInput());
    await sendEvent(api, 'supervisor', id, 'NOTIFY_UNIT', { liaisonId: PEOPLE.liaison.name });
    api.clock.advance(2 * 3600_000);
    expect(await fireDueSteps(api, id)).toEqual(['remind', 'overdue', 'escalate']);
    const [talk] = await api.engine.listCases({ type: 'supervisionAction' }).then((page) => page.cases);
    await walk(api, talk!.id, 'supervisionAction', [['MARK_DONE', 'supervisor', { note: 'Talk held with the unit head' }]]);
  });

  test('an adjustment review the Organization Department opened, its finding recorded twice, decided', async () => {
    const id = await open(api, 'od', 'adjustmentReview', adjustmentReviewInput);
    await walk(api, id, 'adjustmentReview', [
      ['RECORD_FINDING', 'od', { finding: 'Two admonishments; no change at the window' }],
      ['RECORD_FINDING', 'od', { finding: 'Two admonishments; the window now answers within a week' }],
      ['DECIDE', 'od', { outcome: 'retainedWithWarning', reason: 'Improving; a formal warning' }],
    ]);
    expect((await api.engine.getCase(id)).state).toBe('retainedWithWarning');
  });

  test('opening a case: roles outside the type’s create roles get 403', async () => {
    const inputs: Record<string, unknown> = {
      clue: clueInput(),
      rectification: rectificationInput(),
      selfRecommendation: selfRecommendationInput(),
      supervisionAction: {
        unit: 'Water Bureau',
        consequence: 'unitHeadTalk',
        action: 'Hold a talk',
        basis: 'Local card schemes',
        dueAt: '2026-12-02T23:59:59+08:00',
        period: '2026-11',
        cards: [{ cardDeadlineId: 'd', caseId: 'c', warning: 'red', step: 'escalate', issuedAt: '2026-11-25T21:30:00+08:00' }],
      },
      adjustmentReview: adjustmentReviewInput,
    };
    for (const d of caseDefinitions) {
      for (const [person, { role }] of Object.entries(PEOPLE) as [Person, (typeof PEOPLE)[Person]][]) {
        if ((d.createRoles as readonly string[]).includes(role)) continue;
        const refused = await api.request('POST', '/cases', { as: person, body: { type: d.type, input: inputs[d.type] } });
        expect({ type: d.type, person, status: refused.status, code: refused.body.code }).toEqual({ type: d.type, person, status: 403, code: 'FORBIDDEN_ROLE' });
      }
    }
    expect((await api.engine.listCases()).cases).toEqual([]);
  });

  test('every event of every catalogue had its role rule probed above, except the worker-only ones on self-recommendations', () => {
    const all = caseDefinitions.flatMap((d) => Object.keys(d.events).map((e) => `${d.type}:${e}`));
    expect(all.filter((e) => !probed.has(e))).toEqual(['selfRecommendation:DEADLINE_MISSED', 'selfRecommendation:DEADLINE_ESCALATED']);
  });
});
