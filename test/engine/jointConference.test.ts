import type { Actor } from '../../machines/types';
import { chair, clueAboutMaLin, dic, od, verifier } from '../support/clues';
import { clerk, engineFixture, type EngineFixture } from '../support/engine';

describe('the joint conference on a clue', () => {
  let fx: EngineFixture;
  let caseId: string;
  const send = (type: string, payload: Record<string, unknown>, actor: Actor) => fx.engine.applyEvent(caseId, { type, ...payload }, actor);
  const odView = (view: string, recommendedOutcome: string, actor: Actor = od) => send('RECORD_OD_VIEW', { view, recommendedOutcome }, actor);
  const dicView = (view: string, recommendedOutcome: string, actor: Actor = dic) => send('RECORD_DIC_VIEW', { view, recommendedOutcome }, actor);
  const context = async () => (await fx.engine.getCase(caseId)).context as Record<string, unknown>;
  const deadline = async (kind: string) => (await fx.engine.getCase(caseId)).deadlines.find((d) => d.kind === kind)!;

  beforeEach(async () => {
    fx = await engineFixture();
    caseId = (await fx.engine.createCase({ type: 'clue', input: clueAboutMaLin, actor: clerk })).id;
    await send('REGISTER', { clueNumber: 'XS-2026-0042', handlerId: 'wang.fang' }, clerk);
    await send('ACCEPT', {}, clerk);
    await send('CHOOSE_DISPOSAL', { route: 'preliminaryVerification', reason: 'Three dated hotline records' }, chair);
    await send('ASSIGN_VERIFIER', { verifierId: verifier.id }, chair);
    await send('RECORD_FINDINGS', { findings: 'Three permits left unsigned for 19, 23 and 30 days' }, verifier);
    expect((await send('SUBMIT_TO_CONFERENCE', {}, verifier)).case.state).toBe('jointConference');
  });
  afterEach(() => fx.cleanup());

  it('a department’s view recorded again is appended: the latest counts, the earlier one stays in the view log and the case log', async () => {
    await odView('An admonishment is enough', 'admonished');
    fx.clock.advance(60_000);
    await odView('On reflection, he must rectify', 'rectificationOrdered');
    const { views, viewLog } = (await context()) as { views: { organizationDepartment: { text: string } }; viewLog: { department: string; text: string; by: string }[] };
    expect(views.organizationDepartment.text).toBe('On reflection, he must rectify');
    expect(viewLog).toEqual([
      expect.objectContaining({ department: 'organizationDepartment', text: 'An admonishment is enough', recommendedOutcome: 'admonished', by: od.id }),
      expect.objectContaining({ department: 'organizationDepartment', text: 'On reflection, he must rectify', recommendedOutcome: 'rectificationOrdered', by: od.id }),
    ]);
    const logged = (await fx.engine.history(caseId)).filter((e) => e.type === 'RECORD_OD_VIEW').map((e) => (e.payload as { view: string }).view);
    expect(logged).toEqual(['An admonishment is enough', 'On reflection, he must rectify']);
  });

  it('the two views come from two different people', async () => {
    await odView('An admonishment is enough', 'admonished');
    const before = await fx.dump();
    // the same person, now under the commission's role (and another spelling of their id)
    await expect(dicView('I agree with myself', 'admonished', { id: 'Zhang.Hua', role: 'disciplineCommission' })).rejects.toMatchObject({
      code: 'GUARD_REJECTED',
      details: { rules: [expect.objectContaining({ guard: 'independentViews', rule: expect.stringContaining('two different people') })] },
    });
    expect(await fx.dump()).toEqual(before);
    await expect(dicView('Admonish him', 'admonished')).resolves.toBeDefined();
  });

  it('the decision records which recommendations it followed, which it departed from, and the dissent', async () => {
    await odView('He must rectify', 'rectificationOrdered');
    await dicView('An admonishment is enough', 'admonished');
    await send('DECIDE', { outcome: 'rectificationOrdered', reason: 'The delays harmed applicants', dissent: 'The commission member holds that an admonishment suffices' }, chair);
    expect((await context()).conferenceDecision).toEqual({
      outcome: 'rectificationOrdered',
      followed: ['organizationDepartment'],
      departedFrom: [{ department: 'disciplineCommission', recommendedOutcome: 'admonished', by: dic.id }],
      dissent: 'The commission member holds that an admonishment suffices',
      by: chair.id,
      at: new Date(fx.clock.now()).toISOString(),
    });
  });

  it('each department has its own deadline for its view: met when it records it, else reminded, marked overdue and escalated to it', async () => {
    expect(await deadline('clueOrganizationDepartmentViewDue')).toMatchObject({ running: true, status: 'pending' });
    expect(await deadline('clueDisciplineCommissionViewDue')).toMatchObject({ running: true, status: 'pending' });
    await odView('He must rectify', 'rectificationOrdered');
    expect(await deadline('clueOrganizationDepartmentViewDue')).toMatchObject({ running: false, status: 'met' });

    const dicDue = await deadline('clueDisciplineCommissionViewDue');
    fx.clock.set(Date.parse(dicDue.dueAt) + 3 * 86_400_000);
    for (;;) {
      const row = await fx.store.read((tx) => tx.deadlines.byId(dicDue.id));
      if (!row?.nextFireAt || row.nextFireAt > fx.clock.now()) break;
      expect((await fx.engine.deadlines.fire(dicDue.id, row.scheduleRev)).kind).toBe('fired');
    }
    const steps = (await fx.engine.history(caseId)).filter((e) => e.kind === 'deadlineStep');
    expect(steps.map((e) => [(e.payload as { deadlineKind: string }).deadlineKind, e.type])).toEqual([
      ['clueDisciplineCommissionViewDue', 'DEADLINE_REMIND'],
      ['clueDisciplineCommissionViewDue', 'DEADLINE_OVERDUE'],
      ['clueDisciplineCommissionViewDue', 'DEADLINE_ESCALATE'],
    ]);
    expect((steps.at(-1)!.payload as { notified: string[] }).notified).toEqual(['disciplineCommission']);
    expect(await deadline('clueDisciplineCommissionViewDue')).toMatchObject({ status: 'overdue', warning: 'red' });
    // recorded late, the view closes its deadline as late
    await dicView('An admonishment is enough', 'admonished');
    expect(await deadline('clueDisciplineCommissionViewDue')).toMatchObject({ running: false, status: 'overdue' });
  });
});
