/**
 * The CLI's client of the caseflow HTTP API: every caseworker command acts through it, as the person
 * its token belongs to. A refusal comes back in the server's `{code, message, details}` shape and is
 * thrown as a caseflow error with that code and message, so the CLI prints it in the server's words.
 */
import type { ApiUser, IssuedToken, TokenInfo } from '../auth/accounts';
import type { AppliedEvent } from '../engine/engine';
import type { CasePage } from '../engine/queries';
import type { ApplicantStatus } from '../engine/applicantStatus';
import type { ExtensionAnswer } from '../engine/deadlineCommands';
import type { CardConsequence, OnTimeRate, OverdueCase } from '../engine/supervision';
import type { CaseEventView, CaseView, DeadlineView } from '../engine/views';
import { CaseflowError, type ErrorCode } from '../errors';
import type { Credentials } from './credentials';

/** A refusal the server answered, with its code, message and details as the server gave them. */
export class ServerRefusedError extends CaseflowError {
  constructor(
    code: string,
    message: string,
    details: Record<string, unknown>,
    readonly status: number,
  ) {
    // the server's code is one of caseflow's (or INTERNAL_ERROR): kept exactly as it was answered
    super(code as ErrorCode, message, details);
  }
}

/** No caseflow server answered at the address, or something else answered there. */
export class ServerUnreachableError extends CaseflowError {
  constructor(url: string, why: string) {
    super('SERVER_UNREACHABLE', `No caseflow server answers at ${url} (${why}). Start one with \`caseflow serve\`, or check CASEFLOW_URL or \`caseflow login --url\`.`, { url, why });
  }
}

/** What the client needs: where and as whom, and the role the caller means to act in (`--role`), checked by the server. */
export interface ClientOptions {
  url: string;
  token?: string;
  role?: string;
  fetch?: typeof globalThis.fetch;
}

/** A supervision report's period (ISO date-times; the server defaults until to now and since to 30 days before), and one unit. */
export interface PeriodFilter {
  since?: string;
  until?: string;
  unit?: string;
}

/** A supervision report over a period, as the server answers it. */
export interface PeriodReport {
  period: { since: string; until: string };
}

/** The `cases` query of a listing. */
export interface ListFilter {
  type?: string;
  state?: string;
  unit?: string;
  assignee?: string;
  overdue?: boolean;
  limit?: number;
  cursor?: string;
}

/** `?key=value&…` of the defined values of `filter`, or nothing. */
function queryOf(filter: object): string {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(filter)) if (value !== undefined) query.set(key, String(value));
  const text = query.toString();
  return text ? `?${text}` : '';
}

const path = (template: string, ...ids: string[]): string => ids.reduce((p, id) => p.replace('{}', encodeURIComponent(id)), template);

/** Calls the caseflow HTTP API with a bearer token. */
export class CaseflowClient {
  private readonly base: string;
  private readonly fetch: typeof globalThis.fetch;

  constructor(private readonly options: ClientOptions) {
    this.base = options.url.replace(/\/+$/, '');
    this.fetch = options.fetch ?? globalThis.fetch;
  }

  /** A client for `credentials`, acting in `role` when one is named. */
  static of(credentials: Credentials, role?: string): CaseflowClient {
    return new CaseflowClient({ url: credentials.url, token: credentials.token, ...(role ? { role } : {}) });
  }

  /** The token's user and role. */
  me(): Promise<ApiUser> {
    return this.call('GET', '/auth/me');
  }

  /** Trades a user name and web password for a new token. */
  signIn(name: string, password: string, label: string): Promise<IssuedToken> {
    return this.call('POST', '/auth/token-sign-in', { name, password, label });
  }

  /** Revokes a token by its id. */
  revokeToken(id: string): Promise<TokenInfo> {
    return this.call('DELETE', path('/auth/tokens/{}', id));
  }

  /** Opens a case. */
  createCase(request: { type: string; input: Record<string, unknown>; reporter?: Record<string, unknown> }): Promise<CaseView> {
    return this.call('POST', '/cases', request);
  }

  /** Sends an event to a case. */
  sendEvent(caseId: string, event: { type: string; payload: Record<string, unknown>; expectedVersion: number }): Promise<AppliedEvent> {
    return this.call('POST', path('/cases/{}/events', caseId), event);
  }

  /** A case as the caller sees it. */
  getCase(caseId: string): Promise<CaseView> {
    return this.call('GET', path('/cases/{}', caseId));
  }

  /** A case's event log, oldest first. */
  async history(caseId: string): Promise<CaseEventView[]> {
    return (await this.call<{ events: CaseEventView[] }>('GET', path('/cases/{}/history', caseId))).events;
  }

  /** One page of the cases the caller may see. */
  listCases(filter: ListFilter): Promise<CasePage> {
    return this.call('GET', `/cases${queryOf(filter)}`);
  }

  /** Where the caller's own self-recommendation stands, in their words. */
  applicantStatus(caseId: string): Promise<ApplicantStatus> {
    return this.call('GET', path('/cases/{}/applicant-status', caseId));
  }

  /** Running deadlines past due, most overdue first (supervisors). */
  overdue(filter: { unit?: string; type?: string; limit?: number }): Promise<{ asOf: string; cases: OverdueCase[] }> {
    return this.call('GET', `/supervision/overdue${queryOf(filter)}`);
  }

  /** Per unit, and the office's own row: limits met and late in a period, and the on-time rate (supervisors). */
  onTimeRates(period: PeriodFilter): Promise<PeriodReport & { units: OnTimeRate[] }> {
    return this.call('GET', `/supervision/on-time-rates${queryOf(period)}`);
  }

  /** The card consequences decided in a period, each a supervision action with its deadline (supervisors). */
  cardConsequences(period: PeriodFilter): Promise<PeriodReport & { consequences: CardConsequence[] }> {
    return this.call('GET', `/supervision/card-consequences${queryOf(period)}`);
  }

  /** Extends a deadline to `until` (ms) or by `byMs` after its current due time. */
  extendDeadline(deadlineId: string, request: ({ until: number } | { byMs: number }) & { reason: string }): Promise<ExtensionAnswer> {
    const to = 'until' in request ? { until: new Date(request.until).toISOString() } : { byMinutes: Math.round(request.byMs / 60_000) };
    return this.call('POST', path('/deadlines/{}/extensions', deadlineId), { ...to, reason: request.reason });
  }

  /** Approves an extension request as its second approver. */
  approveExtension(deadlineId: string, requestId: number): Promise<ExtensionAnswer> {
    return this.call('POST', path('/deadlines/{}/extension-requests/{}/approval', deadlineId, String(requestId)));
  }

  /** Stops a deadline's clock. */
  suspendDeadline(deadlineId: string, reason: string): Promise<DeadlineView> {
    return this.call('POST', path('/deadlines/{}/suspension', deadlineId), { reason });
  }

  /** Starts a stopped deadline's clock again. */
  resumeDeadline(deadlineId: string): Promise<DeadlineView> {
    return this.call('POST', path('/deadlines/{}/resumption', deadlineId));
  }

  /** Urges the unit on a running deadline. */
  urgeDeadline(deadlineId: string, note?: string): Promise<DeadlineView> {
    return this.call('POST', path('/deadlines/{}/urgings', deadlineId), note === undefined ? {} : { note });
  }

  private async call<T>(method: 'GET' | 'POST' | 'DELETE', route: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (this.options.token) headers.authorization = `Bearer ${this.options.token}`;
    if (this.options.role) headers['x-caseflow-role'] = this.options.role;
    if (body !== undefined) headers['content-type'] = 'application/json';
    let response: Response;
    try {
      response = await this.fetch(`${this.base}${route}`, { method, headers, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
    } catch (error) {
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      throw new ServerUnreachableError(this.base, cause?.code ?? cause?.message ?? (error as Error).message);
    }
    const text = await response.text();
    let answer: unknown;
    try {
      answer = text ? (JSON.parse(text) as unknown) : undefined;
    } catch {
      answer = undefined;
    }
    if (response.ok && answer !== undefined) return answer as T;
    const refusal = answer as { code?: unknown; message?: unknown; details?: unknown } | undefined;
    if (typeof refusal?.code === 'string' && typeof refusal.message === 'string') {
      const details = refusal.details && typeof refusal.details === 'object' ? (refusal.details as Record<string, unknown>) : {};
      throw new ServerRefusedError(refusal.code, refusal.message, details, response.status);
    }
    throw new ServerUnreachableError(this.base, `it answered ${method} ${route} with HTTP ${response.status}, not in caseflow's shape`);
  }
}
