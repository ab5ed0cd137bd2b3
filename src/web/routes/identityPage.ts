/**
 * The identity block of a case: its identity-access requests, a form to ask (with a reason), a
 * custodian's approve / refuse forms, and, for the person whose request was approved, a button that
 * shows the identity once (Cache-Control: no-store). Every action goes through the engine's identity
 * commands, which decide access and write the case log; a refusal renders the error page.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { actorOf, type ApiUser } from '../../auth/accounts';
import type { IdentityReveal } from '../../engine/identityCommands';
import { CUSTODIANS, IDENTITY_REQUESTERS } from '../../engine/policy';
import type { Web } from '../context';

const field = (form: unknown, name: string): string => {
  const value = (form as Record<string, unknown> | null)?.[name];
  return typeof value === 'string' ? value : '';
};
const paramsOf = (request: FastifyRequest) => request.params as { id: string; requestId?: string };

/** Renders the identity block of `caseId` for `user`, with a reveal to show this once. */
async function renderIdentity(web: Web, request: FastifyRequest, reply: FastifyReply, user: ApiUser, caseId: string, revealed: IdentityReveal | null): Promise<string> {
  const actor = actorOf(user);
  const requests = await web.engine.identities.list(caseId, actor);
  const custodian = CUSTODIANS.includes(actor.role);
  if (revealed) void reply.header('cache-control', 'no-store');
  return web.page(request, reply, 'identity', {
    title: web.t(request)('identity.pageTitle', { caseId }),
    caseId,
    revealed,
    requests: requests.map((r) => ({
      ...r,
      mayDecide: custodian && r.status === 'pending' && r.requestedBy.id !== actor.id,
      mayReveal: r.status === 'approved' && r.requestedBy.id === actor.id,
    })),
    mayAsk: IDENTITY_REQUESTERS.includes(actor.role),
  });
}

/** Registers GET /case/:id/identity and its three forms' POST routes. */
export function registerIdentityPages(web: Web): void {
  const signedIn = (request: FastifyRequest, reply: FastifyReply) => web.requireSignIn(request, reply);
  const back = (reply: FastifyReply, caseId: string) => reply.redirect(`/case/${encodeURIComponent(caseId)}/identity`, 303);

  web.app.get('/case/:id/identity', async (request, reply) => {
    const user = signedIn(request, reply);
    if (!user) return reply;
    return renderIdentity(web, request, reply, user, paramsOf(request).id, null);
  });

  web.app.post('/case/:id/identity/requests', async (request, reply) => {
    const user = signedIn(request, reply);
    if (!user) return reply;
    const { id } = paramsOf(request);
    await web.engine.identities.request(id, { reason: field(request.body, 'reason') }, actorOf(user));
    return back(reply, id);
  });

  web.app.post('/case/:id/identity/requests/:requestId/decision', async (request, reply) => {
    const user = signedIn(request, reply);
    if (!user) return reply;
    const { id, requestId } = paramsOf(request);
    const note = field(request.body, 'note');
    await web.engine.identities.decide(id, Number(requestId), { approve: field(request.body, 'decision') === 'approve', ...(note ? { note } : {}) }, actorOf(user));
    return back(reply, id);
  });

  web.app.post('/case/:id/identity/requests/:requestId/reveal', async (request, reply) => {
    const user = signedIn(request, reply);
    if (!user) return reply;
    const { id, requestId } = paramsOf(request);
    const revealed = await web.engine.identities.reveal(id, Number(requestId), actorOf(user));
    return renderIdentity(web, request, reply, user, id, revealed);
  });
}
