/**
 * Admins' migration plan page: GET /admin/migrations?type=T&toVersion=N shows the plan for every
 * open case of a type under the running policy, as a table (nothing is written; apply stays with
 * `caseflow migrate apply` and POST /admin/migrations/apply, where it is approved and audited).
 */
import { actorOf } from '../../auth/accounts';
import { CASE_TYPES } from '../../../machines/types';
import type { Web } from '../context';

/** Registers GET /admin/migrations. */
export function registerMigrationPages(web: Web): void {
  web.app.get('/admin/migrations', async (request, reply) => {
    const user = web.requireSignIn(request, reply);
    if (!user) return reply;
    const query = request.query as { type?: string; toVersion?: string };
    const type = query.type ?? '';
    const toVersion = Number(query.toVersion ?? '');
    const plan = type && Number.isInteger(toVersion) && toVersion > 0 ? await web.engine.migrations.plan({ type, toVersion }, actorOf(user)) : null;
    const rows = (plan?.cases ?? []).map((c) => ({
      id: c.caseId,
      versions: `v${c.fromVersion} → v${c.toVersion}`,
      state: c.sameState ? c.fromState : `${c.fromState} → ${c.toState ?? '?'}`,
      deadlines: c.deadlines.filter((d) => d.change !== 'unchanged').map((d) => `${d.kind} ${d.move}${d.becomesLate ? ' (becomes late)' : ''}${d.stopsBeingLate ? ' (would stop being late)' : ''}`),
      verdict: c.action === 'none' ? 'up to date' : c.safe ? 'safe' : 'to decide',
      decide: c.decide,
    }));
    return web.page(request, reply, 'migrations', { title: 'Migration plan', types: CASE_TYPES, type, toVersion: plan ? toVersion : '', plan, rows });
  });
}
