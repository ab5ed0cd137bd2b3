/**
 * Fraud, concealment or favouritism found at a self-recommendation's joint conference is a recorded
 * outcome: `rejectedForMisconduct` names which, with the departments whose views found it, and closes
 * the case; a refused decision leaves the stored case as it was.
 */
import type { Actor } from '../../machines/types';
import { engineFixture, type EngineFixture } from '../support/engine';

const candidate: Actor = { id: 'lin.qing', role: 'official' };
const od: Actor = { id: 'qian.hua', role: 'organizationDepartment' };
const odSecond: Actor = { id: 'feng.yu', role: 'organizationDepartment' };
const dic: Actor = { id: 'wu.jun', role: 'disciplineCommission' };
const chair: Actor = { id: 'zhao.lei', role: 'conferenceChair' };

const recommendation = {
  candidate: { officialId: candidate.id, name: 'Lin Qing', currentPost: 'Section Chief', unit: 'Municipal Data Bureau' },
  targetPost: 'Deputy Director, Digital Government Services',
  channel: 'organizationDepartment',
  statement: 'Led the one-window reform: average approval time from 9 days to 2.',
  evidence: ['Reform results report, March 2026'],
};

describe('a self-recommendation rejected for misconduct', () => {
  let fx: EngineFixture;
  let id: string;
  const send = (type: string, payload: Record<string, unknown>, actor: Actor) => fx.engine.applyEvent(id, { type, ...payload }, actor);
  const clear = { fraudFound: false, concealmentFound: false, favouritismFound: false };

  beforeEach(async () => {
    fx = await engineFixture();
    id = (await fx.engine.createCase({ type: 'selfRecommendation', input: recommendation, actor: candidate })).id;
    await send('RECORD_ELIGIBILITY', { eligible: true, checks: { qualifications: 'passed', record: 'passed', integrity: 'passed' }, reason: 'Meets the post requirements' }, od);
    await send('RECORD_INSPECTION', { annualReviews: [{ year: 2025, grade: 'excellent' }], surveyResults: '41 of 45 support', rating: 'Strong' }, od);
    await send('RECORD_OD_VIEW', { view: 'Results verified', ...clear }, odSecond);
    await send('RECORD_DIC_VIEW', { view: 'The results report was backdated; colleagues were canvassed', ...clear, fraudFound: true, favouritismFound: true }, dic);
  });
  afterEach(() => fx.cleanup());

  it('records which misconduct was found, and by whom, and closes the case', async () => {
    const { case: decided } = await send('DECIDE', { outcome: 'rejectedForMisconduct', misconduct: ['fraud', 'favouritism'], reason: 'Falsified results and canvassed votes' }, chair);
    expect(decided).toMatchObject({ state: 'rejectedForMisconduct', status: 'closed' });
    expect(decided.context).toMatchObject({
      misconduct: [
        { finding: 'fraud', foundBy: ['disciplineCommission'] },
        { finding: 'favouritism', foundBy: ['disciplineCommission'] },
      ],
      outcome: { result: 'rejectedForMisconduct', stage: 'jointConference', by: chair.id },
    });
    expect((await fx.engine.history(id)).at(-1)).toMatchObject({ type: 'DECIDE', toState: 'rejectedForMisconduct', payload: { misconduct: ['fraud', 'favouritism'] } });
    expect((await fx.engine.getCase(id)).deadlines.filter((d) => d.status === 'pending')).toEqual([]);
  });

  it('misconduct no view found is refused by rule, a rejection naming none by its payload, and nothing is stored', async () => {
    const before = await fx.dump();
    await expect(send('DECIDE', { outcome: 'rejectedForMisconduct', misconduct: ['concealment'], reason: 'Concealed facts' }, chair)).rejects.toMatchObject({
      code: 'GUARD_REJECTED',
      details: { rules: [expect.objectContaining({ guard: 'misconductOnRecord' })] },
    });
    await expect(send('DECIDE', { outcome: 'rejectedForMisconduct', reason: 'Misconduct' }, chair)).rejects.toMatchObject({
      code: 'INVALID_PAYLOAD',
      details: { issues: [expect.objectContaining({ path: 'misconduct' })] },
    });
    expect(await fx.dump()).toEqual(before);
  });
});
