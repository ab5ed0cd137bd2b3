/**
 * Declaring a route once: its access rule, zod schemas for params, query, headers and body, and
 * its documented responses. The same declaration registers the Fastify route, checks the caller
 * and the request, and feeds the OpenAPI document, so the document cannot drift from the routes.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import type { Role } from '../../machines/types';
import type { Accounts, ApiUser } from '../auth/accounts';
import { UnauthenticatedError } from '../auth/errors';
import { isInternalRole, RoleNotClaimableError, RoleNotHeldError } from '../auth/roles';
import { ForbiddenRoleError, InvalidPayloadError, type PayloadIssue } from '../errors';

declare module 'fastify' {
  interface FastifyRequest {
    /** The authenticated user, set before the handler runs on routes that need one. */
    apiUser: ApiUser | null;
  }
  interface FastifyContextConfig {
    /** An operational route polled by machines (probes, scrapes): request lines at debug, not in the latency histogram. */
    quiet?: boolean;
  }
}

type Schema = z.ZodType | undefined;
type Out<S extends Schema> = S extends z.ZodType ? z.output<S> : undefined;
/** A JSON Schema object, as it appears in the OpenAPI document. */
export type JsonSchema = Record<string, unknown>;

/** One documented response. */
export interface ResponseDoc {
  description: string;
  schema?: z.ZodType;
}

/** Everything said about a route, once. */
export interface RouteSpec<P extends Schema = Schema, Q extends Schema = Schema, H extends Schema = Schema, B extends Schema = Schema> {
  method: 'GET' | 'POST' | 'DELETE';
  url: string;
  /** OpenAPI tag: the concern the route belongs to. */
  tag: string;
  summary: string;
  description?: string;
  /** `public` needs no token; otherwise the roles that may call the route. */
  access: 'public' | readonly Role[];
  params?: P;
  query?: Q;
  /** Only the headers the route reads; others are allowed. */
  headers?: H;
  body?: B;
  /** The body's schema as documented, when it is richer than the envelope checked here (one variant per case type). */
  bodyDoc?: JsonSchema;
  /** The success status. @defaultValue 200 */
  status?: number;
  response: ResponseDoc;
  /** Error statuses this route can answer with beyond the ones every route shares. */
  errors?: readonly number[];
  /** Largest accepted body, in bytes. @defaultValue the server's bodyLimit */
  bodyLimit?: number;
  /** Requests per client IP per window, for public routes. */
  rateLimit?: { max: number; timeWindow: number };
  /** Polled by machines (health probes, metric scrapes): its request lines are logged at debug, and it is left out of the latency histogram. */
  quiet?: boolean;
}

/** What a handler receives: the checked request and the caller. */
export interface RouteContext<P extends Schema, Q extends Schema, H extends Schema, B extends Schema> {
  params: Out<P>;
  query: Out<Q>;
  headers: Out<H>;
  body: Out<B>;
  /** The caller; null only on public routes. */
  user: ApiUser | null;
  request: FastifyRequest;
  reply: FastifyReply;
}

/** The caller of a route that needs a token: set by its access rule before the handler runs. */
export function requireUser(user: ApiUser | null): ApiUser {
  if (!user) throw new Error('a route that needs a token ran without an authenticated user');
  return user;
}

/** The registered routes, in order: what the OpenAPI document is built from. */
export type RouteRegistry = RouteSpec[];

/** Where a request part's fields are named in error details: body fields bare, the rest prefixed. */
const prefixes = { params: 'params.', query: 'query.', headers: 'header.', body: '' } as const;
/** How a whole request part is named in error details. */
const wholePart = { params: 'params', query: 'query', headers: 'header', body: 'body' } as const;

/** Parses one part of a request, or INVALID_PAYLOAD naming each bad field. */
export function parsePart<S extends Schema>(schema: S, value: unknown, part: keyof typeof prefixes): Out<S> {
  if (!schema) return undefined as Out<S>;
  const result = schema.safeParse(value ?? (part === 'body' ? undefined : {}));
  if (result.success) return result.data as Out<S>;
  const issues: PayloadIssue[] = result.error.issues.map((issue) => {
    const path = issue.path.map(String).join('.');
    return {
      path: path ? `${prefixes[part]}${path}` : wholePart[part],
      message: issue.code === 'unrecognized_keys' ? `unknown field(s): ${issue.keys.join(', ')}` : issue.message,
    };
  });
  throw new InvalidPayloadError(part === 'headers' ? 'request headers' : part === 'body' ? 'request body' : `request ${part}`, issues);
}

/** The bearer token of a request, if it sent one. */
function bearerToken(request: FastifyRequest): string | null {
  const header = request.headers.authorization;
  if (!header) return null;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match?.[1] ?? '';
}

/** The header a client names the role it means to act in with (the CLI's `--role`); the token's user must hold it. */
export const ROLE_HEADER = 'x-caseflow-role';

/** Refuses a request that claims a role the token's user does not hold, or one of caseflow's own roles. */
function checkClaimedRole(request: FastifyRequest, user: ApiUser): void {
  const header = request.headers[ROLE_HEADER];
  if (header === undefined) return;
  const claimed = (Array.isArray(header) ? header.join(',') : header).trim();
  if (isInternalRole(claimed)) throw new RoleNotClaimableError(claimed, 'act in');
  if (claimed !== user.role) throw new RoleNotHeldError(user.name, claimed, [user.role]);
}

/** Authenticates the caller and checks their role against the route's access rule. */
async function authorize(accounts: Accounts, spec: RouteSpec, request: FastifyRequest): Promise<void> {
  if (spec.access === 'public') return;
  const token = bearerToken(request);
  if (token === null) throw new UnauthenticatedError('missing');
  const user = token ? await accounts.authenticate(token) : null;
  if (!user) throw new UnauthenticatedError('invalid');
  checkClaimedRole(request, user);
  if (!spec.access.includes(user.role)) throw new ForbiddenRoleError(`call ${spec.method} ${spec.url}`, user.role, spec.access);
  request.apiUser = user;
}

/** Registers a route with Fastify and records it for the OpenAPI document. */
export function addRoute<P extends Schema = undefined, Q extends Schema = undefined, H extends Schema = undefined, B extends Schema = undefined>(
  app: FastifyInstance,
  registry: RouteRegistry,
  accounts: Accounts,
  spec: RouteSpec<P, Q, H, B>,
  handler: (ctx: RouteContext<P, Q, H, B>) => unknown,
): void {
  registry.push(spec);
  app.route({
    method: spec.method,
    url: spec.url,
    ...(spec.bodyLimit ? { bodyLimit: spec.bodyLimit } : {}),
    ...(spec.rateLimit || spec.quiet ? { config: { ...(spec.rateLimit ? { rateLimit: spec.rateLimit } : {}), ...(spec.quiet ? { quiet: true } : {}) } } : {}),
    // Before the body is read: an unknown caller learns nothing about the body's checks.
    onRequest: async (request) => {
      await authorize(accounts, spec, request);
    },
    handler: async (request, reply) => {
      const ctx: RouteContext<P, Q, H, B> = {
        params: parsePart(spec.params as P, request.params, 'params'),
        query: parsePart(spec.query as Q, request.query, 'query'),
        headers: parsePart(spec.headers as H, request.headers, 'headers'),
        body: parsePart(spec.body as B, request.body, 'body'),
        user: request.apiUser,
        request,
        reply,
      };
      reply.code(spec.status ?? 200);
      return await handler(ctx);
    },
  });
}
