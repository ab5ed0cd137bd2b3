/**
 * Identity-access routes: a caseworker asks to see a named reporter's identity with a reason, a
 * custodian approves or refuses (never their own request), and the requester has it shown once
 * while the approval is in time. Thin wrappers over the engine's identity commands, which decide
 * access inside their transaction; every step is an entry in the case's hash-chained log. The
 * reveal is the only answer that ever carries an identity, and it is marked not to be stored.
 */
import { actorOf } from '../../auth/accounts';
import { CUSTODIANS, IDENTITY_REQUESTERS } from '../../engine/policy';
import type { Api } from '../context';
import { requireUser } from '../routing';
import { caseIdParams, identityDecisionBody, identityQueue, identityQueueQuery, identityRequestBody, identityRequestList, identityRequestParams, identityRequestView, identityRevealView } from '../schemas';

/** Registers the identity-access routes. */
export function registerIdentityRoutes(api: Api): void {
  api.route(
    {
      method: 'POST',
      url: '/cases/:id/identity-requests',
      tag: 'identities',
      summary: 'Ask to see the named reporter’s identity, with a reason',
      description:
        'Recorded in the case log (IDENTITY_ACCESS_REQUESTED) and a custodian is notified. 409 NO_REPORTER_IDENTITY when the clue is anonymous. ' +
        'Custodians may ask too; another custodian decides.',
      access: IDENTITY_REQUESTERS,
      params: caseIdParams,
      body: identityRequestBody,
      status: 201,
      errors: [409],
      response: { description: 'The request, waiting for a custodian', schema: identityRequestView },
    },
    ({ params, body, user }) => api.engine.identities.request(params.id, { reason: body.reason }, actorOf(requireUser(user))),
  );

  api.route(
    {
      method: 'GET',
      url: '/cases/:id/identity-requests',
      tag: 'identities',
      summary: 'The identity-access requests of a case (custodians: all; others: their own)',
      access: IDENTITY_REQUESTERS,
      params: caseIdParams,
      response: { description: 'The requests, oldest first, without the identity', schema: identityRequestList },
    },
    async ({ params, user }) => ({ caseId: params.id, requests: await api.engine.identities.list(params.id, actorOf(requireUser(user))) }),
  );

  api.route(
    {
      method: 'GET',
      url: '/identity-requests',
      tag: 'identities',
      summary: 'The custodians’ queue: identity-access requests across every case (custodians)',
      description: 'Oldest first, in one status (`pending` unless `status` says otherwise); requests on a case about the custodian are left out.',
      access: CUSTODIANS,
      query: identityQueueQuery,
      response: { description: 'The requests, without the identity', schema: identityQueue },
    },
    async ({ query, user }) => {
      const status = query.status ?? 'pending';
      return { status, requests: await api.engine.identities.queue(actorOf(requireUser(user)), { status }) };
    },
  );

  api.route(
    {
      method: 'POST',
      url: '/cases/:id/identity-requests/:requestId/decision',
      tag: 'identities',
      summary: 'Approve or refuse an identity-access request (custodians)',
      description:
        'A custodian cannot decide their own request (403 SELF_APPROVAL_REFUSED); a request is decided once (409 IDENTITY_REQUEST_NOT_PENDING). ' +
        'An approval opens the reveal for CASEFLOW_IDENTITY_REVEAL_MINUTES (default 15).',
      access: CUSTODIANS,
      params: identityRequestParams,
      body: identityDecisionBody,
      errors: [409],
      response: { description: 'The decided request', schema: identityRequestView },
    },
    ({ params, body, user }) =>
      api.engine.identities.decide(params.id, params.requestId, { approve: body.decision === 'approve', ...(body.note !== undefined ? { note: body.note } : {}) }, actorOf(requireUser(user))),
  );

  api.route(
    {
      method: 'POST',
      url: '/cases/:id/identity-requests/:requestId/reveal',
      tag: 'identities',
      summary: 'See the reporter’s identity, once (the person whose request was approved)',
      description:
        'Shown once, while the approval is in time; recorded in the case log (IDENTITY_REVEALED). Afterwards, or once the time ran out ' +
        '(IDENTITY_REVEAL_EXPIRED in the log), 410 IDENTITY_REVEAL_UNAVAILABLE. Someone else’s request answers 404 as an unknown one.',
      access: IDENTITY_REQUESTERS,
      params: identityRequestParams,
      errors: [410, 503],
      response: { description: 'The identity (Cache-Control: no-store)', schema: identityRevealView },
    },
    async ({ params, user, reply }) => {
      const revealed = await api.engine.identities.reveal(params.id, params.requestId, actorOf(requireUser(user)));
      void reply.header('cache-control', 'no-store');
      return revealed;
    },
  );
}
