/**
 * The walkthrough end to end over HTTP: an admin creates a caseworker and a supervisor with
 * tokens, a reporter files an anonymous clue, the clerk advances it, its deadline passes and the
 * supervisor sees it overdue, and the reporter checks the status with the receipt code.
 */
import { Accounts } from '../../src/auth/accounts';
import { publicClue, startApi, type ApiFixture } from './support/server';

describe('walkthrough', () => {
  let api: ApiFixture;
  beforeEach(async () => {
    api = await startApi();
  });
  afterEach(() => api.close());

  test('file anonymously, advance, go overdue, check the status', async () => {
    // `caseflow user add boss --role admin` and `caseflow token create --user boss`, as the README says.
    const accounts = new Accounts(api.store, api.clock);
    await accounts.addUser('boss', 'admin');
    const admin = (await accounts.createToken('boss')).token;
    for (const [name, role] of [['desk.clerk', 'intakeClerk'], ['desk.supervisor', 'supervisor']]) {
      expect((await api.request('POST', '/auth/users', { token: admin, body: { name, role } })).status).toBe(201);
    }
    const clerk = (await api.request('POST', '/auth/tokens', { token: admin, body: { user: 'desk.clerk' } })).body.token as string;
    const supervisor = (await api.request('POST', '/auth/tokens', { token: admin, body: { user: 'desk.supervisor' } })).body.token as string;

    const filed = await api.request('POST', '/public/clues', { body: publicClue() });
    expect(filed.status).toBe(201);
    const receipt = filed.body.receiptCode as string;

    const page = await api.request('GET', '/cases?type=clue&state=received', { token: clerk });
    const id = page.body.cases[0].id as string;
    const read = await api.request('GET', `/cases/${id}`, { token: clerk });
    expect(read.body.allowedEvents).toEqual(['REGISTER']);
    const registered = await api.request('POST', `/cases/${id}/events`, {
      token: clerk,
      body: { type: 'REGISTER', payload: { clueNumber: 'XS-2026-0042', handlerId: 'desk.clerk' }, expectedVersion: read.body.version },
    });
    expect(registered.status).toBe(200);
    const due = registered.body.case.deadlines.find((d: { running: boolean }) => d.running);
    expect(due.kind).toBe('clueAcceptanceDue');

    expect((await api.request('GET', '/supervision/overdue', { token: supervisor })).body.cases).toEqual([]);
    api.clock.set(Date.parse(due.dueAt) + 3600_000);
    const overdue = await api.request('GET', '/supervision/overdue', { token: supervisor });
    expect(overdue.body.cases).toEqual([expect.objectContaining({ caseId: id, deadlineKind: 'clueAcceptanceDue', latenessMs: 3600_000 })]);

    const status = await api.request('GET', '/public/clues/status', { headers: { 'x-receipt-code': receipt } });
    expect(status.body).toEqual({ stage: 'inProgress', status: 'Registered: your clue is being reviewed' });
  });
});
