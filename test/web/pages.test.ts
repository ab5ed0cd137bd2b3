/**
 * The web pages over HTTP, as the signed-in account sees them: the overdue board (supervisors only,
 * most late first, filters), the case page (statechart with the current state, deadlines, timeline,
 * event forms that go through the engine), and the access rules the engine's policy decides — a
 * unit liaison sees only their unit's rectifications, nobody sees a case about themselves, and a
 * hidden case answers as an unknown id.
 */
import { clueInput, fireDueSteps, rectificationInput, sendEvent, type ApiFixture } from '../api/support/server';
import { signedInAs, startWeb, WebClient } from './support/web';

const HOUR = 3_600_000;

describe('web pages', () => {
  let api: ApiFixture;
  beforeEach(async () => {
    api = await startWeb();
  });
  afterEach(() => api.close());

  /** A rectification of `unit` notified through `liaisonId`: its plan is due an hour after airing. */
  async function rectification(unit: string, liaisonId = 'zhou.min', airedAt = '2026-11-25T20:00:00+08:00'): Promise<string> {
    const created = await api.request('POST', '/cases', { as: 'supervisor', body: { type: 'rectification', input: { ...rectificationInput(), unit, airedAt } } });
    const id = created.body.id as string;
    expect((await sendEvent(api, 'supervisor', id, 'NOTIFY_UNIT', { liaisonId })).status).toBe(200);
    return id;
  }

  const rowsOf = (html: string): string[] => [...html.matchAll(/<tr data-case="([^"]+)"/g)].map((m) => m[1]!);
  const textOf = (html: string): string => html.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');

  test('the overdue board lists late deadlines across units, most late first, with lateness, card and level, and filters them', async () => {
    const housing = await rectification('Municipal Housing Bureau');
    api.clock.advance(HOUR / 2);
    const water = await rectification('Water Bureau', 'sun.hao', '2026-11-25T20:30:00+08:00');
    expect(rowsOf((await (await signedInAs(api, 'supervisor')).get('/board')).html)).toEqual([]);

    api.clock.advance(2 * HOUR); // 22:30: housing 1.5 h late, water 1 h late
    await fireDueSteps(api, housing);
    const li = await signedInAs(api, 'supervisor');
    const board = await li.get('/board');
    expect(board.status).toBe(200);
    expect(rowsOf(board.html)).toEqual([housing, water]);
    const housingRow = /<tr data-case="[^"]+">([\s\S]*?)<\/tr>/.exec(board.html)![1]!;
    expect(textOf(housingRow)).toContain('Municipal Housing Bureau');
    expect(textOf(housingRow)).toContain('1.5 h (1 h 30 min)');
    expect(textOf(housingRow)).toContain('2026-11-25 21:00'); // due, in Shanghai time
    expect(housingRow).toContain('class="card-red"');

    expect(rowsOf((await li.get('/board?unit=Water%20Bureau')).html)).toEqual([water]);
    expect(rowsOf((await li.get('/board?warning=red')).html)).toEqual([housing]);
    expect(rowsOf((await li.get('/board?level=0')).html)).toEqual([water]);
    expect(rowsOf((await li.get('/board?type=clue')).html)).toEqual([]);

    // urge (催办) the most late unit from the board: logged on the case, a notice queued, the board says so
    const deadlineId = /name="deadlineId" value="([^"]+)"/.exec(board.html)![1]!;
    await li.get('/board?warning=red');
    const urged = await li.post('/board/urge', { deadlineId, back: '/board?warning=red' });
    expect(urged.status).toBe(303);
    expect(urged.location).toBe(`/board?${new URLSearchParams({ warning: 'red', urged: deadlineId }).toString()}`);
    expect((await li.get(urged.location!)).html).toContain('The unit was urged on deadline');
    expect((await api.engine.history(housing)).at(-1)).toMatchObject({ type: 'URGED', actor: { id: 'li.wei', role: 'supervisor' } });
    expect((await api.store.read((tx) => tx.notifications.ofCase(housing))).filter((n) => n.step?.startsWith('urged@'))).toHaveLength(1);
    expect(textOf((await li.get(`/case/${housing}`)).html)).toContain('URGED by li.wei (supervisor)');
    const clerk = await signedInAs(api, 'clerk');
    const before = await api.dump();
    expect((await clerk.post('/board/urge', { deadlineId }, { headers: { accept: 'application/json' } })).status).toBe(403);
    expect(await api.dump()).toEqual(before);
  });

  test('the board’s event stream says "changed" when a case changes, without naming it; it is for supervisors, and an open stream does not hold up shutdown', async () => {
    const li = await signedInAs(api, 'supervisor');
    const cookie = `cf_session=${li.cookies.get('cf_session')!}`;
    const response = await fetch(`${api.url}/board/events`, { headers: { cookie } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    const reader = response.body!.getReader();
    const decoder = new TextDecoder();
    let received = '';
    const readUntil = async (text: string): Promise<void> => {
      while (!received.includes(text)) {
        const { value, done } = await reader.read();
        if (done) throw new Error(`the stream ended before "${text}": ${received}`);
        received += decoder.decode(value);
      }
    };
    await readUntil('retry: 3000');
    expect(received).not.toContain('event: changed');
    const id = await rectification('Water Bureau', 'sun.hao');
    await readUntil('event: changed');
    expect(received).toContain('event: changed\ndata: {}\n\n');
    expect(received).not.toContain(id);

    const clerk = await signedInAs(api, 'clerk');
    const refused = await fetch(`${api.url}/board/events`, { headers: { cookie: `cf_session=${clerk.cookies.get('cf_session')!}`, accept: 'application/json' } });
    expect(refused.status).toBe(403);
    // afterEach closes the server with this stream still open
  });

  test('the board is for supervisors: a caseworker is refused with FORBIDDEN_ROLE; signed out, it asks to sign in', async () => {
    const clerk = await signedInAs(api, 'clerk');
    const refused = await clerk.get('/board', { accept: 'application/json' });
    expect(refused.status).toBe(403);
    expect(JSON.parse(refused.html)).toMatchObject({ code: 'FORBIDDEN_ROLE' });
    const anonymous = await fetch(`${api.url}/board`, { redirect: 'manual' });
    expect(anonymous.status).toBe(303);
  });

  test('the case page shows state, unit, deadlines with time left, the timeline and the statechart with the current state highlighted', async () => {
    const id = await rectification('Municipal Housing Bureau');
    api.clock.advance(20 * 60_000);
    const li = await signedInAs(api, 'supervisor');
    const page = await li.get(`/case/${id}`);
    expect(page.status).toBe(200);
    expect(textOf(page.html)).toContain('planDue');
    expect(textOf(page.html)).toContain('Municipal Housing Bureau');
    expect(textOf(page.html)).toContain('40 min left');
    expect(page.html).toMatch(/<svg class="statechart"[^>]*role="img"/);
    const current = [...page.html.matchAll(/<g class="state current" data-state="([^"]+)"/g)].map((m) => m[1]);
    expect(current).toEqual(['planDue']);
    expect(page.html).toMatch(/<text class="time-left"[^>]*>40 min left \(rectificationPlanDue\)<\/text>/);
    expect(page.html).toContain('data-state="planReview"');
    expect(textOf(page.html)).toMatch(/NOTIFY_UNIT by li\.wei \(supervisor\): criticismAired → planDue/);
    // every escalation time of the running deadline, not only the next
    const ladder = [...page.html.matchAll(/<li data-step="([^"]+)">([\s\S]*?)<\/li>/g)].map((m) => `${m[1]}: ${textOf(m[2]!).trim()}`);
    expect(ladder).toEqual([
      'remind: remind ( blue card ): 2026-11-25 20:45 — to come',
      'overdue: overdue ( yellow card ): 2026-11-25 21:00 — to come',
      'escalate: escalate ( red card ): 2026-11-25 21:30 — to come',
    ]);
    api.clock.advance(30 * 60_000);
    await fireDueSteps(api, id);
    const fragment = await li.get(`/case/${id}/ladder`);
    expect(fragment.status).toBe(200);
    expect(fragment.html).not.toContain('<html');
    expect(textOf(fragment.html)).toContain('remind ( blue card ): 2026-11-25 20:45 — done');
    expect(textOf(fragment.html)).toContain('overdue ( yellow card ): 2026-11-25 21:00 — to come');
    const liaisonOfAnother = await signedInAs(api, 'liaison');
    const other = await rectification('Water Bureau', 'sun.hao');
    expect((await liaisonOfAnother.get(`/case/${other}/ladder`, { accept: 'application/json' })).status).toBe(404);
  });

  test('an event sent through its form goes through the engine: a bad value shows its field error in the API’s words and stores nothing; a good one moves the case', async () => {
    const id = await rectification('Municipal Housing Bureau');
    const liaison: WebClient = await signedInAs(api, 'liaison');
    const page = await liaison.get(`/case/${id}`);
    expect(page.html).toContain('<label for="SUBMIT_PLAN-plan">Plan</label>');
    expect(page.html).toContain('<label for="SUBMIT_PLAN-measures">Measures</label>');
    const version = /name="_version" value="(\d+)"/.exec(page.html)![1]!;

    const before = await api.dump();
    const bad = await liaison.post(`/case/${id}/events`, { _event: 'SUBMIT_PLAN', _version: version, plan: 'Open a same-day lane', measures: 'same-day lane', completionDueAt: 'next week' });
    expect(bad.status).toBe(400);
    const apiWords = await api.request('POST', `/cases/${id}/events`, { as: 'liaison', body: { type: 'SUBMIT_PLAN', payload: { plan: 'Open a same-day lane', measures: ['same-day lane'], completionDueAt: 'next week' }, expectedVersion: Number(version) } });
    const apiMessage = (apiWords.body.details.issues as { path: string; message: string }[]).find((i) => i.path.endsWith('completionDueAt'))!.message;
    expect(bad.html).toContain(`<span class="field-error" id="SUBMIT_PLAN-completionDueAt-error" data-field="completionDueAt">${apiMessage.replace(/'/g, '&#39;')}</span>`);
    expect(bad.html).toContain('value="next week"');
    expect(await api.dump()).toEqual(before);

    const good = await liaison.post(`/case/${id}/events`, { _event: 'SUBMIT_PLAN', _version: version, plan: 'Open a same-day lane', measures: 'same-day lane\nweekly report', completionDueAt: '2026-12-20T18:00:00+08:00' });
    expect(good.status).toBe(303);
    const after = await api.engine.getCase(id);
    expect(after.state).toBe('planReview');
    expect(after.context).toMatchObject({ plan: { measures: ['same-day lane', 'weekly report'], submittedBy: 'zhou.min' } });
    const moved = await liaison.get(`/case/${id}`);
    expect([...moved.html.matchAll(/<g class="state current" data-state="([^"]+)"/g)].map((m) => m[1])).toEqual(['planReview']);
    expect(textOf(moved.html)).toContain('SUBMIT_PLAN by zhou.min (unitLiaison): planDue → planReview');
  });

  test('a unit liaison sees only the rectifications of their unit; any other case answers as an unknown id', async () => {
    const own = await rectification('Municipal Housing Bureau');
    const other = await rectification('Water Bureau', 'sun.hao');
    const clue = (await api.request('POST', '/cases', { as: 'clerk', body: { type: 'clue', input: clueInput() } })).body.id as string;
    const liaison = await signedInAs(api, 'liaison');
    expect((await liaison.get(`/case/${own}`)).status).toBe(200);
    const unknown = await liaison.get('/case/RC-20261125-NOSUCHCASE00', { accept: 'application/json' });
    expect(unknown.status).toBe(404);
    for (const hidden of [other, clue]) {
      const answer = await liaison.get(`/case/${hidden}`, { accept: 'application/json' });
      expect({ status: answer.status, body: JSON.parse(answer.html.replaceAll(hidden, 'RC-20261125-NOSUCHCASE00')) as unknown }).toEqual({ status: 404, body: JSON.parse(unknown.html) });
    }
    const inbox = await liaison.get('/inbox');
    expect(inbox.html).toContain(own);
    expect(inbox.html).not.toContain(other);
  });

  test('the board shows the 100 most late deadlines and says there are more; asked for all, it shows every one', async () => {
    const ids: string[] = [];
    const firstAiring = Date.parse('2026-11-25T20:00:00+08:00');
    for (let i = 0; i < 102; i++) {
      // each aired a minute after the one before, so its plan is due a minute later: a minute less late
      ids.push(await rectification(`Unit ${String(i).padStart(3, '0')}`, 'zhou.min', new Date(firstAiring + i * 60_000).toISOString()));
      api.clock.advance(60_000);
    }
    api.clock.advance(4 * HOUR);
    const li = await signedInAs(api, 'supervisor');
    const board = await li.get('/board');
    expect(rowsOf(board.html)).toEqual(ids.slice(0, 100));
    expect(textOf(board.html)).toContain('Only the 100 most late are shown');
    const all = /<a href="(\/board\?[^"]*show=all[^"]*)">/.exec(board.html)![1]!.replaceAll('&amp;', '&');
    expect(rowsOf((await li.get(all)).html)).toEqual(ids);
    expect(rowsOf((await li.get('/board?unit=Unit%20101')).html)).toEqual([ids[101]]);
  });

  test('an intake clerk’s inbox holds the clues waiting on their role, soonest due first, and not a clue about the clerk', async () => {
    const first = (await api.request('POST', '/cases', { as: 'clerk', body: { type: 'clue', input: clueInput() } })).body.id as string;
    api.clock.advance(HOUR);
    const second = (await api.request('POST', '/cases', { as: 'clerk', body: { type: 'clue', input: clueInput() } })).body.id as string;
    const aboutClerk = (await api.request('POST', '/cases', { as: 'supervisor', body: { type: 'clue', input: clueInput({ subject: { officialId: 'wang.fang', name: 'Wang Fang', post: 'Clerk', unit: 'Supervision Office' } }) } })).body.id as string;
    const clerk = await signedInAs(api, 'clerk');
    const inbox = await clerk.get('/inbox');
    expect(inbox.status).toBe(200);
    const listed = [...inbox.html.matchAll(/<a href="\/case\/([^"]+)">/g)].map((m) => decodeURIComponent(m[1]!));
    expect(listed).toEqual([first, second]);
    expect(listed).not.toContain(aboutClerk);
    expect(textOf(inbox.html)).toContain('your role');

    // registered with the clerk as its handler, the clue is theirs by name: the inbox says so
    expect((await sendEvent(api, 'clerk', first, 'REGISTER', { clueNumber: 'XS-2026-0001', handlerId: 'wang.fang' })).status).toBe(200);
    const rowOf = (html: string, id: string): string => textOf(new RegExp(`<tr><td><a href="/case/${id}">[\\s\\S]*?</tr>`).exec(html)![0]);
    const after = (await clerk.get('/inbox')).html;
    expect(rowOf(after, first)).toContain(' you ');
    expect(rowOf(after, second)).toContain('your role');
    // a verifier waits on none of them yet
    expect((await (await signedInAs(api, 'verifier')).get('/inbox')).html).toContain('No open case is waiting on you.');
  });

  test('nobody sees a case about themselves: its page refuses as the API does, and the board leaves it out', async () => {
    const aboutLi = (await api.request('POST', '/cases', { as: 'clerk', body: { type: 'clue', input: clueInput({ subject: { officialId: 'li.wei', name: 'Li Wei', post: 'Supervisor', unit: 'Supervision Office' } }) } })).body.id as string;
    api.clock.advance(40 * 24 * HOUR);
    const li = await signedInAs(api, 'supervisor');
    const page = await li.get(`/case/${aboutLi}`, { accept: 'application/json' });
    const viaApi = await api.request('GET', `/cases/${aboutLi}`, { as: 'supervisor' });
    expect({ status: page.status, body: JSON.parse(page.html) as unknown }).toEqual({ status: viaApi.status, body: viaApi.body });
    expect(page.status).toBe(403);
    expect(page.html).not.toContain('Li Wei');
    expect(rowsOf((await li.get('/board')).html)).not.toContain(aboutLi);
    const admin = await signedInAs(api, 'admin');
    expect(rowsOf((await admin.get('/board')).html)).toContain(aboutLi);
  });

  test('a reporter files a clue on the web, gets the receipt code once, checks its status and adds information; their name is never shown', async () => {
    const reporter = new WebClient(api.url);
    await reporter.get('/report');
    const missing = await reporter.post('/report', { aspect: 'slowResponseToPublic', summary: '', subjectName: 'He Ping', officialId: 'he.ping', post: 'Deputy director', unit: 'Municipal Housing Bureau' });
    expect(missing.status).toBe(400);
    expect(missing.html).toContain('data-field="summary">the summary of the clue must not be empty</span>');
    const filed = await reporter.post('/report', { aspect: 'slowResponseToPublic', summary: 'No answer for three weeks', subjectName: 'He Ping', officialId: 'he.ping', post: 'Deputy director', unit: 'Municipal Housing Bureau', reporterName: 'Zhang Sanfeng' });
    expect(filed.status).toBe(200);
    const code = /data-testid="receipt">([^<]+)</.exec(filed.html)![1]!;
    expect(code).toMatch(/^[0-9A-Z]{4}(-[0-9A-Z]{4}){7}$/);
    expect(filed.html).toContain('Received: your clue is waiting to be registered');

    const status = await reporter.post('/report/status', { receiptCode: code });
    expect(status.status).toBe(200);
    expect(textOf(status.html)).toContain('Status: Received');
    const added = await reporter.post('/report/status', { receiptCode: code, information: 'He also ignored my phone calls' });
    expect(added.html).toContain('Your information was received.');
    const wrong = await reporter.post('/report/status', { receiptCode: 'ABCD-EFGH-JKMN-PQRS' });
    expect(wrong.status).toBe(404);

    const caseId = (await api.engine.listCases({ type: 'clue' })).cases[0]!.id;
    const clerk = await signedInAs(api, 'clerk');
    const casePage = await clerk.get(`/case/${caseId}`);
    expect(casePage.status).toBe(200);
    expect(casePage.html).not.toContain('Zhang Sanfeng');
  });
});
