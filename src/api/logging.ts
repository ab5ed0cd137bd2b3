/**
 * The API's structured log: pino, one JSON line per entry, each request's lines carrying its
 * request id. What is logged is chosen field by field (method, path without query, route, status,
 * time, error code), never headers or bodies; redaction is a second line of defence should a
 * header, token, receipt code or reporter identity ever reach a log call.
 */
import { randomUUID } from 'node:crypto';
import os from 'node:os';
import { LogController, type FastifyReply, type FastifyRequest } from 'fastify';
import pino, { type DestinationStream, type Logger } from 'pino';

export type ApiLogger = Logger;

/** Where a log entry can hide a secret: headers, tokens, receipt codes, reporter identities, bodies. */
export const REDACTED_PATHS = [
  'req.headers',
  'request.headers',
  'headers',
  'body',
  '*.body',
  ...['authorization', 'token', 'receiptCode', '["x-receipt-code"]', 'reporter'].flatMap((key) => {
    const nested = key.startsWith('[') ? key : `.${key}`;
    return [key, `*${nested}`, `*.*${nested}`];
  }),
];

/** Options of the API log. */
export interface ApiLoggerOptions {
  /** Where lines go. @defaultValue process.stderr */
  stream?: DestinationStream;
  /** Lowest level written. @defaultValue `CASEFLOW_LOG_LEVEL`, else `info` */
  level?: string;
}

/** The request's path without its query string: queries are not logged. */
const pathOf = (request: FastifyRequest): string => request.url.split('?')[0] ?? '';

/** A pino logger with caseflow's redaction and safe serializers. */
export function createApiLogger(options: ApiLoggerOptions = {}): ApiLogger {
  return pino(
    {
      level: options.level ?? process.env.CASEFLOW_LOG_LEVEL ?? 'info',
      // which process on which host wrote each line, once several run behind a load balancer
      base: { service: 'caseflow-api', pid: process.pid, hostname: os.hostname() },
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      serializers: {
        // Should a request or reply object be logged anyway, only these fields survive.
        req: (req: { method?: string; url?: string }) => ({ method: req.method, path: (req.url ?? '').split('?')[0] }),
        res: (res: { statusCode?: number }) => ({ statusCode: res.statusCode }),
        err: pino.stdSerializers.err,
      },
    },
    options.stream ?? process.stderr,
  );
}

/** Probes and scrapes (routes declared `quiet`) log their request lines at debug, not info. */
const lineLevel = (request: FastifyRequest): 'debug' | 'info' => (request.routeOptions.config?.quiet ? 'debug' : 'info');

/** A fresh request id; a client-sent id is not trusted into the log. */
export const newRequestId = (): string => randomUUID();

/** Fastify's request log lines, with only the fields chosen here. */
export class ApiLogController extends LogController {
  constructor() {
    super({ requestIdLogLabel: 'reqId' });
  }

  override incomingRequest(request: FastifyRequest): void {
    request.log[lineLevel(request)]({ method: request.method, path: pathOf(request) }, 'request received');
  }

  override requestCompleted(error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply): void {
    const fields = {
      method: request.method,
      path: pathOf(request),
      route: request.routeOptions.url ?? null,
      statusCode: reply.statusCode,
      responseTimeMs: Math.round(reply.elapsedTime * 10) / 10,
    };
    if (error) reply.log.error({ ...fields, err: error }, 'request errored');
    else reply.log[lineLevel(request)](fields, 'request completed');
  }

  override defaultErrorLog(error: Error, request: FastifyRequest, reply: FastifyReply): void {
    reply.log.error({ path: pathOf(request), statusCode: reply.statusCode, err: error }, 'request failed');
  }

  override routeNotFound(request: FastifyRequest): void {
    request.log.info({ method: request.method, path: pathOf(request) }, 'no such route');
  }

  override writeHeadError(error: Error, _request: FastifyRequest, reply: FastifyReply): void {
    reply.log.warn({ err: error }, 'could not write response headers');
  }
}
