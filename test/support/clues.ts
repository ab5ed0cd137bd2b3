/**
 * Clue fixtures shared by the engine tests: the people who handle a clue, a clue about Ma Lin (anonymous, or from a named reporter), and
 * the events that walk it to each stage (registered, accepted, routed, at the conference, decided).
 */
import type { Actor } from '../../machines/types';
import { clerk } from './engine';

export const chair: Actor = { id: 'chen.jing', role: 'conferenceChair' };
export const verifier: Actor = { id: 'sun.li', role: 'verifier' };
export const od: Actor = { id: 'zhang.hua', role: 'organizationDepartment' };
export const dic: Actor = { id: 'liu.yang', role: 'disciplineCommission' };

/** An anonymous hotline clue that section chief Ma Lin drags his feet. */
export const clueAboutMaLin = {
  aspect: 'draggingFeet',
  summary: 'Permits sit unsigned for weeks',
  channel: 'hotline',
  anonymous: true,
  subject: { officialId: 'ma.lin', name: 'Ma Lin', post: 'Section chief', unit: 'Municipal Housing Bureau' },
};

/** The same clue filed on the form by a named reporter: they are answered, their identity sealed apart from the case. */
export const namedClueAboutMaLin = { ...clueAboutMaLin, channel: 'form', anonymous: false };
/** The sealed identity of that named reporter: it must reach no notice, answer or log entry. */
export const namedReporter = { name: 'Zhang Sanfeng', contact: '+86 138 0013 8000' };

/** One event of a clue's walk: its type, payload and who sends it. */
export type ClueStep = [type: string, payload: Record<string, unknown>, actor: Actor];

export const toAcceptance: ClueStep[] = [['REGISTER', { clueNumber: 'XS-2026-0042', handlerId: 'wang.fang' }, clerk]];
export const toReview: ClueStep[] = [...toAcceptance, ['ACCEPT', {}, clerk]];
export const toVerification: ClueStep[] = [...toReview, ['CHOOSE_DISPOSAL', { route: 'preliminaryVerification', reason: 'Three dated hotline records' }, chair]];
export const toConference: ClueStep[] = [
  ...toVerification,
  ['ASSIGN_VERIFIER', { verifierId: verifier.id }, chair],
  ['RECORD_FINDINGS', { findings: 'Three permits left unsigned for 19, 23 and 30 days' }, verifier],
  ['SUBMIT_TO_CONFERENCE', {}, verifier],
];
export const toDecision: ClueStep[] = [
  ...toConference,
  ['RECORD_OD_VIEW', { view: 'Admonish him', recommendedOutcome: 'admonished' }, od],
  ['RECORD_DIC_VIEW', { view: 'Admonish him', recommendedOutcome: 'admonished' }, dic],
  ['DECIDE', { outcome: 'admonished', reason: 'Both departments recommend it' }, chair],
];
