/**
 * The OpenAPI 3.1 document, generated from the route declarations and the machines' zod schemas
 * with `z.toJSONSchema`: the schemas requests are checked with are the schemas documented.
 */
import { z } from 'zod';
import type { CaseDefinition } from '../../machines/types';
import { errorBody, reporterIdentity } from './schemas';
import type { JsonSchema, RouteRegistry, RouteSpec } from './routing';
import { STATUS_OF } from './errors';

/** A zod schema as JSON Schema (draft 2020-12, OpenAPI 3.1's dialect), as a client sends it or receives it. */
export function jsonSchemaOf(schema: z.ZodType, io: 'input' | 'output' = 'input'): JsonSchema {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as JsonSchema;
  return rest;
}

/** The body of POST /cases, one variant per case type with that type's own input schema. */
export function createCaseBodyDoc(definitions: readonly CaseDefinition[]): JsonSchema {
  return {
    oneOf: definitions.map((d) => ({
      title: d.title,
      type: 'object',
      properties: {
        type: { const: d.type },
        input: jsonSchemaOf(d.input),
        reporter: { ...jsonSchemaOf(reporterIdentity), description: 'A named reporter’s identity (clues only); stored apart from the case' },
      },
      required: ['type', 'input'],
      additionalProperties: false,
      description: `Roles that may open one: ${d.createRoles.join(', ')}`,
    })),
    discriminator: { propertyName: 'type' },
  };
}

/** The body of POST /cases/{id}/events: one variant per case type and event, with its payload schema and roles. */
export function sendEventBodyDoc(definitions: readonly CaseDefinition[]): JsonSchema {
  return {
    oneOf: definitions.flatMap((d) =>
      Object.entries(d.events).map(([type, spec]) => ({
        title: `${d.type}: ${type}`,
        description: `${spec.summary}. Roles: ${spec.roles.join(', ')}.`,
        type: 'object',
        properties: {
          type: { const: type },
          payload: jsonSchemaOf(spec.payload),
          expectedVersion: { type: 'integer', minimum: 1, description: 'The case version you last read; 409 VERSION_CONFLICT if it moved on' },
        },
        required: ['type', 'expectedVersion'],
        additionalProperties: false,
      })),
    ),
  };
}

const ERROR_TEXT: Readonly<Record<number, string>> = {
  400: 'INVALID_PAYLOAD (malformed JSON, unknown fields, wrong types) or UNKNOWN_CASE_TYPE; details.issues names each field',
  401: 'UNAUTHENTICATED: no token, or an unknown or revoked one',
  403: 'FORBIDDEN_ROLE: the role may not do this, or the caller is the official the case is about; ROLE_NOT_HELD or ROLE_NOT_CLAIMABLE: the X-Caseflow-Role header names a role the token’s user does not hold, or one of caseflow’s own',
  404: 'CASE_NOT_FOUND (no such case, or one the caller may not see, e.g. a unit liaison and a case not assigned to them) or NOT_FOUND',
  409: 'VERSION_CONFLICT, EVENT_NOT_ALLOWED or NO_CHANGE: reload the case',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'INVALID_PAYLOAD: the body is not application/json',
  422: 'GUARD_REJECTED: a rule of the procedure refused the event; details.rules says which',
  429: 'RATE_LIMITED: too many requests from this address; retry after the Retry-After header',
  503: 'NOT_READY: a readiness check failed; details.failed names which (database, redis, migrations)',
};

/** The error statuses a route can answer with. */
function errorStatuses(spec: RouteSpec): number[] {
  const statuses = new Set<number>(spec.errors ?? []);
  if (spec.params || spec.query || spec.headers || spec.body) statuses.add(400);
  if (spec.access !== 'public') [401, 403].forEach((s) => statuses.add(s));
  if (spec.url.includes(':')) statuses.add(404);
  if (spec.body) [413, 415].forEach((s) => statuses.add(s));
  if (spec.rateLimit) statuses.add(429);
  return [...statuses].sort();
}

/** Path, query and header parameters, read from the generated JSON Schema of each part. */
function parametersOf(spec: RouteSpec): JsonSchema[] {
  const parts = [
    ['path', spec.params],
    ['query', spec.query],
    ['header', spec.headers],
  ] as const;
  return parts.flatMap(([where, schema]) => {
    if (!schema) return [];
    const json = jsonSchemaOf(schema);
    const properties = (json.properties ?? {}) as Record<string, JsonSchema>;
    const required = new Set((json.required ?? []) as string[]);
    return Object.entries(properties).map(([name, property]) => ({
      name,
      in: where,
      required: where === 'path' || required.has(name),
      schema: property,
    }));
  });
}

/** One operation of the document. */
function operationOf(spec: RouteSpec): JsonSchema {
  const responses: Record<string, JsonSchema> = {
    [String(spec.status ?? 200)]: {
      description: spec.response.description,
      ...(spec.response.schema ? { content: { 'application/json': { schema: jsonSchemaOf(spec.response.schema, 'output') } } } : {}),
    },
  };
  for (const status of errorStatuses(spec)) {
    responses[String(status)] = {
      description: ERROR_TEXT[status] ?? 'Error',
      content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
    };
  }
  const roles = spec.access === 'public' ? 'Public: no token.' : `Roles: ${spec.access.join(', ')}.`;
  return {
    tags: [spec.tag],
    summary: spec.summary,
    description: [spec.description, roles].filter(Boolean).join('\n\n'),
    operationId: `${spec.method.toLowerCase()}${spec.url.replace(/[/:{}.-]+(\w)?/g, (_m, c?: string) => (c ? c.toUpperCase() : ''))}`,
    ...(spec.access === 'public' ? { security: [] } : { security: [{ bearerAuth: [] }], 'x-roles': spec.access }),
    parameters: parametersOf(spec),
    ...(spec.body
      ? { requestBody: { required: true, content: { 'application/json': { schema: spec.bodyDoc ?? jsonSchemaOf(spec.body) } } } }
      : {}),
    responses,
  };
}

/** The whole OpenAPI document for the registered routes. */
export function buildOpenApiDocument(registry: RouteRegistry, version: string): JsonSchema {
  const paths: Record<string, Record<string, JsonSchema>> = {};
  for (const spec of registry) {
    const path = spec.url.replace(/:(\w+)/g, '{$1}');
    paths[path] = { ...paths[path], [spec.method.toLowerCase()]: operationOf(spec) };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'caseflow API',
      version,
      description:
        'Caseworkers and supervisors advance and watch cases; the public files clues and follows them with a receipt code. ' +
        `Every error is {code, message, details}; statuses by code: ${Object.entries(STATUS_OF)
          .map(([code, status]) => `${code} ${status}`)
          .join(', ')}.`,
    },
    tags: [
      { name: 'cases', description: 'Open, advance and read cases' },
      { name: 'supervision', description: 'What supervisors watch' },
      { name: 'public', description: 'Public clue intake and receipts: no token' },
      { name: 'auth', description: 'Users and API tokens' },
      { name: 'audit', description: 'Verifying the hash-chained case log (admins)' },
      { name: 'identities', description: 'Sealed reporter identities: a request with a reason, a custodian’s decision, a reveal shown once' },
      { name: 'admin', description: 'Changing the rules: plan and apply migrations of open cases to a new machine version or office policy (admins)' },
      { name: 'docs', description: 'This document' },
      { name: 'operations', description: 'Liveness, readiness and metrics, for load balancers, orchestrators and Prometheus' },
    ],
    paths,
    components: {
      schemas: { Error: jsonSchemaOf(errorBody, 'output') },
      securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', description: 'An API token from `caseflow token create`' } },
    },
  };
}
