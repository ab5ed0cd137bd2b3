/**
 * Migrating a case an older caseflow opened, before the opening input was logged: its log cannot
 * be replayed, so `migrate plan` offers to carry it over as it stands — its state (or the one a
 * person maps it to) and its context kept, its deadlines planned again under the new rules from the
 * moment each started — and `migrate apply` moves it only when a person lists it.
 */
import type { ComposedCaseflow } from '../../app/compose';
import { EMPTY_HEAD, nextLink } from '../../db/chain';
import type { ChainHead, NewCaseEvent } from '../../db/records';
import { caseDefinitions } from '../../machines';
import type { CaseDefinition } from '../../machines/types';
import { stateValueOf } from '../../src/engine/migration/carry';
import { criticism, engineFixture, liaison, supervisor, type EngineFixture } from '../support/engine';
import { newVersions } from '../support/machineVersions';

const admin = { id: 'root.admin', role: 'admin' } as const;
const OLD = 'RC-OLD-1';
const withVersion = (replaced: CaseDefinition): CaseDefinition[] => caseDefinitions.map((d) => (d.type === replaced.type ? replaced : d));

/**
 * A rectification with its plan under review, copied as an older caseflow stored it: the same rows,
 * the same log, but a CASE_OPENED entry that carries no input. Returns the copy's id.
 */
async function oldCaseUnderReview(fx: EngineFixture): Promise<string> {
  const { id } = await fx.engine.createCase({ type: 'rectification', input: criticism(), actor: supervisor });
  await fx.engine.applyEvent(id, { type: 'NOTIFY_UNIT', liaisonId: liaison.id }, supervisor);
  fx.clock.advance(10 * 60_000);
  await fx.engine.applyEvent(id, { type: 'SUBMIT_PLAN', plan: 'Answer every stamp request in 3 days', measures: ['a task force'], completionDueAt: '2027-01-15T18:00:00+08:00' }, liaison);
  await fx.store.withTransaction(async (tx) => {
    const row = (await tx.cases.byId(id))!;
    await tx.cases.insert({ ...row, id: OLD });
    for (const d of await tx.deadlines.ofCase(id)) await tx.deadlines.insert({ ...d, id: d.id.replace(id, OLD), caseId: OLD });
    let head: ChainHead = EMPTY_HEAD;
    for (const e of await tx.events.ofCase(id)) {
      const entry: NewCaseEvent = {
        caseId: OLD,
        version: e.version,
        kind: e.kind,
        type: e.type,
        actorId: e.actorId,
        actorRole: e.actorRole,
        at: e.at,
        payload: e.kind === 'created' ? JSON.stringify({}) : e.payload,
        fromState: e.fromState,
        toState: e.toState,
      };
      const link = nextLink(head, entry);
      await tx.events.append({ ...entry, ...link });
      head = { seq: link.seq, hash: link.hash };
    }
    expect(await tx.cases.moveChainHead(OLD, EMPTY_HEAD, head)).toBe(true);
  });
  return OLD;
}

describe('migrate: a case opened before the opening input was logged is carried over, never replayed', () => {
  let fx: EngineFixture;
  afterEach(() => fx.cleanup());

  async function upgradedTo(change: keyof (typeof newVersions)['rectification']): Promise<ComposedCaseflow> {
    fx = await engineFixture();
    await oldCaseUnderReview(fx);
    return fx.openAnother({ definitions: withVersion(newVersions.rectification[change]) });
  }

  it('a lengthened limit: the plan offers to carry it over, its review deadline moved; apply moves it only when listed', async () => {
    const upgraded = await upgradedTo('limitLengthened');
    const engine = upgraded.engine;
    const before = await engine.history(OLD);
    const plan = await engine.migrations.plan({ type: 'rectification', toVersion: 2 }, admin);
    const old = plan.cases.find((c) => c.caseId === OLD)!;
    expect(old).toMatchObject({ safe: false, applicableWhenListed: true, action: 'migrate', fromState: 'planReview', toState: 'planReview', sameState: true });
    expect(old.decide).toEqual([expect.stringContaining('cannot be replayed (opened before caseflow logged the opening input)')]);
    const review = old.deadlines.find((d) => d.kind === 'planReviewDue')!;
    expect(review).toMatchObject({ change: 'moved' });
    expect(review.moveMs).toBeGreaterThan(0);

    // not listed: left as it is
    const unlisted = await engine.migrations.apply({ type: 'rectification', toVersion: 2 }, admin);
    expect(unlisted.applied.map((a) => a.caseId)).not.toContain(OLD);
    expect(await engine.history(OLD)).toEqual(before);

    const listed = await engine.migrations.apply({ type: 'rectification', toVersion: 2, cases: [OLD] }, admin);
    expect(listed.applied).toEqual([expect.objectContaining({ caseId: OLD, event: 'MACHINE_MIGRATED', fromVersion: 1, toVersion: 2, fromState: 'planReview', toState: 'planReview', deadlinesChanged: 1 })]);
    const view = await engine.getCase(OLD);
    expect(view).toMatchObject({ machineVersion: 2, state: 'planReview' });
    expect(view.deadlines.find((d) => d.kind === 'planReviewDue')!.dueAt).toBe(review.newDueAt);
    const history = await engine.history(OLD);
    expect(history.slice(0, before.length)).toEqual(before);
    expect(history.slice(before.length).map((e) => e.type)).toEqual(['MACHINE_MIGRATED']);
    expect((await upgraded.audit.verifyCase(OLD)).ok).toBe(true);

    // the case goes on under the new machine
    await engine.applyEvent(OLD, { type: 'ACCEPT_PLAN', reason: 'The plan answers every point raised on air' }, supervisor);
    expect((await engine.getCase(OLD)).state).not.toBe('planReview');

    // applied again, nothing changes
    const dump = await fx.dump();
    expect((await engine.migrations.apply({ type: 'rectification', toVersion: 2, cases: [OLD] }, admin)).applied).toEqual([]);
    expect(await fx.dump()).toEqual(dump);
  });

  it('a renamed state: nothing to carry it into until a person maps it; mapped and listed, it moves to the new name', async () => {
    const upgraded = await upgradedTo('stateRenamed');
    const engine = upgraded.engine;
    const unmapped = (await engine.migrations.plan({ type: 'rectification', toVersion: 2 }, admin)).cases.find((c) => c.caseId === OLD)!;
    expect(unmapped).toMatchObject({ safe: false, applicableWhenListed: false, stateGone: true, toState: null });
    expect(unmapped.decide).toEqual([expect.stringContaining('--map planReview=STATE')]);
    const dump = await fx.dump();
    const refused = await engine.migrations.apply({ type: 'rectification', toVersion: 2, cases: [OLD] }, admin);
    expect(refused.applied).toEqual([]);
    expect(refused.skipped).toEqual([expect.objectContaining({ caseId: OLD })]);
    expect(await fx.dump()).toEqual(dump);

    const map = { planReview: 'planScrutiny' };
    const mapped = (await engine.migrations.plan({ type: 'rectification', toVersion: 2, map }, admin)).cases.find((c) => c.caseId === OLD)!;
    expect(mapped).toMatchObject({ applicableWhenListed: true, toState: 'planScrutiny', stateGone: true });
    const applied = await engine.migrations.apply({ type: 'rectification', toVersion: 2, map, cases: [OLD] }, admin);
    expect(applied.applied).toEqual([expect.objectContaining({ caseId: OLD, fromState: 'planReview', toState: 'planScrutiny' })]);
    const view = await engine.getCase(OLD);
    expect(view).toMatchObject({ machineVersion: 2, state: 'planScrutiny' });
    expect(view.deadlines.filter((d) => d.status === 'pending').map((d) => d.kind)).toEqual(['planReviewDue']);
    expect((await upgraded.audit.verifyCase(OLD)).ok).toBe(true);
  });
});

describe('state strings back to state values', () => {
  it('reads a top-level state, a nested one and parallel regions', () => {
    expect(stateValueOf('planDue')).toBe('planDue');
    expect(stateValueOf('screening.acceptance')).toEqual({ screening: 'acceptance' });
    expect(stateValueOf('conference.od.waiting,conference.dic.recorded')).toEqual({ conference: { od: 'waiting', dic: 'recorded' } });
  });
});
