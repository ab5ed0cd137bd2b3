/**
 * Official ids that cannot be spoofed. He Ping (he.ping) is the official a clue reports and the
 * candidate of a self-recommendation: every honest spelling of his id — capitals, stray spaces, a
 * fullwidth keyboard, invisible characters pasted from a document — must name him, so that he stays
 * out of his own case; every spelling that only looks like his — a Cyrillic "е", a dotless "ı", Greek
 * capitals — must be refused, so that nobody slips past the check under a look-alike name.
 * Machines are driven with XState's pure `initialTransition` and `transition`.
 */
import { initialTransition, transition, type AnyStateMachine, type SnapshotFrom } from 'xstate';
import { z } from 'zod';
import { clue, clueEvents, clueInput, type ClueEvent } from '../../machines/clue';
import {
  OFFICIAL_ID_RULE,
  canonicalOfficialId,
  isSafeOfficialId,
  officialId,
  officialIdProblem,
  sameOfficial,
} from '../../machines/officials';
import { rectification, rectificationEvents, rectificationInput, type RectificationEvent } from '../../machines/rectification';
import { selfRecommendation, selfRecommendationEvents, selfRecommendationInput, type SelfRecommendationEvent } from '../../machines/selfRecommendation';
import type { Actor } from '../../machines/types';

const HE_PING = 'he.ping';

/** Honest spellings of he.ping, as caseworkers and their tools produce them. */
const spellingsOfHePing: readonly [string, string][] = [
  ['with capitals', 'He.Ping'],
  ['in capitals', 'HE.PING'],
  ['with surrounding spaces', ' he.ping '],
  ['with a tab and a line break around it', '\the.ping\n'],
  ['with a no-break space and an ideographic space around it', '\u00A0he.ping\u3000'],
  ['with a zero-width space inside (U+200B)', 'he.\u200Bping'],
  ['with a zero-width joiner inside (U+200D)', 'he\u200D.ping'],
  ['with a byte-order mark in front (U+FEFF)', '\uFEFFhe.ping'],
  ['with a soft hyphen inside (U+00AD)', 'he.pi\u00ADng'],
  ['typed on a fullwidth keyboard, with the fullwidth full stop U+FF0E', 'ｈｅ．ｐｉｎｇ'],
  ['typed in fullwidth capitals', 'ＨＥ．ＰＩＮＧ'],
];

/** Spellings that only look like he.ping, or are no official id at all, with what the refusal must name. */
const refusedSpellings: readonly [string, string, RegExp][] = [
  ['with a dotless ı (U+0131)', 'he.p\u0131ng', /"ı" \(U\+0131\).*looks like the Latin "i"/],
  ['with a Cyrillic е (U+0435)', 'h\u0435.ping', /Cyrillic letter "е" \(U\+0435\), which looks like the Latin "e"/],
  ['with a Cyrillic р (U+0440)', 'he.\u0440ing', /Cyrillic letter "р" \(U\+0440\)/],
  ['with a Greek ρ and ι (U+03C1, U+03B9)', 'he.\u03C1\u03B9ng', /Greek letter "ρ" \(U\+03C1\)/],
  ['in Greek capitals that look like HE.PING (Η Ε Ρ Ι Ν)', '\u0397\u0395.\u03A1\u0399\u039DG', /Greek letter "η" \(U\+03B7\)/],
  ['with an ideographic full stop (U+3002)', 'he\u3002ping', /U\+3002/],
  ['with a right-to-left override (U+202E)', 'he.\u202Eping', /bidirectional control character \(U\+202E\)/],
  ['with a right-to-left mark (U+200F)', 'he.ping\u200F', /bidirectional control character \(U\+200F\)/],
  ['with a space inside', 'he ping', /space or line break \(U\+0020\)/],
  ['empty', '', /must not be empty/],
  ['whitespace only', ' \t\u3000 ', /must not be empty/],
  ['invisible characters only', '\u200B\uFEFF', /must not be empty/],
  ['65 characters long', 'h'.repeat(65), /too long \(65 characters; 64 at most\)/],
  ['starting with a dot', '.he.ping', /must start with a letter or digit/],
  ['in Chinese characters', '何平', /Han character "何" \(U\+4F55\)/],
];

describe('an official id is read in one canonical spelling', () => {
  it.each(spellingsOfHePing)('he.ping %s is he.ping', (_, spelling) => {
    expect(canonicalOfficialId(spelling)).toBe(HE_PING);
    expect(sameOfficial(spelling, HE_PING)).toBe(true);
    expect(sameOfficial(HE_PING, spelling)).toBe(true);
    expect(officialIdProblem(spelling)).toBeNull();
  });

  it('every honest spelling names the same official as every other', () => {
    for (const [, a] of spellingsOfHePing) for (const [, b] of spellingsOfHePing) expect(sameOfficial(a, b)).toBe(true);
  });

  it('reading an id twice changes nothing', () => {
    for (const [, spelling] of [...spellingsOfHePing, ...refusedSpellings]) {
      const once = canonicalOfficialId(spelling);
      expect(canonicalOfficialId(once)).toBe(once);
    }
  });

  it('keeps look-alike letters as they are, so that they are refused rather than read as he.ping', () => {
    expect(canonicalOfficialId('h\u0435.ping')).not.toBe(HE_PING);
    expect(canonicalOfficialId('he.p\u0131ng')).not.toBe(HE_PING);
    expect(sameOfficial('h\u0435.ping', HE_PING)).toBe(false);
    expect(sameOfficial('he.p\u0131ng', HE_PING)).toBe(false);
    expect(sameOfficial('\u0397\u0395.\u03A1\u0399\u039DG', HE_PING)).toBe(false);
  });

  it('does not strip accents: José is not jose, and its composed and decomposed spellings are one (refused) id', () => {
    const composed = 'jos\u00E9'; // é as one character (NFC)
    const decomposed = 'jose\u0301'; // e followed by a combining acute accent (NFD)
    expect(composed).not.toBe(decomposed);
    expect(canonicalOfficialId(composed)).toBe(canonicalOfficialId(decomposed));
    expect(canonicalOfficialId(decomposed)).not.toBe('jose');
    expect(sameOfficial(composed, decomposed)).toBe(true);
    expect(sameOfficial(decomposed, 'jose')).toBe(false);
    expect(officialIdProblem(composed)).toMatch(/accented letter "é" \(U\+00E9\)/);
    expect(officialIdProblem(decomposed)).toBe(officialIdProblem(composed));
  });

  it('keeps a right-to-left override, which would show "gnip.eh" as he.ping, so that it is refused', () => {
    const reversed = '\u202Egnip.eh';
    expect(canonicalOfficialId(reversed)).toBe(reversed);
    expect(sameOfficial(reversed, HE_PING)).toBe(false);
    expect(sameOfficial(reversed, 'gnip.eh')).toBe(false);
  });

  it('names nobody with an absent or empty id', () => {
    expect(sameOfficial(null, null)).toBe(false);
    expect(sameOfficial(undefined, HE_PING)).toBe(false);
    expect(sameOfficial(HE_PING, null)).toBe(false);
    expect(sameOfficial('', '')).toBe(false);
    expect(sameOfficial(' ', '\u200B')).toBe(false);
  });

  it('tells li.wei and he.ping apart', () => {
    expect(sameOfficial('li.wei', HE_PING)).toBe(false);
  });
});

describe('the safe alphabet', () => {
  it('is stated for caseworkers', () => {
    expect(OFFICIAL_ID_RULE).toMatch(/1–64 characters/);
    expect(OFFICIAL_ID_RULE).toMatch(/he\.ping/);
  });

  it('admits plain ids of letters, digits, dots, dashes and underscores up to 64 characters', () => {
    for (const id of [HE_PING, 'li.wei', 'official-zhang-wei', 'deadline-worker', 'w_2', '7', 'h'.repeat(64)]) {
      expect(isSafeOfficialId(id)).toBe(true);
      expect(officialIdProblem(id)).toBeNull();
    }
  });

  it('is checked on the id as given: isSafeOfficialId does not canonicalise', () => {
    expect(isSafeOfficialId('He.Ping')).toBe(false);
    expect(isSafeOfficialId(canonicalOfficialId('He.Ping'))).toBe(true);
  });

  it.each(refusedSpellings)('refuses an id %s, naming the problem', (_, spelling, problem) => {
    expect(isSafeOfficialId(canonicalOfficialId(spelling))).toBe(false);
    expect(officialIdProblem(spelling)).toMatch(problem);
  });

  it('never puts a reordering or invisible character into the message itself', () => {
    const message = officialIdProblem('he.\u202Eping') ?? '';
    expect(message).not.toMatch(/\p{Bidi_Control}/u);
  });
});

describe('the officialId schema', () => {
  const schema = officialId('the verifier');

  it('reads an honest spelling as the canonical id', () => {
    for (const [, spelling] of spellingsOfHePing) expect(schema.parse(spelling)).toBe(HE_PING);
  });

  it.each(refusedSpellings)('refuses an id %s with a message that starts with what the field is', (_, spelling, problem) => {
    const result = schema.safeParse(spelling);
    expect(result.success).toBe(false);
    const issue = result.error?.issues[0];
    expect(issue?.message).toMatch(/^the verifier /);
    expect(issue?.message).toMatch(problem);
  });

  it('refuses what is not text', () => {
    expect(schema.safeParse(42).error?.issues[0]?.message).toBe('the verifier must be text');
    expect(schema.safeParse(null).success).toBe(false);
  });

  it('composes inside a strict object, reporting the refusal at the field', () => {
    const payload = z.strictObject({ verifierId: officialId('the verifier') });
    expect(payload.parse({ verifierId: ' He.Ping ' })).toEqual({ verifierId: HE_PING });
    const refused = payload.safeParse({ verifierId: 'h\u0435.ping' });
    expect(refused.error?.issues).toEqual([
      expect.objectContaining({ code: 'custom', path: ['verifierId'], message: expect.stringContaining('U+0435') }),
    ]);
    expect(payload.safeParse({ verifierId: HE_PING, extra: 1 }).success).toBe(false);
  });

  it('can be documented as JSON Schema, with the rule as its description', () => {
    expect(z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' })).toMatchObject({
      type: 'string',
      description: expect.stringContaining(OFFICIAL_ID_RULE.slice(1)),
    });
    expect(() => z.toJSONSchema(clueInput, { io: 'input', unrepresentable: 'any' })).not.toThrow();
  });
});

// ---------------------------------------------------------------------------------------------
// Through the machines
// ---------------------------------------------------------------------------------------------

/** Sends `e` to `snapshot`; the new snapshot, or the same one when a guard refused it. */
function send<M extends AnyStateMachine>(machine: M, snapshot: SnapshotFrom<M>, e: Parameters<M['transition']>[1]): SnapshotFrom<M> {
  return transition(machine, snapshot, e)[0];
}

describe('a clue about he.ping', () => {
  const { machine } = clue;
  const clerk: Actor = { id: 'wang.fang', role: 'intakeClerk' };
  const chair: Actor = { id: 'chen.jun', role: 'conferenceChair' };
  const subject = { officialId: HE_PING, name: 'He Ping', post: 'Head of the Licensing Office', unit: 'Xincheng District Market Bureau' };
  const rawInput = {
    aspect: 'slowResponseToPublic',
    summary: 'Licence applications left unanswered for weeks',
    channel: 'hotline',
    anonymous: true,
    subject,
  };
  const open = (officialIdAsStored: string = HE_PING) =>
    initialTransition(machine, {
      ...clueInput.parse(rawInput),
      subject: { ...subject, officialId: officialIdAsStored },
      caseId: 'case-clue-he-ping',
      openedAt: '2026-03-02T09:00:00+08:00',
      openedBy: clerk,
    })[0];
  const register = (handlerId: string): ClueEvent => ({
    type: 'REGISTER',
    clueNumber: 'XS-2026-0007',
    handlerId,
    actor: clerk,
    at: '2026-03-03T10:00:00+08:00',
  });
  const toVerification = (start = open()) =>
    [
      register('zhao.lei'),
      { type: 'ACCEPT', actor: clerk, at: '2026-03-05T09:00:00+08:00' },
      {
        type: 'CHOOSE_DISPOSAL',
        route: 'preliminaryVerification',
        reason: 'Dated hotline records make the clue specific enough to check',
        actor: chair,
        at: '2026-03-09T15:00:00+08:00',
      },
    ].reduce((s, e) => send(machine, s, e as ClueEvent), start);
  const assignVerifier = (verifierId: string): ClueEvent => ({
    type: 'ASSIGN_VERIFIER',
    verifierId,
    actor: chair,
    at: '2026-03-10T09:00:00+08:00',
  });

  it('stores the subject in the canonical spelling the input schema gives', () => {
    const parsed = clueInput.parse({ ...rawInput, subject: { ...subject, officialId: ' ＨＥ．ＰＩＮＧ\u200B' } });
    expect(parsed.subject.officialId).toBe(HE_PING);
  });

  it('is refused at intake when the subject’s id has a Cyrillic look-alike, at subject.officialId', () => {
    const result = clueInput.safeParse({ ...rawInput, subject: { ...subject, officialId: 'h\u0435.ping' } });
    expect(result.success).toBe(false);
    expect(result.error?.issues).toEqual([
      expect.objectContaining({
        code: 'custom',
        path: ['subject', 'officialId'],
        message: expect.stringMatching(/^the id of the official reported contains the Cyrillic letter "е" \(U\+0435\)/),
      }),
    ]);
  });

  it('reaches verification with the ids used here', () => {
    expect(toVerification().value).toBe('verification');
  });

  it.each(['HE.PING', 'He.Ping', ' he.ping ', 'ｈｅ．ｐｉｎｇ', 'he.\u200Bping'])('refuses to name %j, he.ping himself, verifier', (spelling) => {
    const verifying = toVerification();
    expect(send(machine, verifying, assignVerifier(spelling))).toBe(verifying);
    // And the same through the event's schema, as the engine sends it.
    const payload = clueEvents.ASSIGN_VERIFIER.payload.parse({ verifierId: spelling });
    expect(send(machine, verifying, assignVerifier(payload.verifierId))).toBe(verifying);
  });

  it('refuses to name he.ping handler under another spelling', () => {
    const start = open();
    expect(send(machine, start, register('HE.PING'))).toBe(start);
    expect(send(machine, start, register('zhao.lei')).value).toEqual({ screening: 'acceptance' });
  });

  it('keeps he.ping out of his own clue whatever spelling his account has', () => {
    const start = open();
    expect(send(machine, start, { ...register('zhao.lei'), actor: { id: 'He.Ping', role: 'intakeClerk' } })).toBe(start);
  });

  it('keeps he.ping out of a clue stored before the rule with his id spelled "He.Ping"', () => {
    const start = open('He.Ping');
    expect(send(machine, start, { ...register('zhao.lei'), actor: { id: HE_PING, role: 'intakeClerk' } })).toBe(start);
    expect(send(machine, start, register(HE_PING))).toBe(start);
  });

  it('lets the assigned verifier record findings under any honest spelling of their id, and nobody else', () => {
    const assigned = send(machine, toVerification(), assignVerifier('sun.li'));
    expect(assigned.context.verifierId).toBe('sun.li');
    const findings = (id: string): ClueEvent => ({
      type: 'RECORD_FINDINGS',
      findings: 'Six applications waited more than 20 working days',
      actor: { id, role: 'verifier' },
      at: '2026-03-20T16:00:00+08:00',
    });
    expect(send(machine, assigned, findings('SUN.LI')).context.findings?.text).toMatch(/Six applications/);
    expect(send(machine, assigned, findings('sun.l\u0456'))).toBe(assigned); // Cyrillic і
  });
});

describe('a self-recommendation by he.ping', () => {
  const rawInput = {
    candidate: { officialId: 'He.Ping', name: 'He Ping', currentPost: 'Deputy head, Licensing Office', unit: 'Xincheng District Market Bureau' },
    targetPost: 'Head, Licensing Office',
    channel: 'organizationDepartment',
    statement: 'I cut licence waiting times from 20 working days to 3 and ask to be considered for the post.',
    evidence: ['Licensing Office waiting-time report, 2025'],
  };
  const input = selfRecommendationInput.parse(rawInput);
  const { openerRule } = selfRecommendation;
  const official = (id: string): Actor => ({ id, role: 'official' });

  it('stores the candidate in the canonical spelling', () => {
    expect(input.candidate.officialId).toBe(HE_PING);
  });

  it('may be opened by official he.ping for the candidate spelled "He.Ping"', () => {
    expect(openerRule).toBeDefined();
    expect(openerRule?.({ ...input, candidate: { ...input.candidate, officialId: 'He.Ping' } }, official(HE_PING))).toBeNull();
    expect(openerRule?.(input, official('HE.PING'))).toBeNull();
  });

  it('may not be opened by official li.wei, nor by a look-alike of he.ping', () => {
    expect(openerRule?.(input, official('li.wei'))).toMatch(/only themself/);
    expect(openerRule?.(input, official('h\u0435.ping'))).toMatch(/only themself/);
  });

  it('is refused at intake when the candidate’s id is a look-alike, at candidate.officialId', () => {
    const result = selfRecommendationInput.safeParse({ ...rawInput, candidate: { ...rawInput.candidate, officialId: 'he.p\u0131ng' } });
    expect(result.error?.issues).toEqual([expect.objectContaining({ path: ['candidate', 'officialId'], message: expect.stringContaining('U+0131') })]);
  });

  it('is not passed on by he.ping himself, whatever the spelling of his account', () => {
    const { machine } = selfRecommendation;
    const submittedTo = (channelHolderId: string) =>
      initialTransition(machine, {
        ...input,
        channel: 'mainLeaders',
        channelHolderId,
        caseId: 'SR-2026-0007',
        openedAt: '2026-06-01T09:00:00+08:00',
        openedBy: official(HE_PING),
      })[0];
    const forward = (id: string): SelfRecommendationEvent => ({
      type: 'FORWARD',
      actor: { id, role: 'mainLeader' },
      at: '2026-06-03T10:00:00+08:00',
    });
    const toHimself = submittedTo('he.ping');
    expect(send(machine, toHimself, forward(' HE.PING '))).toBe(toHimself);
    const toLeader = submittedTo('leader-gao');
    expect(send(machine, toLeader, forward(' HE.PING '))).toBe(toLeader);
    expect(send(machine, toLeader, forward('Leader-Gao')).value).not.toEqual(toLeader.value);
    expect(selfRecommendationEvents.FORWARD.roles).toContain('mainLeader');
  });
});

describe('a rectification whose liaison is zhou.min', () => {
  const { machine } = rectification;
  const supervisor: Actor = { id: 'li.wei', role: 'supervisor' };
  const start = initialTransition(machine, {
    ...rectificationInput.parse({
      unit: 'Municipal Housing Bureau',
      report: 'Residents wait three months for a property certificate',
      airedAt: '2026-11-25T20:00:00+08:00',
    }),
    caseId: 'case-rect-zhou-min',
    openedAt: '2026-11-25T20:02:00+08:00',
    openedBy: supervisor,
  })[0];
  const notify = (liaisonId: string): RectificationEvent => ({
    type: 'NOTIFY_UNIT',
    ...rectificationEvents.NOTIFY_UNIT.payload.parse({ liaisonId }),
    actor: supervisor,
    at: '2026-11-25T20:05:00+08:00',
  });
  const submitPlan = (id: string): RectificationEvent => ({
    type: 'SUBMIT_PLAN',
    plan: 'Open a same-day lane for property certificates',
    measures: ['open a same-day lane'],
    completionDueAt: '2026-12-10T18:00:00+08:00',
    actor: { id, role: 'unitLiaison' },
    at: '2026-11-25T20:50:00+08:00',
  });

  it('names the liaison in the canonical spelling, and refuses a look-alike', () => {
    expect(send(machine, start, notify(' Zhou.Min ')).context.liaisonId).toBe('zhou.min');
    const refused = rectificationEvents.NOTIFY_UNIT.payload.safeParse({ liaisonId: 'zh\u043Eu.min' });
    expect(refused.error?.issues[0]?.message).toMatch(/^the unit liaison contains the Cyrillic letter "о" \(U\+043E\)/);
  });

  it('takes the plan from the named liaison under any honest spelling, and not from a look-alike', () => {
    const due = send(machine, start, notify('zhou.min'));
    expect(send(machine, due, submitPlan('ZHOU.MIN')).value).toBe('planReview');
    expect(send(machine, due, submitPlan('zh\u043Eu.min'))).toBe(due);
  });

  it('does not let the unit’s own liaison accept its plan as supervisor, whatever the spelling', () => {
    const review = send(machine, send(machine, start, notify('zhou.min')), submitPlan('zhou.min'));
    const accept = (id: string): RectificationEvent => ({
      type: 'ACCEPT_PLAN',
      reason: 'The measures are concrete and dated',
      actor: { id, role: 'supervisor' },
      at: '2026-11-26T09:30:00+08:00',
    });
    expect(send(machine, review, accept('Zhou.Min\u200D'))).toBe(review);
    expect(send(machine, review, accept('li.wei')).value).toBe('inProgress');
  });
});
