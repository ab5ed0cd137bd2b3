import { clueScript, people } from '../../app/demoScripts';
import { parseOfficePolicy } from '../../src/officePolicy';
import { caseDefinitions } from '../../machines';
import { engineFixture, type EngineFixture } from '../support/engine';

describe('an office policy through the engine', () => {
  let fx: EngineFixture | undefined;
  afterEach(() => fx?.cleanup());

  it('a deadline runs by the office’s own limit and shows the office’s basis; other deadlines keep the defaults', async () => {
    const basis = 'Wancheng rule 3: a clue is registered within 2 working days';
    const policy = parseOfficePolicy({ limits: { clueRegistrationDue: { limit: { kind: 'workingDays', days: 2 }, basis } } }, caseDefinitions);
    // Monday 2 November 2026, 09:00 in Shanghai: two working days end on Wednesday 4 November
    fx = await engineFixture({ policy }, '2026-11-02T09:00:00+08:00');
    const opened = await fx.engine.createCase({ type: 'clue', input: clueScript.input, actor: people.clerk });
    expect(opened.deadlines).toEqual([
      expect.objectContaining({ kind: 'clueRegistrationDue', basis, dueAt: new Date('2026-11-04T23:59:59.999+08:00').toISOString() }),
    ]);
  });

  it('without a policy the same deadline runs by the machine’s default (5 working days)', async () => {
    fx = await engineFixture({}, '2026-11-02T09:00:00+08:00');
    const opened = await fx.engine.createCase({ type: 'clue', input: clueScript.input, actor: people.clerk });
    expect(opened.deadlines).toEqual([
      expect.objectContaining({ kind: 'clueRegistrationDue', basis: expect.stringContaining('5 working days'), dueAt: new Date('2026-11-09T23:59:59.999+08:00').toISOString() }),
    ]);
  });
});
