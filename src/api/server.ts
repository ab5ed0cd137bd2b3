/**
 * The HTTP server factory: Fastify with caseflow's engine, database, clock and logger passed in.
 * Nothing here is a module-level singleton: each call builds an independent server.
 */
import rateLimit, { type RateLimitPluginOptions } from '@fastify/rate-limit';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { Registry } from 'prom-client';
import packageJson from '../../package.json';
import type { Accounts } from '../auth/accounts';
import type { ReporterReceipts } from '../auth/receipts';
import type { Clock } from '../clock';
import type { CaseLogAudit } from '../engine/audit';
import type { CaseEngine } from '../engine/engine';
import type { SupervisionReports } from '../engine/supervision';
import { CaseflowError } from '../errors';
import { CaseflowMetrics, UNMATCHED_ROUTE } from '../metrics';
import { DEFAULT_LIMITS, type Api, type ServerLimits } from './context';
import { clientErrorHandler, frameworkErrors, installErrorHandlers } from './errors';
import { parseJsonBody } from './jsonBody';
import { registerHealthRoutes, type Readiness } from './health';
import { ApiLogController, newRequestId, type ApiLogger } from './logging';
import { addRoute, type RouteRegistry } from './routing';
import { registerAuditRoutes } from './routes/audit';
import { registerAuthRoutes } from './routes/auth';
import { registerCaseRoutes } from './routes/cases';
import { registerDocsRoutes } from './routes/docs';
import { registerPublicIntakeRoutes } from './routes/publicIntake';
import { registerSupervisionRoutes } from './routes/supervision';
import { registerDeadlineRoutes } from './routes/deadlines';
import { registerIdentityRoutes } from './routes/identities';
import { registerMigrationRoutes } from './routes/migrations';

/** What the server is built from. */
export interface ServerDeps {
  engine: CaseEngine;
  accounts: Accounts;
  receipts: ReporterReceipts;
  supervision: SupervisionReports;
  /** Verifies the case log's hash chains (GET /audit/verify). */
  audit: CaseLogAudit;
  /** The clock supervision reports read; the engine's. */
  clock: Clock;
  /** A pino logger; build it with `createApiLogger` so that redaction is configured. */
  logger: ApiLogger;
  limits?: Partial<ServerLimits>;
  /** Trust X-Forwarded-For for client addresses (behind a reverse proxy). @defaultValue false */
  trustProxy?: boolean;
  /** The version the OpenAPI document states. @defaultValue the package version */
  version?: string;
  /** The checks GET /readyz runs (the composition root builds them: a store read, a Redis PING). */
  readiness: Readiness;
  /** Where request latencies go and what GET /metrics shows. @defaultValue metrics on a fresh registry of this server's own */
  metrics?: CaseflowMetrics;
  /**
   * A Redis client (ioredis) for the public routes' rate limits, so that every server behind a load
   * balancer counts against the same limit. @defaultValue counted in this process's memory
   */
  rateLimitRedis?: RateLimitPluginOptions['redis'];
  /** The prefix of the rate-limit keys in Redis. @defaultValue `caseflow:rate-limit:` */
  rateLimitNameSpace?: string;
}

/** Builds the API server; call `listen` on it, and `close` to stop it gracefully. */
export async function buildServer(deps: ServerDeps): Promise<FastifyInstance> {
  const limits: ServerLimits = { ...DEFAULT_LIMITS, ...deps.limits };
  // Typed as Fastify's logger interface, so that the instance has Fastify's default type parameters.
  const loggerInstance: FastifyBaseLogger = deps.logger;
  const app = Fastify({
    loggerInstance,
    logController: new ApiLogController(),
    genReqId: newRequestId,
    bodyLimit: limits.bodyLimit,
    trustProxy: deps.trustProxy ?? false,
    return503OnClosing: true,
    // requests refused before any route sees them answer in caseflow's shape too
    clientErrorHandler,
    frameworkErrors,
  });

  app.decorateRequest('apiUser', null);
  app.addHook('onRequest', (request, reply, done) => {
    void reply.header('x-request-id', request.id);
    done();
  });
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_request, body, done) => {
    try {
      done(null, parseJsonBody(body));
    } catch (error) {
      done(error as Error, undefined);
    }
  });
  installErrorHandlers(app);
  const metrics = deps.metrics ?? new CaseflowMetrics(new Registry());
  app.addHook('onResponse', (request, reply, done) => {
    if (!request.routeOptions.config?.quiet) metrics.httpRequest(request.routeOptions.url ?? UNMATCHED_ROUTE, request.method, reply.statusCode, reply.elapsedTime / 1000);
    done();
  });
  await app.register(rateLimit, {
    global: false,
    ...(deps.rateLimitRedis
      ? {
          redis: deps.rateLimitRedis,
          nameSpace: deps.rateLimitNameSpace ?? 'caseflow:rate-limit:',
          // Redis away: serve the public routes unlimited rather than refuse them (readiness reports it)
          skipOnError: true,
        }
      : {}),
    errorResponseBuilder: (_request, context) =>
      new CaseflowError('RATE_LIMITED', `Too many requests from your address: at most ${context.max} in this period. Try again in ${context.after}.`, {
        limit: context.max,
        retryAfterMs: context.ttl,
      }),
  });

  const registry: RouteRegistry = [];
  const { accounts } = deps;
  const api: Api = {
    app,
    engine: deps.engine,
    supervision: deps.supervision,
    audit: deps.audit,
    clock: deps.clock,
    accounts,
    receipts: deps.receipts,
    limits,
    route: (spec, handler) => addRoute(app, registry, accounts, spec, handler),
  };
  registerCaseRoutes(api);
  registerSupervisionRoutes(api);
  registerDeadlineRoutes(api);
  registerIdentityRoutes(api);
  registerMigrationRoutes(api);
  registerPublicIntakeRoutes(api);
  registerAuthRoutes(api);
  registerAuditRoutes(api);
  registerHealthRoutes(api, { readiness: deps.readiness, metrics });
  registerDocsRoutes(api, registry, deps.version ?? packageJson.version);
  return app;
}

