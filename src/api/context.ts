/**
 * What every route module is given: the server's dependencies and a `route` function that
 * declares a route once (access, schemas, documentation) and registers it.
 */
import type { FastifyInstance } from 'fastify';
import type { Accounts } from '../auth/accounts';
import type { ReporterReceipts } from '../auth/receipts';
import type { Clock } from '../clock';
import type { CaseLogAudit } from '../engine/audit';
import type { CaseEngine } from '../engine/engine';
import type { SupervisionReports } from '../engine/supervision';
import type { RouteContext, RouteSpec } from './routing';
import type { z } from 'zod';

type Schema = z.ZodType | undefined;

/** Size and rate limits of the server; every field has a default. */
export interface ServerLimits {
  /** Largest request body on caseworker routes, in bytes. @defaultValue 65536 */
  bodyLimit: number;
  /** Largest body on the public intake routes, in bytes. @defaultValue 16384 */
  publicBodyLimit: number;
  /** Clues one client IP may file per window. @defaultValue 5 */
  intakeMax: number;
  /** Receipt lookups and additions one client IP may make per window. @defaultValue 30 */
  receiptMax: number;
  /** The rate-limit window, in milliseconds. @defaultValue 600000 (10 minutes) */
  windowMs: number;
  /** Web sign-in attempts one client IP may make per window. @defaultValue 10 */
  signInMax: number;
}

export const DEFAULT_LIMITS: ServerLimits = {
  bodyLimit: 64 * 1024,
  publicBodyLimit: 16 * 1024,
  intakeMax: 5,
  receiptMax: 30,
  windowMs: 10 * 60 * 1000,
  signInMax: 10,
};

/** The server as route modules see it. */
export interface Api {
  app: FastifyInstance;
  engine: CaseEngine;
  supervision: SupervisionReports;
  audit: CaseLogAudit;
  clock: Clock;
  accounts: Accounts;
  receipts: ReporterReceipts;
  limits: ServerLimits;
  /** Declares and registers one route. */
  route<P extends Schema = undefined, Q extends Schema = undefined, H extends Schema = undefined, B extends Schema = undefined>(
    spec: RouteSpec<P, Q, H, B>,
    handler: (ctx: RouteContext<P, Q, H, B>) => unknown,
  ): void;
}
