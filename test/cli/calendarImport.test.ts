/**
 * `caseflow calendar import FILE`, an operator command on the data file: recorded in each case log as
 * the operator (`operator:<os user>`, role `operator`), never as a person named on the command line.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openSqliteStore } from '../../db/sqlite';
import { runCli, seedUsers, startServer, type CliResult, type LiveServer } from '../support/liveServer';

const clue = JSON.stringify({
  aspect: 'draggingFeet',
  summary: 'Permits sit unsigned for weeks',
  channel: 'hotline',
  anonymous: true,
  subject: { officialId: 'ma.lin', name: 'Ma Lin', post: 'Section chief', unit: 'Municipal Housing Bureau' },
});

describe('caseflow calendar import FILE, run as real processes', () => {
  let dir: string;
  let db: string;
  let server: LiveServer;
  let token: string;
  // every process starts its clock on Tuesday 28 September 2027, before the 2027 notice is loaded
  const env = (): NodeJS.ProcessEnv => ({ ...process.env, CASEFLOW_CLOCK_ORIGIN: '2027-09-28T10:00:00+08:00', XDG_CONFIG_HOME: dir, DATABASE_URL: '', CASEFLOW_URL: '', CASEFLOW_TOKEN: '' });
  const caseflow = (...args: string[]): Promise<CliResult> => runCli(['--db', db, ...args], { cwd: dir, env: env() });
  const clerk = (...args: string[]): Promise<CliResult> => runCli(args, { cwd: dir, env: { ...env(), CASEFLOW_URL: server.url, CASEFLOW_TOKEN: token } });
  const serve = () => startServer(['--db', db], { cwd: dir, env: env() });

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'caseflow-calendar-'));
    db = path.join(dir, 'cal.sqlite');
    const store = openSqliteStore(db);
    try {
      token = (await seedUsers(store, { 'wang.fang': 'intakeClerk' }))['wang.fang']!;
    } finally {
      await store.close();
    }
    server = await serve();
  }, 60_000);
  afterAll(async () => {
    await server?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('the operator imports a year, recorded as the operator; the provisional deadline is recomputed, and a server started later counts by the new year', async () => {
    const registration = (shown: string) => (JSON.parse(shown) as { deadlines: { kind: string; dueAt: string; provisional: string | null }[] }).deadlines.find((d) => d.kind === 'clueRegistrationDue');
    const created = JSON.parse((await clerk('--json', 'create', 'clue', '--input', clue)).stdout) as { id: string };
    expect(registration((await clerk('--json', 'show', created.id)).stdout)).toMatchObject({ dueAt: '2027-10-05T15:59:59.999Z', provisional: expect.stringContaining('2027') });

    const file = path.join(dir, '2027.json');
    const year = { year: 2027, holidays: ['2027-10-01', '2027-10-04', '2027-10-05', '2027-10-06', '2027-10-07'], makeupWorkdays: ['2027-10-09'], source: 'test data' };
    fs.writeFileSync(file, JSON.stringify(year));
    expect((await caseflow('calendar', 'import', file, '--as', 'root.admin:admin')).stderr).toMatch(/^ACTOR_NOT_CLAIMABLE: caseflow calendar import no longer takes --as/);
    fs.writeFileSync(path.join(dir, 'bad.json'), JSON.stringify({ ...year, makeupWorkdays: ['2027-10-08'] }));
    expect((await caseflow('calendar', 'import', path.join(dir, 'bad.json'))).stderr).toMatch(/^INVALID_PAYLOAD:.*makeupWorkdays\.0/);

    const imported = await caseflow('calendar', 'import', file);
    expect(imported.code).toBe(0);
    expect(imported.stdout).toContain('2027 imported; it covers up to 2027');
    expect(imported.stdout).toContain('1 provisional deadline(s) recomputed');
    const operator = `operator:${os.userInfo().username.toLowerCase()}`;
    const log = JSON.parse((await clerk('--json', 'history', created.id)).stdout) as { type: string; actor: { id: string; role: string } }[];
    expect(log.find((e) => e.type === 'DEADLINE_RECOMPUTED')).toMatchObject({ actor: { id: operator, role: 'operator' } });

    // a server on SQLite reads the imported years when it starts (an admin's POST /admin/calendar-years reaches it at once)
    await server.stop();
    server = await serve();
    // Sep 29, Sep 30, Oct 8, Oct 9 (made up), Oct 11
    expect(registration((await clerk('--json', 'show', created.id)).stdout)).toEqual(expect.objectContaining({ dueAt: '2027-10-11T15:59:59.999Z', provisional: null }));
    const later = JSON.parse((await clerk('--json', 'create', 'clue', '--input', clue)).stdout) as { deadlines: { dueAt: string; provisional: string | null }[] };
    expect(later.deadlines[0]).toMatchObject({ provisional: null });
  }, 60_000);
});
