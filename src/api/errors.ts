/**
 * The one place errors become HTTP responses: caseflow's codes map to statuses, and Fastify's own
 * errors (malformed JSON, oversized bodies, unsupported media types, unknown routes) are reported in
 * the same `{code, message, details}` shape, naming the part of the request at fault.
 *
 * Status choices: INVALID_PAYLOAD and UNKNOWN_CASE_TYPE are 400 (the request itself is wrong: fix it
 * and resend); EVENT_NOT_ALLOWED, NO_CHANGE and VERSION_CONFLICT are 409 (the request is fine but the
 * case is not where the caller thinks: reload it); GUARD_REJECTED is 422 (well-formed and allowed
 * in this state, but a rule of the procedure refuses it, e.g. a decision without a reason).
 */
import type { Socket } from 'node:net';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { asCaseflowError, type ErrorCode } from '../errors';

/** The HTTP status of each caseflow error code. */
export const STATUS_OF: Readonly<Record<ErrorCode, number>> = {
  INVALID_PAYLOAD: 400,
  UNKNOWN_CASE_TYPE: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN_ROLE: 403,
  CSRF_REJECTED: 403,
  CASE_NOT_FOUND: 404,
  CASE_LOG_BROKEN: 409,
  AUDIT_KEY_INVALID: 400,
  NOT_FOUND: 404,
  DEADLINE_NOT_FOUND: 404,
  EVENT_NOT_ALLOWED: 409,
  NO_CHANGE: 409,
  VERSION_CONFLICT: 409,
  DEADLINE_CHANGED: 409,
  PAYLOAD_TOO_LARGE: 413,
  GUARD_REJECTED: 422,
  // a linked case holds this one up (an open clue about the same official, say)
  CASE_ON_HOLD: 422,
  // an extension past the office's bound, a request already decided, four eyes asked of one person
  EXTENSION_BEYOND_LIMIT: 422,
  EXTENSION_REQUEST_NOT_PENDING: 409,
  SECOND_APPROVER_REQUIRED: 403,
  // a caller naming one of caseflow's own roles (system, operator, reporter), or one their account does not hold
  ROLE_NOT_CLAIMABLE: 403,
  ROLE_NOT_HELD: 403,
  // the CLI's own refusals (--as, no sign-in, no server): never answered by the server, listed for completeness
  ACTOR_NOT_CLAIMABLE: 400,
  NOT_SIGNED_IN: 401,
  SERVER_UNREACHABLE: 503,
  // sealed identities: a server without its key refuses named intake (its operator's to fix, so 503)
  IDENTITY_KEY_MISSING: 503,
  IDENTITY_KEY_INVALID: 500,
  IDENTITY_SEAL_BROKEN: 500,
  NO_REPORTER_IDENTITY: 409,
  IDENTITY_REQUEST_NOT_FOUND: 404,
  IDENTITY_REQUEST_NOT_PENDING: 409,
  SELF_APPROVAL_REFUSED: 403,
  IDENTITY_REVEAL_UNAVAILABLE: 410,
  // the office policy file is not valid: a start-up error, never a caller's
  INVALID_POLICY: 500,
  RATE_LIMITED: 429,
  // busy or unreachable database: the request may be sent again (Retry-After says when)
  STORE_UNAVAILABLE: 503,
  // a readiness check (database, Redis, schema) failed: take this process out of rotation for now
  NOT_READY: 503,
  // The server lacks the machine version a stored case runs on: the server's fault, not the caller's.
  MACHINE_VERSION_UNKNOWN: 500,
  // a migration to a machine version this server does not have: the request names it, fix it
  MIGRATION_TARGET_UNKNOWN: 400,
  // a case's log moved on since the migration plan was made: plan again
  MIGRATION_PLAN_STALE: 409,
};

/** The body of every error response. */
export interface ErrorBody {
  code: ErrorCode | 'INTERNAL_ERROR';
  message: string;
  details: Record<string, unknown>;
}

/** An error as the API reports it, with its status. */
interface Reported {
  status: number;
  body: ErrorBody;
}

const invalid = (status: number, path: string, message: string): Reported => ({
  status,
  body: { code: 'INVALID_PAYLOAD', message: `The request is not valid: ${path}: ${message}.`, details: { issues: [{ path, message }] } },
});

/** Fastify's own errors, in caseflow's shape. */
function fromFastify(error: FastifyError, request: FastifyRequest): Reported | null {
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE': {
      const limitBytes = request.routeOptions.bodyLimit;
      return {
        status: 413,
        body: {
          code: 'PAYLOAD_TOO_LARGE',
          message: `The request body is larger than this endpoint accepts (${limitBytes} bytes at most). Send less: nothing was stored.`,
          details: { path: 'body', limitBytes },
        },
      };
    }
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return invalid(415, 'header.content-type', `"${request.headers['content-type'] ?? ''}" is not accepted; send application/json`);
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return invalid(400, 'body', 'the body is empty but the content type says JSON');
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return invalid(400, 'body', 'the body is not valid JSON');
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return invalid(400, 'header.content-length', 'does not match the body sent');
    default:
      if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) return invalid(error.statusCode, 'request', error.message);
      return null;
  }
}

/** Maps any error thrown while handling a request to its status and body. */
export function reportError(error: unknown, request: FastifyRequest): Reported {
  const known = asCaseflowError(error);
  if (known) return { status: STATUS_OF[known.code], body: known.toJSON() };
  const fastify = error && typeof error === 'object' && 'code' in error ? fromFastify(error as FastifyError, request) : null;
  if (fastify) return fastify;
  return {
    status: 500,
    body: {
      code: 'INTERNAL_ERROR',
      message: `Something went wrong on the server; nothing you did caused it. Quote request id ${request.id} when reporting it.`,
      details: { requestId: request.id },
    },
  };
}

/** Installs the error and not-found handlers. Only codes are logged for 4xx, never messages or bodies. */
export function installErrorHandlers(app: FastifyInstance): void {
  app.setErrorHandler((error: unknown, request: FastifyRequest, reply: FastifyReply) => {
    const { status, body } = reportError(error, request);
    if (body.code === 'STORE_UNAVAILABLE') {
      void reply.header('retry-after', String(Math.ceil(Number(body.details.retryAfterMs ?? 1000) / 1000)));
      request.log.warn({ code: body.code }, 'request not served: the database is unavailable');
    } else if (status >= 500) request.log.error({ err: error, code: body.code }, 'request failed');
    else request.log.info({ code: body.code, statusCode: status }, 'request refused');
    void reply.code(status).type('application/json; charset=utf-8').send(body);
  });
  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0] ?? '';
    const body: ErrorBody = {
      code: 'NOT_FOUND',
      message: `There is no ${request.method} ${path} endpoint. The API is described at /openapi.json and /docs.`,
      details: { method: request.method, path },
    };
    void reply.code(404).send(body);
  });
}

/**
 * Fastify's routing errors (a URL that cannot be decoded, a path parameter over maxParamLength),
 * in caseflow's shape; for the server's `frameworkErrors` option.
 */
export function frameworkErrors(error: FastifyError, _request: FastifyRequest, reply: FastifyReply): void {
  const { status, body } =
    error.code === 'FST_ERR_BAD_URL'
      ? invalid(400, 'url', 'the address is not validly percent-encoded')
      : error.code === 'FST_ERR_MAX_PARAM_LENGTH'
        ? invalid(414, 'url', 'a part of the address is longer than any id this server knows')
        : invalid(400, 'request', 'the request cannot be routed');
  void reply.code(status).type('application/json; charset=utf-8').send(body);
}

/** What Node's HTTP parser refused before any route saw the request, in caseflow's shape. */
function clientErrorReply(code: string | undefined): Reported {
  if (code === 'HPE_HEADER_OVERFLOW') return invalid(431, 'headers', 'the request headers are larger than this server accepts');
  if (code === 'ERR_HTTP_REQUEST_TIMEOUT') return invalid(408, 'request', 'the request did not arrive in time');
  return invalid(400, 'request', 'the request is not valid HTTP');
}

/**
 * The server's `clientErrorHandler`: answers a request Node's HTTP parser refused (oversized or
 * malformed headers, a bad request line) with caseflow's `{code, message, details}`, then closes
 * the connection, as Node's own handler does.
 */
export function clientErrorHandler(error: Error & { code?: string }, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const { status, body } = clientErrorReply(error.code);
  const text = JSON.stringify(body);
  const reason = status === 431 ? 'Request Header Fields Too Large' : status === 408 ? 'Request Timeout' : 'Bad Request';
  if (socket.writable) {
    socket.write(`HTTP/1.1 ${status} ${reason}\r\nContent-Length: ${Buffer.byteLength(text)}\r\nContent-Type: application/json; charset=utf-8\r\nConnection: close\r\n\r\n${text}`);
  }
  socket.destroy(error);
}
