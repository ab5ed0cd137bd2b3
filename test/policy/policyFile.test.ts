import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { loadOfficePolicy } from '../../app/policyFile';
import { caseDefinitions } from '../../machines';
import { DEFAULT_POLICY, declaredLimits, InvalidPolicyError } from '../../src/officePolicy';
import { CLI } from '../support/processes';

const run = promisify(execFile);

describe('the office policy file', () => {
  let dir: string;
  const write = (name: string, body: unknown): string => {
    const file = path.join(dir, name);
    fs.writeFileSync(file, typeof body === 'string' ? body : JSON.stringify(body));
    return file;
  };
  const refusal = (file: string): InvalidPolicyError => {
    try {
      loadOfficePolicy(file, caseDefinitions);
    } catch (error) {
      if (error instanceof InvalidPolicyError) return error;
      throw error;
    }
    throw new Error(`${file} was accepted`);
  };

  beforeAll(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'caseflow-policy-'))));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('an office without a policy file works by the defaults of domain.md, each naming its basis', () => {
    const policy = loadOfficePolicy(undefined, caseDefinitions);
    expect(policy).toBe(DEFAULT_POLICY);
    expect(policy.rectificationPlan).toMatchObject({ dueAt: '21:00', atLeastMinutesAfterAiring: 60 });
    expect(policy.rectificationPlan.basis).toMatch(/21:00/);
    expect(policy.linkedCases.clueHoldsSelfRecommendation).toMatchObject({ enabled: true, basis: expect.stringMatching(/self-recommendation/) });
  });

  it('an office sets its own limit for one deadline, with the rule it comes from, and keeps every other default', () => {
    const file = write('office.json', {
      office: 'Wancheng District',
      limits: { clueConferenceDue: { limit: { kind: 'workingDays', days: 7 }, basis: 'Wancheng rule 12: the conference decides within 7 working days' } },
    });
    const policy = loadOfficePolicy(file, caseDefinitions);
    expect(policy.limits.clueConferenceDue).toEqual({ limit: { kind: 'workingDays', days: 7 }, basis: 'Wancheng rule 12: the conference decides within 7 working days' });
    expect(policy.rectificationPlan).toEqual(DEFAULT_POLICY.rectificationPlan);
  });

  it('a limit without its basis is refused, naming the field', () => {
    const error = refusal(write('nobasis.json', { limits: { clueConferenceDue: { limit: { kind: 'workingDays', days: 7 } } } }));
    expect(error.code).toBe('INVALID_POLICY');
    expect(error.message).toContain('limits.clueConferenceDue.basis');
  });

  it('a bad value is refused, naming the field and the rule it breaks', () => {
    const error = refusal(write('badtime.json', { rectificationPlan: { dueAt: '9pm' } }));
    expect(error.message).toMatch(/rectificationPlan\.dueAt: a time of day is written HH:mm/);
    expect(refusal(write('days.json', { limits: { clueConferenceDue: { limit: { kind: 'workingDays', days: -1 }, basis: 'x' } } })).message).toContain(
      'limits.clueConferenceDue.limit.days',
    );
  });

  it('a limit for a deadline no case type has, or one that follows a date the case holds, is refused', () => {
    const unknown = refusal(write('unknown.json', { limits: { clueConferenceDeu: { limit: { kind: 'workingDays', days: 7 }, basis: 'typo' } } }));
    expect(unknown.message).toContain('limits.clueConferenceDeu: no case type has a deadline "clueConferenceDeu"');
    const until = refusal(write('until.json', { limits: { rectificationPlanDue: { limit: { kind: 'duration', minutes: 30 }, basis: 'x' } } }));
    expect(until.message).toContain('limits.rectificationPlanDue: this deadline follows a date the case holds');
  });

  it('an unknown setting, a file that is not JSON and a missing file are refused', () => {
    expect(refusal(write('extra.json', { linkedCases: { clueHoldsSelfRecommendaton: { enabled: false } } })).message).toMatch(/linkedCases/);
    expect(refusal(write('broken.json', '{ "limits": ')).message).toMatch(/broken\.json is not valid: it is not JSON/);
    expect(refusal(path.join(dir, 'absent.json')).message).toMatch(/it cannot be read \(ENOENT\)/);
  });

  it('every limit is extended by at most 10 working days, and past 5 needs a second approver, unless the office says otherwise', () => {
    expect(DEFAULT_POLICY.extensions.default).toMatchObject({ atMost: { kind: 'workingDays', days: 10 }, secondApproverBeyond: { kind: 'workingDays', days: 5 } });
    const rule = { atMost: { kind: 'duration', minutes: 120 }, secondApproverBeyond: null, basis: 'Office rule 7: a plan is extended by two hours at most' };
    const policy = loadOfficePolicy(write('extensions.json', { extensions: { byKind: { rectificationPlanDue: rule } } }), caseDefinitions);
    expect(policy.extensions.byKind.rectificationPlanDue).toEqual(rule);
    expect(policy.extensions.default).toEqual(DEFAULT_POLICY.extensions.default);
  });

  it('an extension bound of an unknown deadline, without a basis, or with a four-eyes threshold past the bound is refused, naming the field', () => {
    const span = (days: number) => ({ kind: 'workingDays', days });
    const unknown = refusal(write('ext-unknown.json', { extensions: { byKind: { lunchDue: { atMost: span(2), secondApproverBeyond: null, basis: 'x' } } } }));
    expect(unknown.message).toContain('extensions.byKind.lunchDue: no case type has a deadline "lunchDue"');
    const noBasis = refusal(write('ext-nobasis.json', { extensions: { default: { atMost: span(2), secondApproverBeyond: null } } }));
    expect(noBasis.message).toContain('extensions.default.basis');
    const backwards = refusal(write('ext-backwards.json', { extensions: { default: { atMost: span(5), secondApproverBeyond: span(5), basis: 'x' } } }));
    expect(backwards.message).toContain('extensions.default.secondApproverBeyond: must be shorter than atMost');
    const badKind = refusal(write('ext-kind.json', { extensions: { default: { atMost: { kind: 'weeks', n: 1 }, secondApproverBeyond: null, basis: 'x' } } }));
    expect(badKind.message).toContain('extensions.default.atMost.kind: an extension span kind is one of: workingDays, duration');
  });

  it('the README lists every policy setting and every time limit with its default', () => {
    const readme = fs.readFileSync(path.join(__dirname, '..', '..', 'README.md'), 'utf8');
    const settings = [
      ...Object.keys(DEFAULT_POLICY.rectificationPlan).map((k) => `rectificationPlan.${k}`),
      ...Object.keys(DEFAULT_POLICY.linkedCases).map((k) => `linkedCases.${k}`),
      ...Object.keys(DEFAULT_POLICY.extensions.default).map((k) => `extensions.default.${k}`),
      'extensions.byKind.<deadline>',
      'cardConsequences.period',
      ...['yellowCards', 'pointsOff', 'due'].map((k) => `cardConsequences.formalLetter.${k}`),
      'cardConsequences.unitHeadTalk.due',
      ...['redCardsInARow', 'due'].map((k) => `cardConsequences.topOfficialTalk.${k}`),
      ...Object.keys(DEFAULT_POLICY.urging).map((k) => `urging.${k}`),
      ...Object.keys(DEFAULT_POLICY.adjustmentReview.patterns).map((k) => `adjustmentReview.patterns.${k}`),
    ];
    for (const setting of settings) expect({ setting, listed: readme.includes(`| \`${setting}\` |`) }).toEqual({ setting, listed: true });
    for (const [kind] of declaredLimits(caseDefinitions)) expect({ kind, listed: readme.includes(`| \`${kind}\` |`) }).toEqual({ kind, listed: true });
  });

  it('caseflow refuses to start on a bad policy file (--policy or CASEFLOW_POLICY) and says which field', async () => {
    const file = write('cli.json', { limits: { clueConferenceDue: { limit: { kind: 'weeks', n: 2 }, basis: 'x' } } });
    const db = path.join(dir, 'cli.sqlite');
    for (const [args, env] of [
      [['--policy', file], {}],
      [[], { CASEFLOW_POLICY: file }],
    ] as const) {
      const failed = await run(process.execPath, [CLI, '--db', db, ...args, 'audit', 'verify', '--all'], { cwd: dir, env: { ...process.env, ...env } }).then(
        () => null,
        (error: { code: number; stderr: string }) => error,
      );
      expect(failed?.code).not.toBe(0);
      expect(failed?.stderr).toMatch(/INVALID_POLICY: The policy file .*cli\.json is not valid: limits\.clueConferenceDue\.limit/);
    }
    expect(fs.existsSync(db)).toBe(false);
  });
});
