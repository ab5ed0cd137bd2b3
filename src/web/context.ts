/**
 * What the web app's page modules are given: the engine and reports to read through, the clock,
 * sign-in sessions, and helpers that render a page for the signed-in account.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ApiUser } from '../auth/accounts';
import type { ReporterReceipts } from '../auth/receipts';
import type { WebSessions } from '../auth/sessions';
import type { CaseflowSignal } from '../bus';
import type { Clock } from '../clock';
import type { CaseEngine } from '../engine/engine';
import type { SupervisionReports } from '../engine/supervision';
import type { WorkingDayCalendar } from '../time';
import type { Translate } from './i18n';

/** The web app's dependencies, passed in by the server (and its composition root). */
export interface WebDeps {
  engine: CaseEngine;
  supervision: SupervisionReports;
  sessions: WebSessions;
  receipts: ReporterReceipts;
  clock: Clock;
  calendar: WorkingDayCalendar;
  /** Sign-in attempts one client address may make per window. @defaultValue 10 */
  signInMax?: number;
  /** The sign-in rate-limit window, in milliseconds. @defaultValue 600000 */
  signInWindowMs?: number;
  /** Case changes, for live refresh. @defaultValue none: pages refresh when reloaded */
  subscribe?: (listener: (signal: CaseflowSignal) => void) => () => void;
}

/** The web app as page modules see it. */
export interface Web extends WebDeps {
  app: FastifyInstance;
  /** Renders `view` inside the layout with the signed-in account, its navigation and a CSRF token. */
  page(request: FastifyRequest, reply: FastifyReply, view: string, data: Record<string, unknown>): Promise<string>;
  /** The page language's translator for this request (chosen once per request). */
  t(request: FastifyRequest): Translate;
  /** The signed-in account, or a redirect to the sign-in page (null then: the handler answers nothing more). */
  requireSignIn(request: FastifyRequest, reply: FastifyReply): ApiUser | null;
}
