/**
 * Approvers' routes on a running deadline (and the admins' calendar import, which moves provisional ones): extend it (within the office's bound; past its four-eyes
 * threshold only a request is recorded) and approve someone else's extension request. Thin wrappers
 * over the engine's deadline commands, which decide access inside their transaction.
 */
import { actorOf } from '../../auth/accounts';
import { ACCOUNT_ADMINS, DEADLINE_APPROVER_ROLES, URGERS } from '../../engine/policy';
import type { Api } from '../context';
import { requireUser } from '../routing';
import {
  calendarImportAnswer,
  calendarYearBody,
  deadlineAnswer,
  deadlineIdParams,
  extendDeadlineBody,
  extensionAnswer,
  extensionRequestParams,
  suspendDeadlineBody,
  urgeDeadlineBody,
} from '../schemas';

/** Registers the deadline routes, and the admins' calendar import that re-schedules provisional deadlines. */
export function registerDeadlineRoutes(api: Api): void {
  api.route(
    {
      method: 'POST',
      url: '/admin/calendar-years',
      tag: 'cases',
      summary: 'Import a year of holidays and make-up days (admins)',
      description:
        'Validated (400 INVALID_PAYLOAD names each fault), stored, and used from then on; every provisional deadline it covers is computed again and re-scheduled, ' +
        'an audited DEADLINE_RECOMPUTED entry in its case log. A year after a gap is refused.',
      access: ACCOUNT_ADMINS,
      body: calendarYearBody,
      response: { description: 'The year imported and the deadlines it moved', schema: calendarImportAnswer },
    },
    ({ body, user }) => api.engine.calendars.importYear(body, actorOf(requireUser(user))),
  );

  api.route(
    {
      method: 'POST',
      url: '/deadlines/:id/extensions',
      tag: 'cases',
      summary: 'Extend a running deadline, or ask a second approver to',
      description:
        'At most the office’s bound past the original due moment (422 EXTENSION_BEYOND_LIMIT). Past its four-eyes threshold the deadline does not move: ' +
        'the answer’s pendingExtension names the request another approver grants. Granted after the due moment, the deadline stays counted late.',
      access: DEADLINE_APPROVER_ROLES,
      params: deadlineIdParams,
      body: extendDeadlineBody,
      errors: [409, 422],
      response: { description: 'The deadline, and the request waiting for a second approver if there is one', schema: extensionAnswer },
    },
    ({ params, body, user }) => {
      const to = body.until !== undefined ? { until: body.until } : { byMs: (body.byMinutes ?? 0) * 60_000 };
      return api.engine.deadlines.extend(params.id, { ...to, reason: body.reason }, actorOf(requireUser(user)));
    },
  );

  api.route(
    {
      method: 'POST',
      url: '/deadlines/:id/extension-requests/:requestId/approval',
      tag: 'cases',
      summary: 'Approve an extension request as the second approver (four eyes)',
      description: 'The person who asked may not approve (403 SECOND_APPROVER_REQUIRED); a request already approved or overtaken is 409 EXTENSION_REQUEST_NOT_PENDING.',
      access: DEADLINE_APPROVER_ROLES,
      params: extensionRequestParams,
      errors: [409, 422],
      response: { description: 'The extended deadline', schema: extensionAnswer },
    },
    ({ params, user }) => api.engine.deadlines.approveExtension(params.id, params.requestId, actorOf(requireUser(user))),
  );

  api.route(
    {
      method: 'POST',
      url: '/deadlines/:id/suspension',
      tag: 'cases',
      summary: 'Stop a running deadline’s clock while the case waits on someone outside the office',
      access: DEADLINE_APPROVER_ROLES,
      params: deadlineIdParams,
      body: suspendDeadlineBody,
      errors: [409],
      response: { description: 'The deadline, its clock stopped', schema: deadlineAnswer },
    },
    ({ params, body, user }) => api.engine.deadlines.suspend(params.id, { reason: body.reason }, actorOf(requireUser(user))),
  );

  api.route(
    {
      method: 'POST',
      url: '/deadlines/:id/resumption',
      tag: 'cases',
      summary: 'Start a stopped deadline’s clock again; its due time moves by the time it stood still',
      access: DEADLINE_APPROVER_ROLES,
      params: deadlineIdParams,
      errors: [409],
      response: { description: 'The deadline, running again', schema: deadlineAnswer },
    },
    ({ params, user }) => api.engine.deadlines.resume(params.id, actorOf(requireUser(user))),
  );

  api.route(
    {
      method: 'POST',
      url: '/deadlines/:id/urgings',
      tag: 'cases',
      summary: 'Urge the unit on a running deadline (催办): an URGED entry in the case log and a notice to the assignee',
      access: URGERS,
      params: deadlineIdParams,
      body: urgeDeadlineBody,
      errors: [409],
      response: { description: 'The deadline urged on', schema: deadlineAnswer },
    },
    ({ params, body, user }) => api.engine.deadlines.urge(params.id, body.note === undefined ? {} : { note: body.note }, actorOf(requireUser(user))),
  );
}
