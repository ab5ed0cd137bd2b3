/**
 * Caseworkers' routes: open a case, send an event with the version last read, read a case, its
 * history and what reporters added, and list cases. Every route that shows a case applies the one
 * read rule of src/auth/caseAccess.ts: nobody reads or acts on a case about themselves, and a unit
 * liaison sees only the rectifications assigned to them (any other case is "not found").
 */
import { inArray } from 'drizzle-orm';
import { cases } from '../../../db/schema';
import { caseDefinitions } from '../../../machines';
import { actorOf, type ApiUser } from '../../auth/accounts';
import { authorizeCaseRead, mayReadCase, readableCaseFilter, type CaseAccessFacts } from '../../auth/caseAccess';
import { CASE_READERS, REPORTER_MESSAGE_READERS, USER_ROLES } from '../../auth/roles';
import type { CaseFilter, CasePage } from '../../engine/queries';
import type { CaseView } from '../../engine/views';
import { CaseNotFoundError, InvalidPayloadError, type PayloadIssue } from '../../errors';
import type { Api } from '../context';
import { createCaseBodyDoc, sendEventBodyDoc } from '../openapi';
import { requireUser } from '../routing';
import {
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
function fieldsUnder<T>(prefix: string, what: string, keep: readonly string[], call: () => T): T {
  try {
    return call();
  } catch (error) {
    if (!(error instanceof InvalidPayloadError)) throw error;
    const issues = (error.details.issues as PayloadIssue[]).map((issue) =>
      keep.some((k) => issue.path === k || issue.path.startsWith(`${k}.`)) ? issue : { ...issue, path: issue.path ? `${prefix}.${issue.path}` : prefix },
    );
    throw new InvalidPayloadError(what, issues);
  }
}

/** What the read rule looks at, for each of `ids` that names a case. */
function accessFacts(api: Api, ids: readonly string[]): Map<string, CaseAccessFacts> {
  if (ids.length === 0) return new Map();
  const rows = api.db
    .select({ id: cases.id, type: cases.type, assignee: cases.assignee, subjectId: cases.subjectId })
    .from(cases)
    .where(inArray(cases.id, [...ids]))
    .all();
  return new Map(rows.map((row) => [row.id, row]));
}

/** Throws unless case `caseId` exists and `user` may see it; `what` words a refusal on a case about them. */
function authorizeCase(api: Api, caseId: string, user: ApiUser, what = 'read'): void {
  const facts = accessFacts(api, [caseId]).get(caseId);
  if (!facts) throw new CaseNotFoundError(caseId);
  authorizeCaseRead(user, facts, what);
}

/** The case as `user` may read it: CASE_NOT_FOUND if it is not theirs to see, FORBIDDEN_ROLE if it is about them. */
export function readableCase(api: Api, caseId: string, user: ApiUser): CaseView {
  const view = api.engine.getCase(caseId, actorOf(user));
  authorizeCaseRead(user, view);
  return view;
}

/**
 * One page of the cases `user` may read, newest first. The filter is narrowed in SQL first
 * (`readableCaseFilter`), then each row is checked with the read rule; rows it drops are made up
 * from the cases that follow, so a page is full whenever a next one exists.
 */
function readableCases(api: Api, user: ApiUser, query: CaseFilter): CasePage {
  const filter = readableCaseFilter(user, query);
  if (!filter) return { cases: [], nextCursor: null };
  const readable = (page: CasePage) => {
    const facts = accessFacts(api, page.cases.map((c) => c.id));
    return page.cases.filter((c) => {
      const found = facts.get(c.id);
      return found !== undefined && mayReadCase(user, found);
    });
  };
  let page = api.engine.listCases(filter);
  // When a next page exists, this page is as long as the page size in force.
  const size = page.cases.length;
  const kept = readable(page);
  while (page.nextCursor !== null && kept.length < size) {
    page = api.engine.listCases({ ...filter, cursor: page.nextCursor, limit: size - kept.length });
    kept.push(...readable(page));
  }
  return { cases: kept, nextCursor: page.nextCursor };
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
      // A case the caller may not read is not theirs to act on either, and its state is not theirs to learn.
      authorizeCase(api, params.id, me, `send ${body.type} on`);
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
    ({ params, user }) => readableCase(api, params.id, requireUser(user)),
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
    ({ params, user }) => {
      authorizeCase(api, params.id, requireUser(user));
      return { caseId: params.id, events: api.engine.history(params.id) };
    },
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
    ({ params, user }) => {
      authorizeCase(api, params.id, requireUser(user));
      return { caseId: params.id, messages: api.receipts.messages(params.id) };
    },
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
    ({ query, user }) => fieldsUnder('query', 'list request', [], () => readableCases(api, requireUser(user), query)),
  );
}
