/**
 * The clue's further routes: a verification turned into a formal investigation runs a 90-day limit
 * and goes to the joint conference on its own findings; a clue outside the office's remit is
 * forwarded to the Discipline Inspection Commission and closed with that outcome, no limit left running.
 */
import type { Actor } from '../../machines/types';
import { chair, clueAboutMaLin, verifier } from '../support/clues';
import { clerk, engineFixture, type EngineFixture } from '../support/engine';

describe('a clue’s formal investigation and forwarding', () => {
  let fx: EngineFixture;
  let id: string;
  const send = (type: string, payload: Record<string, unknown>, actor: Actor) => fx.engine.applyEvent(id, { type, ...payload }, actor);
  beforeEach(async () => {
    fx = await engineFixture({}, '2026-03-02T09:00:00+08:00');
    id = (await fx.engine.createCase({ type: 'clue', input: clueAboutMaLin, actor: clerk })).id;
    await send('REGISTER', { clueNumber: 'XS-2026-0042', handlerId: 'wang.fang' }, clerk);
  });
  afterEach(() => fx.cleanup());

  it('a verification turned into a formal investigation runs 90 days and goes to the conference on the investigation’s findings', async () => {
    await send('ACCEPT', {}, clerk);
    await send('CHOOSE_DISPOSAL', { route: 'preliminaryVerification', reason: 'Checkable facts' }, chair);
    await send('ASSIGN_VERIFIER', { verifierId: verifier.id }, chair);
    await send('RECORD_FINDINGS', { findings: 'Signs of a breach' }, verifier);
    const opened = await send('OPEN_FORMAL_INVESTIGATION', { reason: 'A full investigation is needed', standingCommitteeDecision: 'Meeting 2026-7, item 3' }, chair);
    expect(opened.case.state).toBe('formalInvestigation');
    const limits = opened.case.deadlines.filter((d) => d.running);
    expect(limits.map((d) => d.kind)).toEqual(['clueInvestigationDue']);
    expect(Date.parse(limits[0]!.dueAt) - fx.clock.now()).toBe(90 * 24 * 3600_000);
    await expect(send('SUBMIT_TO_CONFERENCE', {}, verifier)).rejects.toMatchObject({ code: 'GUARD_REJECTED' });
    await send('RECORD_FINDINGS', { findings: 'The breach is established' }, verifier);
    const submitted = await send('SUBMIT_TO_CONFERENCE', {}, verifier);
    expect(submitted.case.state).toBe('jointConference');
    expect(submitted.case.deadlines.find((d) => d.kind === 'clueInvestigationDue')).toMatchObject({ running: false, status: 'met' });
  });

  it('a clue outside the office’s remit is forwarded to the commission and closed with that outcome', async () => {
    const forwarded = await send('FORWARD_TO_COMMISSION', { reason: 'A breach of discipline', commission: 'District Discipline Inspection Commission' }, clerk);
    expect(forwarded.case).toMatchObject({ state: 'forwardedToCommission', status: 'closed' });
    expect(forwarded.case.context).toMatchObject({ outcome: { result: 'forwardedToCommission', forwardedTo: 'District Discipline Inspection Commission', by: clerk.id } });
    expect(forwarded.case.deadlines.filter((d) => d.running)).toEqual([]);
    await expect(send('FORWARD_TO_COMMISSION', { commission: 'District Discipline Inspection Commission' }, clerk)).rejects.toMatchObject({ code: 'EVENT_NOT_ALLOWED' });
  });
});

describe('a clue is forwarded, accepted or re-routed within 5 working days of its receipt', () => {
  let fx: EngineFixture;
  beforeEach(async () => {
    // received on a Monday morning: 5 working days end on Monday 9 March
    fx = await engineFixture({}, '2026-03-02T09:00:00+08:00');
  });
  afterEach(() => fx.cleanup());

  const limit = async (id: string, kind: string) => (await fx.engine.getCase(id)).deadlines.find((d) => d.kind === kind)!;

  it('a clue registered on its last day must still be forwarded by the end of it: the day after is late', async () => {
    const { id } = await fx.engine.createCase({ type: 'clue', input: clueAboutMaLin, actor: clerk });
    fx.clock.set('2026-03-09T17:00:00+08:00');
    await fx.engine.applyEvent(id, { type: 'REGISTER', clueNumber: 'XS-2026-0042', handlerId: 'wang.fang' }, clerk);
    expect(await limit(id, 'clueRegistrationDue')).toMatchObject({ status: 'met' });
    // the acceptance limit counts from the receipt, not from the registration
    expect((await limit(id, 'clueAcceptanceDue')).dueAt).toBe((await limit(id, 'clueRegistrationDue')).dueAt);
    fx.clock.set('2026-03-10T10:00:00+08:00');
    const forwarded = await fx.engine.applyEvent(id, { type: 'FORWARD_TO_COMMISSION', reason: 'A breach of discipline', commission: 'Provincial Discipline Inspection Commission' }, clerk);
    expect(forwarded.case.context).toMatchObject({ outcome: { forwardedTo: 'Provincial Discipline Inspection Commission' } });
    expect(await limit(id, 'clueAcceptanceDue')).toMatchObject({ running: false, status: 'overdue' });
  });

  it('a clue passed down by another body is accepted within 5 working days of reaching the office, however long registering took', async () => {
    const { id } = await fx.engine.createCase({ type: 'clue', input: { ...clueAboutMaLin, channel: 'unitReferral' }, actor: clerk });
    fx.clock.set('2026-03-09T16:00:00+08:00');
    await fx.engine.applyEvent(id, { type: 'REGISTER', clueNumber: 'XS-2026-0043', handlerId: 'wang.fang' }, clerk);
    // accepted the next morning, at once after registering, but the day after its 5 working days from receipt: late
    fx.clock.set('2026-03-10T09:30:00+08:00');
    await fx.engine.applyEvent(id, { type: 'ACCEPT' }, clerk);
    expect(await limit(id, 'clueAcceptanceDue')).toMatchObject({ running: false, status: 'overdue' });
  });
});
