/**
 * The caseworker's inbox: open cases assigned to the signed-in account, soonest due first.
 */
import { actorOf } from '../../auth/accounts';
import type { Web } from '../context';
import { localTime, timeLeft } from '../format';

/** Registers GET /inbox. */
export function registerInboxPages(web: Web): void {
  web.app.get('/inbox', async (request, reply) => {
    const user = web.requireSignIn(request, reply);
    if (!user) return reply;
    const actor = actorOf(user);
    const page = await web.engine.listCases({ assignee: user.name, status: 'open', limit: 100 }, actor);
    const now = web.clock.now();
    const rows = await Promise.all(
      page.cases.map(async (summary) => {
        const view = await web.engine.getCase(summary.id, actor);
        const due = view.deadlines.filter((d) => d.running).sort((a, b) => Date.parse(a.dueAt) - Date.parse(b.dueAt))[0];
        return { id: view.id, type: web.engine.definition(view.type).title, state: view.state, unit: view.unit ?? '—', dueMs: due ? Date.parse(due.dueAt) : Infinity, due: due ? `${localTime(due.dueAt, view.timeZone)} (${timeLeft(due.dueAt, now)})` : '—' };
      }),
    );
    rows.sort((a, b) => a.dueMs - b.dueMs);
    return web.page(request, reply, 'inbox', { title: 'Inbox', rows });
  });
}
