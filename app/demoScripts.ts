/**
 * The demo's cases: who does what, in which order, with realistic payloads. Data only.
 */
import type { Actor } from '../machines/types';

/** One caseworker step: an event, who sends it, and how much case time passes before it. */
export interface ScriptStep {
  afterMinutes: number;
  actor: Actor;
  event: { type: string } & Record<string, unknown>;
}

export interface CaseScript {
  title: string;
  /** When the case opens (case time). */
  startsAt: string;
  type: string;
  opener: Actor;
  input: Record<string, unknown>;
  steps: ScriptStep[];
}

export const people = {
  clerk: { id: 'wang.fang', role: 'intakeClerk' },
  chair: { id: 'zhao.lei', role: 'conferenceChair' },
  verifier: { id: 'sun.li', role: 'verifier' },
  orgDept: { id: 'qian.hua', role: 'organizationDepartment' },
  orgDeptSecond: { id: 'feng.yu', role: 'organizationDepartment' },
  commission: { id: 'wu.jun', role: 'disciplineCommission' },
  supervisor: { id: 'li.wei', role: 'supervisor' },
  housingLiaison: { id: 'zhou.min', role: 'unitLiaison' },
  transportLiaison: { id: 'he.ping', role: 'unitLiaison' },
  candidate: { id: 'lin.qing', role: 'official' },
  partyHead: { id: 'xu.ming', role: 'partyOrganizationHead' },
} satisfies Record<string, Actor>;

const DAY = 24 * 60;

/** An anonymous hotline clue about a deputy director who passes the buck, ending in ordered rectification. */
export const clueScript: CaseScript = {
  title: 'Clue: "passes every request to another window"',
  startsAt: '2026-11-02T09:00:00+08:00',
  type: 'clue',
  opener: people.clerk,
  input: {
    aspect: 'shirkingAndPassingTheBuck',
    summary: 'At the housing permits window, every request is sent to another office; applicants come back five times.',
    channel: 'hotline',
    anonymous: true,
    subject: { officialId: 'chen.gang', name: 'Chen Gang', post: 'Deputy Director', unit: 'Municipal Housing Bureau' },
  },
  steps: [
    { afterMinutes: 30, actor: people.clerk, event: { type: 'REGISTER', clueNumber: 'XS-2026-0042', handlerId: people.clerk.id } },
    { afterMinutes: DAY, actor: people.clerk, event: { type: 'ACCEPT' } },
    { afterMinutes: DAY, actor: people.chair, event: { type: 'CHOOSE_DISPOSAL', route: 'preliminaryVerification', reason: 'Specific, checkable facts' } },
    { afterMinutes: 60, actor: people.chair, event: { type: 'ASSIGN_VERIFIER', verifierId: people.verifier.id } },
    {
      afterMinutes: 6 * DAY,
      actor: people.verifier,
      event: { type: 'RECORD_FINDINGS', findings: 'Window logs show 61% of requests redirected without a decision; three applicants confirm.' },
    },
    { afterMinutes: 60, actor: people.verifier, event: { type: 'SUBMIT_TO_CONFERENCE', note: 'Findings attached' } },
    {
      afterMinutes: 2 * DAY,
      actor: people.orgDept,
      event: { type: 'RECORD_OD_VIEW', view: 'A pattern of shirking; the unit must fix the window process', recommendedOutcome: 'rectificationOrdered' },
    },
    {
      afterMinutes: 60,
      actor: people.commission,
      event: { type: 'RECORD_DIC_VIEW', view: 'No disciplinary violation; rectification with a deadline', recommendedOutcome: 'rectificationOrdered' },
    },
    {
      afterMinutes: 60,
      actor: people.chair,
      event: { type: 'DECIDE', outcome: 'rectificationOrdered', reason: 'Both departments recommend rectification of the permits window' },
    },
  ],
};

/** A section chief recommends themself for a post through their Party organization's head, who passes it on; appointed after the conference. */
export const selfRecommendationScript: CaseScript = {
  title: 'Self-recommendation: a section chief asks for the digital services post',
  startsAt: '2026-10-12T09:00:00+08:00',
  type: 'selfRecommendation',
  opener: people.candidate,
  input: {
    candidate: { officialId: people.candidate.id, name: 'Lin Qing', currentPost: 'Section Chief', unit: 'Municipal Data Bureau' },
    targetPost: 'Deputy Director, Digital Government Services',
    channel: 'partyOrganization',
    channelHolderId: people.partyHead.id,
    statement: 'Led the one-window reform: average approval time from 9 days to 2. I can do the same city-wide.',
    evidence: ['2025 annual review: excellent', 'Reform results report, March 2026'],
  },
  steps: [
    { afterMinutes: 2 * DAY, actor: people.partyHead, event: { type: 'FORWARD', note: 'Passed on unopened by the Data Bureau’s Party branch secretary' } },
    {
      afterMinutes: 5 * DAY,
      actor: people.orgDept,
      event: {
        type: 'RECORD_ELIGIBILITY',
        eligible: true,
        checks: { qualifications: 'passed', record: 'passed', integrity: 'passed' },
        reason: 'Meets the post requirements',
      },
    },
    {
      afterMinutes: 10 * DAY,
      actor: people.orgDept,
      event: {
        type: 'RECORD_INSPECTION',
        annualReviews: [
          { year: 2024, grade: 'competent' },
          { year: 2025, grade: 'excellent' },
        ],
        surveyResults: '41 of 45 colleagues surveyed support the move',
        rating: 'Strong results, good standing',
      },
    },
    {
      afterMinutes: 3 * DAY,
      actor: people.orgDeptSecond,
      event: { type: 'RECORD_OD_VIEW', view: 'Results verified against the annual reviews', fraudFound: false, concealmentFound: false, favouritismFound: false },
    },
    {
      afterMinutes: 60,
      actor: people.commission,
      event: { type: 'RECORD_DIC_VIEW', view: 'No lobbying or concealment found', fraudFound: false, concealmentFound: false, favouritismFound: false },
    },
    { afterMinutes: 60, actor: people.chair, event: { type: 'DECIDE', outcome: 'appointed', reason: 'Both views clear; proven results' } },
  ],
};

/** "Seeing" criticizes the transport bureau; the unit answers in time, carries out its plan and passes assessment. */
export const rectificationScript: CaseScript = {
  title: 'Rectification: "Seeing" airs the bus-stop complaint backlog',
  startsAt: '2026-11-25T20:00:00+08:00',
  type: 'rectification',
  opener: people.supervisor,
  input: { unit: 'Municipal Transport Bureau', report: 'Seeing: 300 bus-stop complaints unanswered', airedAt: '2026-11-25T20:00:00+08:00' },
  steps: [
    { afterMinutes: 5, actor: people.supervisor, event: { type: 'NOTIFY_UNIT', liaisonId: people.transportLiaison.id } },
    {
      afterMinutes: 45,
      actor: people.transportLiaison,
      event: {
        type: 'SUBMIT_PLAN',
        plan: 'Answer every complaint within 10 days; weekly public progress list',
        measures: ['a complaints task force', 'a weekly public list', 'a named owner per district'],
        completionDueAt: '2026-12-11T18:00:00+08:00',
      },
    },
    { afterMinutes: 30, actor: people.supervisor, event: { type: 'ACCEPT_PLAN', reason: 'Concrete measures with owners' } },
    { afterMinutes: 7 * DAY, actor: people.transportLiaison, event: { type: 'REPORT_PROGRESS', note: '180 of 300 answered' } },
    { afterMinutes: 7 * DAY, actor: people.transportLiaison, event: { type: 'REPORT_COMPLETION', note: 'All 300 answered; 41 stops repaired' } },
    { afterMinutes: 2 * DAY, actor: people.supervisor, event: { type: 'ASSESS_PASSED', reason: 'Spot checks confirm the answers; the loop is closed' } },
  ],
};

/**
 * A clue about the self-recommending section chief, filed while the joint conference sits: it holds up
 * her self-recommendation until the collective review closes it with no case to answer.
 */
export const holdingClueScript: CaseScript = {
  title: 'Clue about the candidate: "takes credit for the reform team’s work"',
  startsAt: '2026-11-01T10:00:00+08:00',
  type: 'clue',
  opener: people.clerk,
  input: {
    aspect: 'performingForShow',
    summary: 'The one-window reform results were the team’s; she presents them as her own.',
    channel: 'hotline',
    anonymous: true,
    subject: { officialId: people.candidate.id, name: 'Lin Qing', post: 'Section Chief', unit: 'Municipal Data Bureau' },
  },
  steps: [
    { afterMinutes: 30, actor: people.clerk, event: { type: 'REGISTER', clueNumber: 'XS-2026-0043', handlerId: people.clerk.id } },
    { afterMinutes: 60, actor: people.clerk, event: { type: 'ACCEPT' } },
    {
      afterMinutes: 60,
      actor: people.chair,
      event: { type: 'CHOOSE_DISPOSAL', route: 'closedNoCase', reason: 'The reform report names her as its lead; nothing to answer' },
    },
  ],
};
