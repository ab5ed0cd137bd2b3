/**
 * API test fixtures: a real server on a random port over its own database (test/support/engine.ts), a captured log,
 * users with tokens for each role, and a small fetch wrapper.
 */
import type { FastifyInstance } from 'fastify';
import { composeApi, type CaseflowOptions } from '../../../app/compose';
import type { Store } from '../../../db/port';
import type { ManualClock } from '../../../src/clock';
import type { CaseEngine } from '../../../src/engine/engine';
import type { Accounts } from '../../../src/auth/accounts';
import type { ServerLimits } from '../../../src/api/context';
import { createApiLogger } from '../../../src/api/logging';
import { API_TOKEN, captureLog, captureSecret, captureSecretsIn } from '../../support/capture';
import { engineFixture } from '../../support/engine';

/** The people the tests act as: name → role. */
export const PEOPLE = {
  clerk: { name: 'wang.fang', role: 'intakeClerk' },
  chair: { name: 'chen.jie', role: 'conferenceChair' },
  verifier: { name: 'liu.yang', role: 'verifier' },
  od: { name: 'zhao.lei', role: 'organizationDepartment' },
  dic: { name: 'sun.li', role: 'disciplineCommission' },
  supervisor: { name: 'li.wei', role: 'supervisor' },
  liaison: { name: 'zhou.min', role: 'unitLiaison' },
  /** The responsible person of he.ping's Party organization: a self-recommendation channel. */
  partyHead: { name: 'xu.ming', role: 'partyOrganizationHead' },
  admin: { name: 'root.admin', role: 'admin' },
  official: { name: 'he.ping', role: 'official' },
} as const;
export type Person = keyof typeof PEOPLE;

/** A parsed JSON body, as loosely typed as `JSON.parse` returns it; tests check shapes with the API's response schemas. */
export type Json = ReturnType<typeof JSON.parse>;

export interface Reply<T = Json> {
  status: number;
  body: T;
  headers: Headers;
}

export interface RequestOptions {
  as?: Person;
  token?: string;
  body?: unknown;
  /** Sent as is, with content type application/json unless `headers` says otherwise. */
  rawBody?: string;
  headers?: Record<string, string>;
}

export interface ApiFixture {
  url: string;
  server: FastifyInstance;
  engine: CaseEngine;
  store: Store;
  clock: ManualClock;
  accounts: Accounts;
  /** The SQLite data file, on the SQLite backend. */
  file: string | undefined;
  /** Tokens of PEOPLE, by person. */
  tokens: Record<Person, string>;
  /** Everything logged so far, one JSON line per entry. */
  log(): string;
  request<T = Json>(method: string, path: string, options?: RequestOptions): Promise<Reply<T>>;
  /** Everything stored, to prove a refused request changed nothing. */
  dump(): Promise<Record<string, unknown[]>>;
  close(): Promise<void>;
}

/** Starts a server on port 0 with its own database (caseflow built with `options`); call `close()` afterwards. */
export async function startApi(limits: Partial<ServerLimits> = {}, options: Partial<CaseflowOptions> = {}): Promise<ApiFixture> {
  const fixture = await engineFixture(options);
  const lines: string[] = [];
  const logger = createApiLogger({ stream: { write: (line: string) => void (lines.push(line), captureLog('the API', line)) }, level: 'debug' });
  const server = await composeApi(fixture.cf, { logger, limits });
  const address = await server.listen({ port: 0, host: '127.0.0.1' });
  const { accounts } = fixture.cf;
  const tokens = {} as Record<Person, string>;
  for (const [person, { name, role }] of Object.entries(PEOPLE)) {
    await accounts.addUser(name, role);
    tokens[person as Person] = (await accounts.createToken(name)).token;
    captureSecret(API_TOKEN, tokens[person as Person]);
  }
  const request = async <T>(method: string, path: string, options: RequestOptions = {}): Promise<Reply<T>> => {
    const headers: Record<string, string> = { ...options.headers };
    const token = options.token ?? (options.as ? tokens[options.as] : undefined);
    if (token !== undefined) headers.authorization = `Bearer ${token}`;
    let body: string | undefined;
    if (options.rawBody !== undefined) body = options.rawBody;
    else if (options.body !== undefined) body = JSON.stringify(options.body);
    captureSecretsIn(options.body);
    if (body !== undefined && !Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) headers['content-type'] = 'application/json';
    const response = await fetch(`${address}${path}`, { method, headers, ...(body !== undefined ? { body } : {}) });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // not JSON: keep the text
    }
    captureSecretsIn(parsed);
    return { status: response.status, body: parsed as T, headers: response.headers };
  };
  return {
    url: address,
    server,
    engine: fixture.engine,
    store: fixture.store,
    clock: fixture.clock,
    accounts,
    file: fixture.file,
    tokens,
    log: () => lines.join(''),
    request,
    dump: () => fixture.dump(),
    close: async () => {
      await server.close();
      await fixture.cleanup();
    },
  };
}

/** A clue as the public files it. */
export const publicClue = (overrides: Record<string, unknown> = {}) => ({
  aspect: 'slowResponseToPublic',
  summary: 'The permit office has not answered applications for three weeks',
  subject: { officialId: 'he.ping', name: 'He Ping', post: 'Deputy director', unit: 'Municipal Housing Bureau' },
  ...overrides,
});

/** A clue input as an intake clerk opens it through POST /cases. */
export const clueInput = (overrides: Record<string, unknown> = {}) => ({
  ...publicClue(),
  channel: 'hotline',
  anonymous: true,
  ...overrides,
});

/** Sends an event as `person` at the case's current version (read as the supervisor, who is never a subject here). */
export async function sendEvent(api: ApiFixture, person: Person, caseId: string, type: string, payload: Record<string, unknown> = {}): Promise<Reply> {
  const version = await currentVersion(api, caseId);
  return api.request('POST', `/cases/${caseId}/events`, { as: person, body: { type, payload, expectedVersion: version } });
}

/** The version stored for a case. */
export const currentVersion = async (api: ApiFixture, caseId: string): Promise<number> => (await api.engine.getCase(caseId)).version;

/** A self-recommendation input: he.ping recommends himself. */
export const selfRecommendationInput = () => ({
  candidate: { officialId: 'he.ping', name: 'He Ping', currentPost: 'Deputy director', unit: 'Municipal Housing Bureau' },
  targetPost: 'Director, Municipal Housing Bureau',
  channel: 'organizationDepartment',
  statement: 'I cleared the permit backlog a year early and ask to be considered for the post.',
  evidence: ['Backlog report, 2025'],
});

/** A self-recommendation he.ping gives to the responsible person of his Party organization, who must pass it on. */
export const selfRecommendationThroughPartyHead = () => ({
  ...selfRecommendationInput(),
  channel: 'partyOrganization',
  channelHolderId: PEOPLE.partyHead.name,
});

/** A rectification input: "Seeing" criticized the housing bureau at 20:00. */
export const rectificationInput = () => ({
  unit: 'Municipal Housing Bureau',
  report: 'Seeing: applicants wait weeks for a stamp',
  airedAt: '2026-11-25T20:00:00+08:00',
});

/** Fires every ladder step of the case's running deadlines that is due by now, as the deadline worker would; returns the steps fired. */
export async function fireDueSteps(api: ApiFixture, caseId: string): Promise<string[]> {
  const fired: string[] = [];
  for (;;) {
    const running = await api.store.read((tx) => tx.deadlines.runningOfCase(caseId));
    const row = running.find((d) => d.nextFireAt !== null && d.nextFireAt <= api.clock.now());
    if (!row) return fired;
    const outcome = await api.engine.deadlines.fire(row.id, row.scheduleRev);
    if (outcome.kind !== 'fired') return fired;
    fired.push(outcome.step);
  }
}
