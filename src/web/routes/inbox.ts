/**
 * The caseworker's inbox: open cases assigned to the signed-in account or waiting on their role,
 * soonest due first; for a custodian, also the identity-access requests waiting for a decision.
 */
import { actorOf } from '../../auth/accounts';
import { CUSTODIANS } from '../../engine/policy';
import type { Web } from '../context';
import { localTime, timeLeft } from '../format';
import { caseTypeTitle } from '../i18n';

/** Registers GET /inbox. */
export function registerInboxPages(web: Web): void {
  web.app.get('/inbox', async (request, reply) => {
    const user = web.requireSignIn(request, reply);
    if (!user) return reply;
    const entries = await web.engine.inbox(actorOf(user));
    const now = web.clock.now();
    const t = web.t(request);
    const rows = entries.map((entry) => ({
      id: entry.id,
      type: caseTypeTitle(web.engine.definition(entry.type), t),
      state: entry.state,
      unit: entry.unit ?? '—',
      waitingOn: entry.waitingOn,
      due: entry.dueAt ? `${localTime(entry.dueAt, entry.timeZone ?? undefined)} (${timeLeft(entry.dueAt, now, t)})` : '—',
    }));
    // a custodian's inbox also holds the identity-access requests waiting for a decision, across cases
    const identityRequests = CUSTODIANS.includes(user.role)
      ? (await web.engine.identities.queue(actorOf(user))).map((r) => ({
          caseId: r.caseId,
          requestId: r.requestId,
          askedBy: `${r.requestedBy.id} (${r.requestedBy.role})`,
          reason: r.reason,
          asked: localTime(r.requestedAt),
        }))
      : null;
    return web.page(request, reply, 'inbox', { title: t('inbox.title'), rows, role: user.role, identityRequests });
  });
}
