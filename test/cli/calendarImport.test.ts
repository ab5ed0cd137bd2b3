import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { CLI } from '../support/processes';

const run = promisify(execFile);

const clue = JSON.stringify({
  aspect: 'draggingFeet',
  summary: 'Permits sit unsigned for weeks',
  channel: 'hotline',
  anonymous: true,
  subject: { officialId: 'ma.lin', name: 'Ma Lin', post: 'Section chief', unit: 'Municipal Housing Bureau' },
});

describe('caseflow calendar import FILE, run as real processes', () => {
  let dir: string;
  const caseflow = async (...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> => {
    // every process starts its clock on Tuesday 28 September 2027, before the 2027 notice is loaded
    const env = { ...process.env, CASEFLOW_CLOCK_ORIGIN: '2027-09-28T10:00:00+08:00' };
    try {
      const { stdout, stderr } = await run(process.execPath, [CLI, '--db', path.join(dir, 'cal.sqlite'), ...args], { cwd: dir, env });
      return { code: 0, stdout, stderr };
    } catch (error) {
      const e = error as { code: number; stdout: string; stderr: string };
      return { code: e.code, stdout: e.stdout, stderr: e.stderr };
    }
  };
  beforeAll(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'caseflow-calendar-'))));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('an admin imports a year; the provisional deadline is recomputed, and later processes count by the new year', async () => {
    const registration = (shown: string) => (JSON.parse(shown) as { deadlines: { kind: string; dueAt: string; provisional: string | null }[] }).deadlines.find((d) => d.kind === 'clueRegistrationDue');
    const created = JSON.parse((await caseflow('--json', 'create', 'clue', '--as', 'wang.fang:intakeClerk', '--input', clue)).stdout) as { id: string };
    expect(registration((await caseflow('--json', 'show', created.id)).stdout)).toMatchObject({ dueAt: '2027-10-05T15:59:59.999Z', provisional: expect.stringContaining('2027') });

    const file = path.join(dir, '2027.json');
    const year = { year: 2027, holidays: ['2027-10-01', '2027-10-04', '2027-10-05', '2027-10-06', '2027-10-07'], makeupWorkdays: ['2027-10-09'], source: 'test data' };
    fs.writeFileSync(file, JSON.stringify(year));
    expect((await caseflow('calendar', 'import', file, '--as', 'wang.fang:intakeClerk')).stderr).toMatch(/^FORBIDDEN_ROLE:/);
    fs.writeFileSync(path.join(dir, 'bad.json'), JSON.stringify({ ...year, makeupWorkdays: ['2027-10-08'] }));
    expect((await caseflow('calendar', 'import', path.join(dir, 'bad.json'), '--as', 'root.admin:admin')).stderr).toMatch(/^INVALID_PAYLOAD:.*makeupWorkdays\.0/);

    const imported = await caseflow('calendar', 'import', file, '--as', 'root.admin:admin');
    expect(imported.code).toBe(0);
    expect(imported.stdout).toContain('2027 imported; it covers up to 2027');
    expect(imported.stdout).toContain('1 provisional deadline(s) recomputed');
    // Sep 29, Sep 30, Oct 8, Oct 9 (made up), Oct 11
    expect(registration((await caseflow('--json', 'show', created.id)).stdout)).toEqual(expect.objectContaining({ dueAt: '2027-10-11T15:59:59.999Z', provisional: null }));
    expect((await caseflow('history', created.id)).stdout).toContain('DEADLINE_RECOMPUTED');
    const later = JSON.parse((await caseflow('--json', 'create', 'clue', '--as', 'wang.fang:intakeClerk', '--input', clue)).stdout) as { deadlines: { dueAt: string; provisional: string | null }[] };
    expect(later.deadlines[0]).toMatchObject({ provisional: null });
  });
});
