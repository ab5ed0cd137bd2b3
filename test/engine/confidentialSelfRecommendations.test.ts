/**
 * A self-recommendation is confidential: the person on the channel passes it on and keeps it to
 * themself. Only those who handle it read it — the channel holder it was given to, the Organization
 * Department, the Discipline Inspection Commission, the conference chair and admins. Anyone else
 * cannot tell it exists: every read answers as for an unknown id, lists, inboxes, links and
 * supervision lists leave it out, and the counts name no case.
 */
import type { Actor } from '../../machines/types';
import { CaseflowError, CaseNotFoundError } from '../../src/errors';
import { clerk, engineFixture, supervisor, type EngineFixture } from '../support/engine';

const verifier: Actor = { id: 'liu.yang', role: 'verifier' };
const od: Actor = { id: 'zhao.lei', role: 'organizationDepartment' };
const dic: Actor = { id: 'sun.li', role: 'disciplineCommission' };
const chair: Actor = { id: 'chen.jie', role: 'conferenceChair' };
const admin: Actor = { id: 'root.admin', role: 'admin' };
/** The responsible person of he.ping's Party organization, and of another official's. */
const partyHead: Actor = { id: 'xu.ming', role: 'partyOrganizationHead' };
const otherPartyHead: Actor = { id: 'gao.yan', role: 'partyOrganizationHead' };

/** What `officialId` hands to the responsible person `holder` of their Party organization. */
const recommendation = (officialId: string, holder: Actor) => ({
  candidate: { officialId, name: officialId, currentPost: 'Deputy director', unit: 'Municipal Housing Bureau' },
  targetPost: 'Director, Municipal Housing Bureau',
  channel: 'partyOrganization',
  channelHolderId: holder.id,
  statement: 'I cleared the permit backlog a year early and ask to be considered for the post.',
  evidence: ['Backlog report, 2025'],
});

const clueAbout = (officialId: string) => ({
  aspect: 'draggingFeet',
  summary: 'Applications left unanswered',
  channel: 'hotline',
  anonymous: true,
  subject: { officialId, name: officialId, post: 'Deputy director', unit: 'Municipal Housing Bureau' },
});

/** The refusal `read` ends in, as its JSON. */
async function refusal(read: () => Promise<unknown>): Promise<unknown> {
  try {
    await read();
  } catch (error) {
    if (error instanceof CaseflowError) return error.toJSON();
    throw error;
  }
  return 'read';
}

describe('engine: a self-recommendation is read only by those who handle it', () => {
  let fx: EngineFixture;
  beforeEach(async () => {
    fx = await engineFixture();
  });
  afterEach(() => fx.cleanup());

  const recommend = async (officialId: string, holder: Actor): Promise<string> =>
    (await fx.engine.createCase({ type: 'selfRecommendation', input: recommendation(officialId, holder), actor: { id: officialId, role: 'official' } })).id;

  test('an intake clerk, a verifier or a supervisor cannot tell a self-recommendation exists, and nothing is stored', async () => {
    const id = await recommend('he.ping', partyHead);
    const before = await fx.dump();
    for (const reader of [clerk, verifier, supervisor]) {
      const notFound = { reader: reader.role, answer: new CaseNotFoundError(id).toJSON() };
      expect({ reader: reader.role, answer: await refusal(() => fx.engine.getCase(id, reader)) }).toEqual(notFound);
      expect({ reader: reader.role, answer: await refusal(() => fx.engine.history(id, reader)) }).toEqual(notFound);
      expect({ reader: reader.role, answer: await refusal(() => fx.engine.escalationTimes(id, reader)) }).toEqual(notFound);
      expect({ reader: reader.role, answer: await refusal(() => fx.engine.applyEvent(id, { type: 'FORWARD' }, reader, 99)) }).toEqual(notFound);
      expect({ reader: reader.role, listed: (await fx.engine.listCases({}, reader)).cases.map((c) => c.id) }).toEqual({ reader: reader.role, listed: [] });
      expect({ reader: reader.role, listed: (await fx.engine.listCases({ type: 'selfRecommendation' }, reader)).cases }).toEqual({ reader: reader.role, listed: [] });
    }
    expect(await fx.dump()).toEqual(before);
  });

  test('the channel holder reads the recommendation given to them, not another holder’s', async () => {
    const given = await recommend('he.ping', partyHead);
    const another = await recommend('ma.lin', otherPartyHead);
    expect((await fx.engine.getCase(given, partyHead)).id).toBe(given);
    expect(await refusal(() => fx.engine.getCase(another, partyHead))).toEqual(new CaseNotFoundError(another).toJSON());
    expect((await fx.engine.listCases({}, partyHead)).cases.map((c) => c.id)).toEqual([given]);
    expect((await fx.engine.listCases({}, otherPartyHead)).cases.map((c) => c.id)).toEqual([another]);
    expect((await fx.engine.inbox(partyHead)).map((e) => e.id)).toEqual([given]);
  });

  test('the Organization Department, the Commission, the conference chair and admins read it and find it in their lists', async () => {
    const id = await recommend('he.ping', partyHead);
    for (const reader of [od, dic, chair, admin]) {
      expect({ reader: reader.role, read: (await fx.engine.getCase(id, reader)).id }).toEqual({ reader: reader.role, read: id });
      expect({ reader: reader.role, listed: (await fx.engine.listCases({}, reader)).cases.map((c) => c.id) }).toEqual({ reader: reader.role, listed: [id] });
    }
  });

  test('a clue about the candidate names the recommendation it holds up only to those who read recommendations', async () => {
    const id = await recommend('he.ping', partyHead);
    const clue = (await fx.engine.createCase({ type: 'clue', input: clueAbout('he.ping'), actor: clerk })).id;
    expect((await fx.engine.getCase(clue, clerk)).links).toEqual([]);
    expect((await fx.engine.getCase(clue, chair)).links.map((l) => [l.caseId, l.relation])).toEqual([[id, 'holdsUp']]);
    // the clerk's own list shows the clue and nothing else
    expect((await fx.engine.listCases({}, clerk)).cases.map((c) => c.id)).toEqual([clue]);
  });

  test('a late forwarding limit is in the overdue and red-card lists of admins, not of supervisors; the unit’s card counts and its card consequence keep it without naming it', async () => {
    const id = await recommend('he.ping', partyHead);
    const forwarding = (await fx.engine.getCase(id, od)).deadlines.find((d) => d.kind === 'selfRecommendationForwardingDue')!;
    const fireDue = async () => {
      for (;;) {
        const due = (await fx.store.read((tx) => tx.deadlines.runningOfCase(id))).find((d) => d.nextFireAt !== null && d.nextFireAt <= fx.clock.now());
        if (!due || (await fx.engine.deadlines.fire(due.id, due.scheduleRev)).kind !== 'fired') return;
      }
    };
    fx.clock.set(Date.parse(forwarding.dueAt) + 60_000);
    await fireDue();
    const overdueFor = async (reader: Actor) => (await fx.cf.supervision.overdue(fx.clock.now(), {}, reader)).map((o) => o.caseId);
    expect(await overdueFor(admin)).toEqual([id]);
    expect(await overdueFor(supervisor)).toEqual([]);

    fx.clock.advance(10 * 24 * 3600_000);
    await fireDue();
    expect((await fx.engine.getCase(id, od)).state).toBe('eligibilityCheck');
    const period = { since: 0, until: fx.clock.now() + 1 };
    const redCardsFor = async (reader: Actor) => (await fx.cf.supervision.escalations(period, {}, reader)).map((e) => e.caseId);
    expect(await redCardsFor(admin)).toEqual([id]);
    expect(await redCardsFor(supervisor)).toEqual([]);
    // the counts name no case: the unit's cards are there for every supervisor
    // the red card's consequence, a talk with the unit head, is the supervisors' to carry out: it names no recommendation
    const [talk, ...more] = (await fx.engine.listCases({ type: 'supervisionAction' }, supervisor)).cases;
    expect(more).toEqual([]);
    const talkCase = await fx.engine.getCase(talk!.id, supervisor);
    expect(talkCase.context).toMatchObject({ consequence: 'unitHeadTalk', action: 'Hold a talk with the head of Municipal Housing Bureau about its red card on a confidential case' });
    expect(JSON.stringify([talkCase, await fx.engine.history(talk!.id, supervisor)])).not.toContain(id);
    const consequenceCards = async (reader: Actor) => (await fx.cf.supervision.cardConsequences(period, {}, reader)).flatMap((c) => c.cards.map((card) => [card.caseId, card.warning]));
    expect(await consequenceCards(supervisor)).toEqual([['a confidential case', 'red']]);
    expect(await consequenceCards(admin)).toEqual([[id, 'red']]);
    const cards = await fx.cf.supervision.warningCardCounts(period);
    expect(cards).toEqual([{ unit: 'Municipal Housing Bureau', blue: 1, yellow: 1, red: 1 }]);
  });
});
