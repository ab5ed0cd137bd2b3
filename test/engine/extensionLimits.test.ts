import type { Actor } from '../../machines/types';
import { caseDefinitions } from '../../machines';
import { parseOfficePolicy } from '../../src/officePolicy';
import { criticism, engineFixture, liaison, supervisor, type EngineFixture } from '../support/engine';

/** A second approver: the conference chair. */
const chair: Actor = { id: 'chen.jing', role: 'conferenceChair' };

/** The office under test: a rectification plan is extended by at most 3 hours; more than 1 hour needs four eyes. */
const policy = parseOfficePolicy(
  {
    extensions: {
      byKind: {
        rectificationPlanDue: {
          atMost: { kind: 'duration', minutes: 180 },
          secondApproverBeyond: { kind: 'duration', minutes: 60 },
          basis: 'Office rule 7: a plan is extended by at most three hours; beyond one hour the director co-signs',
        },
      },
    },
  },
  caseDefinitions,
);

const at = (local: string) => Date.parse(`2026-11-25T${local}:00+08:00`);
const utc = (local: string) => new Date(at(local)).toISOString();

describe('extensions cannot launder lateness', () => {
  let fx: EngineFixture;
  let caseId: string;
  let deadlineId: string;
  beforeEach(async () => {
    fx = await engineFixture({ policy });
    caseId = (await fx.engine.createCase({ type: 'rectification', input: criticism(), actor: supervisor })).id;
    const { case: due } = await fx.engine.applyEvent(caseId, { type: 'NOTIFY_UNIT', liaisonId: liaison.id }, supervisor);
    deadlineId = due.deadlines.find((d) => d.kind === 'rectificationPlanDue')!.id;
  });
  afterEach(() => fx.cleanup());

  const planDue = async () => (await fx.engine.getCase(caseId)).deadlines.find((d) => d.id === deadlineId)!;

  it('an extension reaches at most the office’s bound past the original due moment, however it is split up', async () => {
    const before = await fx.dump();
    await expect(fx.engine.deadlines.extend(deadlineId, { until: at('00:30') + 86_400_000, reason: 'The director is away' }, supervisor)).rejects.toMatchObject({
      code: 'EXTENSION_BEYOND_LIMIT',
      details: { originalDueAt: utc('21:00'), latestAllowed: utc('24:00'), atMost: '180 minutes' },
    });
    expect(await fx.dump()).toEqual(before);

    // two small steps still count from 21:00: the second one passes the four-eyes threshold of 22:00
    await fx.engine.deadlines.extend(deadlineId, { until: at('21:50'), reason: 'Power cut' }, supervisor);
    const second = await fx.engine.deadlines.extend(deadlineId, { until: at('22:30'), reason: 'Power cut, still' }, supervisor);
    expect(second).toMatchObject({ dueAt: utc('21:50'), originalDueAt: utc('21:00'), pendingExtension: { until: utc('22:30'), requestedBy: supervisor } });
  });

  it('an extension beyond the threshold waits for a second approver, a different person with an approver role', async () => {
    const requested = await fx.engine.deadlines.extend(deadlineId, { until: at('23:00'), reason: 'The unit head is in hospital' }, supervisor);
    expect(requested).toMatchObject({ dueAt: utc('21:00'), status: 'pending', pendingExtension: { until: utc('23:00'), reason: 'The unit head is in hospital' } });
    const requestId = requested.pendingExtension!.requestId;
    expect((await fx.engine.history(caseId)).at(-1)).toMatchObject({
      id: requestId,
      type: 'DEADLINE_EXTENSION_REQUESTED',
      actor: supervisor,
      payload: { deadlineId, to: utc('23:00'), originalDueAt: utc('21:00'), needs: 'a second approver' },
    });

    const unchanged = await fx.dump();
    const approve = (who: Actor) => fx.engine.deadlines.approveExtension(deadlineId, requestId, who);
    // the one who asked, under any spelling of their id, is not a second pair of eyes
    await expect(approve({ id: ' LI.WEI ', role: 'admin' })).rejects.toMatchObject({ code: 'SECOND_APPROVER_REQUIRED', details: { requestedBy: 'li.wei' } });
    await expect(approve(liaison)).rejects.toMatchObject({ code: 'FORBIDDEN_ROLE' });
    await expect(fx.engine.deadlines.approveExtension(deadlineId, requestId + 1000, chair)).rejects.toMatchObject({ code: 'EXTENSION_REQUEST_NOT_PENDING' });
    expect(await fx.dump()).toEqual(unchanged);

    const granted = await approve(chair);
    expect(granted).toMatchObject({ dueAt: utc('23:00'), originalDueAt: utc('21:00'), status: 'pending', pendingExtension: null });
    expect((await fx.engine.history(caseId)).at(-1)).toMatchObject({
      type: 'DEADLINE_EXTENDED',
      actor: chair,
      payload: { requestId, requestedBy: 'li.wei', approvedBy: 'chen.jing', from: utc('21:00'), to: utc('23:00'), countedLate: false },
    });
    await expect(approve({ id: 'ma.lin', role: 'admin' })).rejects.toMatchObject({ code: 'EXTENSION_REQUEST_NOT_PENDING', details: { why: 'it was already approved' } });
  });

  it('a request overtaken by another change to the deadline can no longer be approved', async () => {
    const requested = await fx.engine.deadlines.extend(deadlineId, { until: at('23:00'), reason: 'The unit head is in hospital' }, supervisor);
    await fx.engine.deadlines.extend(deadlineId, { until: at('21:30'), reason: 'Half an hour is enough' }, chair);
    await expect(fx.engine.deadlines.approveExtension(deadlineId, requested.pendingExtension!.requestId, chair)).rejects.toMatchObject({
      code: 'EXTENSION_REQUEST_NOT_PENDING',
    });
    expect(await planDue()).toMatchObject({ dueAt: utc('21:30') });
  });

  it('an extension granted after the due moment leaves the deadline counted late: in the overdue list and the on-time rate', async () => {
    fx.clock.set('2026-11-25T21:20:00+08:00');
    const extended = await fx.engine.deadlines.extend(deadlineId, { until: at('21:50'), reason: 'Asked for too late' }, supervisor);
    expect(extended).toMatchObject({ dueAt: utc('21:50'), originalDueAt: utc('21:00'), status: 'overdue' });
    expect((await fx.engine.history(caseId)).at(-1)?.payload).toMatchObject({ countedLate: true, originalDueAt: utc('21:00') });

    expect(await fx.cf.supervision.overdue(fx.clock.now())).toEqual([
      expect.objectContaining({ caseId, deadlineId, dueAt: utc('21:50'), originalDueAt: utc('21:00'), extendedAfterLapse: true, latenessMs: 20 * 60_000 }),
    ]);

    // the plan arrives before the extended due time, and still counts as late
    fx.clock.set('2026-11-25T21:40:00+08:00');
    await fx.engine.applyEvent(caseId, { type: 'SUBMIT_PLAN', plan: 'Stamp desk open daily', measures: ['second clerk'], completionDueAt: '2026-12-10T00:00:00Z' }, liaison);
    expect(await planDue()).toMatchObject({ status: 'overdue', running: false, originalDueAt: utc('21:00') });
    const rates = await fx.cf.supervision.onTimeRates({ since: 0, until: fx.clock.now() + 1 });
    // late: the plan, the unit's; met: notifying the unit in time, the office's own
    expect(rates).toEqual([
      { owner: 'unit', unit: 'Municipal Housing Bureau', met: 0, late: 1, rate: 0 },
      { owner: 'office', unit: null, met: 1, late: 0, rate: 1 },
    ]);
  });

  it('an extension granted before the due moment is met when the plan arrives by the new time', async () => {
    fx.clock.set('2026-11-25T20:50:00+08:00');
    await fx.engine.deadlines.extend(deadlineId, { until: at('21:50'), reason: 'Asked in time' }, supervisor);
    fx.clock.set('2026-11-25T21:40:00+08:00');
    expect(await fx.cf.supervision.overdue(fx.clock.now())).toEqual([]);
    await fx.engine.applyEvent(caseId, { type: 'SUBMIT_PLAN', plan: 'Stamp desk open daily', measures: ['second clerk'], completionDueAt: '2026-12-10T00:00:00Z' }, liaison);
    expect(await planDue()).toMatchObject({ status: 'met', originalDueAt: utc('21:00'), dueAt: utc('21:50') });
    expect(await fx.cf.supervision.onTimeRates({ since: 0, until: fx.clock.now() + 1 })).toEqual([
      { owner: 'unit', unit: 'Municipal Housing Bureau', met: 1, late: 0, rate: 1 },
      { owner: 'office', unit: null, met: 1, late: 0, rate: 1 },
    ]);
  });
});
