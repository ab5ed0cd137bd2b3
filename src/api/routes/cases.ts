/**
 * Caseworkers' routes: open a case, send an event with the version last read, read a case, its
 * history and what reporters added, and list cases. Who may see which case is decided by the
 * engine's access policy (src/engine/policy.ts) inside the transaction that reads the case: nobody
 * reads or acts on a case about themselves, and a case the caller may not see is "not found",
 * exactly as an unknown id.
 */
import { caseDefinitions } from '../../../machines';
import { actorOf } from '../../auth/accounts';
import { USER_ROLES } from '../../auth/roles';
import { CASE_READERS, REPORTER_MESSAGE_READERS } from '../../engine/policy';
import { InvalidPayloadError, type PayloadIssue } from '../../errors';
import type { Api } from '../context';
import { createCaseBodyDoc, sendEventBodyDoc } from '../openapi';
import { requireUser } from '../routing';
import {
  applicantStatus,
  appliedEvent,
  caseHistory,
  caseIdParams,
  casePage,
  caseView,
  createCaseBody,
  listCasesQuery,
  reporterMessageList,
  sendEventBody,
} from '../schemas';

/**
 * Runs an engine call, renaming the fields of its INVALID_PAYLOAD issues to where they sit in the
 * request (the engine names them inside the input or payload); paths under `keep` are left as they are.
 */
async function fieldsUnder<T>(prefix: string, what: string, keep: readonly string[], call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (!(error instanceof InvalidPayloadError)) throw error;
    const issues = (error.details.issues as PayloadIssue[]).map((issue) =>
      keep.some((k) => issue.path === k || issue.path.startsWith(`${k}.`)) ? issue : { ...issue, path: issue.path ? `${prefix}.${issue.path}` : prefix },
    );
    throw new InvalidPayloadError(what, issues);
  }
}

/** Registers the case routes. */
export function registerCaseRoutes(api: Api): void {
  api.route(
    {
      method: 'POST',
      url: '/cases',
      tag: 'cases',
      summary: 'Open a case',
      description: 'The input is checked against the case type’s own schema; the roles that may open each type are listed per variant.',
      access: USER_ROLES,
      body: createCaseBody,
      bodyDoc: createCaseBodyDoc(caseDefinitions),
      status: 201,
      response: { description: 'The new case, with the events the caller may send now', schema: caseView },
    },
    ({ body, user }) => {
      if (body.reporter && body.type !== 'clue') {
        throw new InvalidPayloadError('request body', [{ path: 'reporter', message: `only a clue has a reporter, not a ${body.type}` }]);
      }
      return fieldsUnder('input', `${body.type} case`, ['reporter'], () =>
        api.engine.createCase({ type: body.type, input: body.input, actor: actorOf(requireUser(user)), ...(body.reporter ? { reporter: body.reporter } : {}) }),
      );
    },
  );

  api.route(
    {
      method: 'POST',
      url: '/cases/:id/events',
      tag: 'cases',
      summary: 'Send an event to a case',
      description:
        'Send the version you last read as expectedVersion: if the case moved on since, nothing is recorded and the answer is 409 VERSION_CONFLICT. ' +
        'The official a case is about may not send events on it (403).',
      access: USER_ROLES,
      params: caseIdParams,
      body: sendEventBody,
      bodyDoc: sendEventBodyDoc(caseDefinitions),
      errors: [409, 422],
      response: { description: 'The case after the event, and the event as logged', schema: appliedEvent },
    },
    ({ params, body, user }) => {
      const me = requireUser(user);
      if ('type' in body.payload) {
        throw new InvalidPayloadError('request body', [{ path: 'payload.type', message: 'the event type goes in the top-level "type" field' }]);
      }
      return fieldsUnder('payload', `${body.type} payload`, [], () =>
        api.engine.applyEvent(params.id, { ...body.payload, type: body.type }, actorOf(me), body.expectedVersion),
      );
    },
  );

  api.route(
    {
      method: 'GET',
      url: '/cases/:id',
      tag: 'cases',
      summary: 'Read a case: state, deadlines and the events the caller may send now',
      access: CASE_READERS,
      params: caseIdParams,
      response: { description: 'The case', schema: caseView },
    },
    ({ params, user }) => api.engine.getCase(params.id, actorOf(requireUser(user))),
  );

  api.route(
    {
      method: 'GET',
      url: '/cases/:id/history',
      tag: 'cases',
      summary: 'The event log of a case, oldest first',
      access: CASE_READERS,
      params: caseIdParams,
      response: { description: 'The event log', schema: caseHistory },
    },
    async ({ params, user }) => ({ caseId: params.id, events: await api.engine.history(params.id, actorOf(requireUser(user))) }),
  );

  api.route(
    {
      method: 'GET',
      url: '/cases/:id/applicant-status',
      tag: 'cases',
      summary: 'Where the caller’s own self-recommendation stands, in their words',
      description:
        'The candidate may not read their self-recommendation; this tells them its stage and status only, never a department’s view, ' +
        'the conference’s deliberation or a case that holds it up. Any other case, or one about someone else, is 404 as an unknown id.',
      access: USER_ROLES,
      params: caseIdParams,
      response: { description: 'The candidate’s status', schema: applicantStatus },
    },
    ({ params, user }) => api.engine.applicantStatus(params.id, actorOf(requireUser(user))),
  );

  api.route(
    {
      method: 'GET',
      url: '/cases/:id/reporter-messages',
      tag: 'cases',
      summary: 'Information reporters added to a clue with their receipt code',
      access: REPORTER_MESSAGE_READERS,
      params: caseIdParams,
      response: { description: 'The messages, oldest first', schema: reporterMessageList },
    },
    async ({ params, user }) => ({ caseId: params.id, messages: await api.engine.reporterMessages(params.id, actorOf(requireUser(user))) }),
  );

  api.route(
    {
      method: 'GET',
      url: '/cases',
      tag: 'cases',
      summary: 'List cases, newest first, one page at a time',
      description:
        'Pass the nextCursor of a page as cursor to get the next one. Cases about the caller are never listed; ' +
        'a unit liaison sees only the rectifications assigned to them.',
      access: CASE_READERS,
      query: listCasesQuery,
      response: { description: 'One page of cases', schema: casePage },
    },
    ({ query, user }) => fieldsUnder('query', 'list request', [], () => api.engine.listCases(query, actorOf(requireUser(user)))),
  );
}
