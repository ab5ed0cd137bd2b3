/**
 * The composition root: the one place that picks concrete adapters and wires caseflow's parts
 * together — the store, the engine, accounts, reports, the API server and the workers. Everything
 * else receives its dependencies from here (or from a test that builds its own).
 *
 * May import anything; nothing but app/, test/ and bench/ imports it.
 */
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Store } from '../db/port';
import { openSqliteStore } from '../db/sqlite';
import { caseDefinitions } from '../machines';
import type { CaseDefinition, CaseType } from '../machines/types';
import type { ServerLimits } from '../src/api/context';
import type { Probe } from '../src/api/health';
import type { ApiLogger } from '../src/api/logging';
import { Accounts } from '../src/auth/accounts';
import { ReporterReceipts } from '../src/auth/receipts';
import { WebSessions } from '../src/auth/sessions';
import { LocalEventBus, type EventBus } from '../src/bus';
import type { Caseflow } from '../src/cli/context';
import { systemClock, type Clock } from '../src/clock';
import { CaseEngine } from '../src/engine/engine';
import { SupervisionReports } from '../src/engine/supervision';
import { CaseLogAudit } from '../src/engine/audit';
import type { Logger } from '../src/logger';
import { DEFAULT_POLICY, type OfficePolicy } from '../src/officePolicy';
import type { IdentitySeal } from '../src/privacy/identitySeal';
import type { CaseflowMetrics } from '../src/metrics';
import { CHINA_MAINLAND_DEFINITION, LiveCalendar, type WorkingDayCalendar } from '../src/time';
import type { WebDeps } from '../src/web/context';
import type { NotificationSender } from '../workers/notifier';
import type { WorkerSettings, Workers } from '../workers/runner';
import { identitySealFromEnv, revealTtlFromEnv } from './identityKeys';

/** Where the data lives unless `CASEFLOW_DB` or a `--db` flag says otherwise. */
export const DEFAULT_DB_FILE = path.join('data', 'caseflow.sqlite');

/** The database file to use: an explicit path, else `CASEFLOW_DB`, else the default. */
export function resolveDbFile(explicit?: string, env: NodeJS.ProcessEnv = process.env): string {
  return explicit ?? env.CASEFLOW_DB ?? DEFAULT_DB_FILE;
}

/** Which database to open: PostgreSQL when a URL is given (`--database-url` or `DATABASE_URL`), else the SQLite file. */
export interface StoreChoice {
  /** A `postgres://…` URL. @defaultValue `DATABASE_URL` */
  databaseUrl?: string;
  /** The SQLite file when no URL is given. @defaultValue `CASEFLOW_DB`, else data/caseflow.sqlite */
  dbFile?: string;
}

/** Opens (and migrates, under a lock) the store the choice names. */
export async function openStore(choice: StoreChoice = {}, env: NodeJS.ProcessEnv = process.env): Promise<Store> {
  const url = choice.databaseUrl ?? (choice.dbFile === undefined ? env.DATABASE_URL : undefined);
  if (url) {
    if (!/^postgres(ql)?:\/\//.test(url)) throw new Error(`the database URL must start with postgres:// (got "${url.replace(/\/\/[^@]*@/, '//***@')}")`);
    // loaded only when asked for: the SQLite commands never pay for the PostgreSQL driver
    const { openPostgresStore } = require('../db/postgres') as typeof import('../db/postgres');
    return openPostgresStore(url);
  }
  return openSqliteStore(resolveDbFile(choice.dbFile, env));
}

/** Opens the chosen store and builds caseflow on it. */
export async function openCaseflow(options: Omit<CaseflowOptions, 'store' | 'dbFile'> & StoreChoice = {}): Promise<ComposedCaseflow> {
  const { databaseUrl, dbFile, ...rest } = options;
  const store = await openStore({ ...(databaseUrl ? { databaseUrl } : {}), ...(dbFile ? { dbFile } : {}) });
  const cf = composeCaseflow({ ...rest, store });
  // the calendar years imported so far, so that this process counts working days as every other does
  await cf.engine.calendars.load();
  // identities an older caseflow stored in plain text are sealed on the first start with a key
  await cf.engine.identities.sealPlain();
  return cf;
}

export interface CaseflowOptions {
  /** SQLite file. @defaultValue `CASEFLOW_DB`, else data/caseflow.sqlite */
  dbFile?: string;
  /** An already open store (tests open a second engine on the same one). */
  store?: Store;
  /** @defaultValue the system clock */
  clock?: Clock;
  /** @defaultValue the bundled official calendar (src/time/calendars/cn.json), with the years imported into the store */
  calendar?: WorkingDayCalendar;
  /** @defaultValue the built-in case types (machines/index.ts) */
  definitions?: readonly CaseDefinition[];
  /** @defaultValue a bus inside this process */
  bus?: EventBus;
  /** The office policy (loadOfficePolicy reads a file). @defaultValue DEFAULT_POLICY */
  policy?: OfficePolicy;
  newCaseId?: (type: CaseType, now: number) => string;
  /** Seals named reporters' identities; null refuses named intake. @defaultValue the keys the environment names (app/identityKeys.ts), else null */
  identitySeal?: IdentitySeal | null;
  /** How long an approved identity reveal stays open, in ms. @defaultValue `CASEFLOW_IDENTITY_REVEAL_MINUTES`, else 15 minutes */
  revealTtlMs?: number;
}

/** caseflow opened on a store, with everything its commands and services need. */
export interface ComposedCaseflow extends Caseflow {
  store: Store;
  /** The office policy the engine and workers work by. */
  policy: OfficePolicy;
  bus: EventBus;
  calendar: WorkingDayCalendar;
  receipts: ReporterReceipts;
  /** Web sign-in sessions. */
  sessions: WebSessions;
}

/** Opens the store (migrating it) and builds the engine, accounts and reports on it. */
export function composeCaseflow(options: CaseflowOptions = {}): ComposedCaseflow {
  const store = options.store ?? openSqliteStore(resolveDbFile(options.dbFile));
  const clock = options.clock ?? systemClock;
  // the official calendar, live: a year imported later (caseflow calendar import) is laid over it
  const calendar = options.calendar ?? new LiveCalendar(CHINA_MAINLAND_DEFINITION);
  const bus = options.bus ?? new LocalEventBus();
  const revealTtlMs = options.revealTtlMs ?? revealTtlFromEnv();
  const engine = new CaseEngine({
    store,
    clock,
    calendar,
    bus,
    definitions: options.definitions ?? caseDefinitions,
    ...(options.policy ? { policy: options.policy } : {}),
    ...(options.newCaseId ? { newCaseId: options.newCaseId } : {}),
    identitySeal: options.identitySeal === undefined ? identitySealFromEnv() : options.identitySeal,
    ...(revealTtlMs !== undefined ? { revealTtlMs } : {}),
  });
  // a year imported by another process reaches this one through the bus (and at the next start in any case)
  bus.subscribe((signal) => {
    if (signal.kind === 'calendarChanged') void engine.calendars.load().catch(() => undefined);
  });
  return {
    store,
    policy: options.policy ?? DEFAULT_POLICY,
    bus,
    clock,
    calendar,
    engine,
    accounts: new Accounts(store, clock),
    receipts: new ReporterReceipts(store, clock),
    sessions: new WebSessions(store, clock),
    supervision: new SupervisionReports(store, calendar),
    audit: new CaseLogAudit({ store, clock }),
    location: store.location,
    close: () => store.close(),
  };
}

/** What the API server is built with, beyond the caseflow it serves. */
export interface ApiOptions {
  logger: ApiLogger;
  limits?: Partial<ServerLimits>;
  trustProxy?: boolean;
  version?: string;
  /**
   * Redis shared by every API server: the public routes' rate limits are counted there (so a client
   * cannot multiply its limit by the number of servers) and /readyz PINGs it. @defaultValue none:
   * limits are counted in this process
   */
  redis?: { url: string; /** Key prefix. @defaultValue `caseflow` */ prefix?: string };
  /** This process's metrics. @defaultValue a fresh registry with Node's process metrics */
  metrics?: CaseflowMetrics;
}

/** Builds the HTTP API on an opened caseflow; closing the server closes the Redis client it opened. */
export async function composeApi(cf: ComposedCaseflow, options: ApiOptions): Promise<FastifyInstance> {
  // the HTTP stack is loaded when a server is built, so that the other commands start fast
  const { runReadinessChecks } = require('../src/api/health') as typeof import('../src/api/health');
  const { buildServer } = require('../src/api/server') as typeof import('../src/api/server');
  const { registerWebApp } = require('../src/web/plugin') as typeof import('../src/web/plugin');
  const { DEFAULT_QUEUE_PREFIX } = require('../workers/runner') as typeof import('../workers/runner');
  const { closeRedis, failFastRedis, outboxBacklog, processMetrics, redisProbe, storeProbes } = require('./observability') as typeof import('./observability');
  const { logger } = options;
  const metrics = options.metrics ?? processMetrics();
  metrics.readOutboxBacklogOnScrape(outboxBacklog(cf.store));
  const redis = options.redis ? await failFastRedis(options.redis.url, 'rate limits', (level, message, fields) => logger[level](fields, message)) : null;
  const probes: Record<string, Probe> = { ...storeProbes(cf.store), ...(redis ? { redis: redisProbe(redis) } : {}) };
  try {
    const server = await buildServer({
      engine: cf.engine,
      accounts: cf.accounts,
      receipts: cf.receipts,
      supervision: cf.supervision,
      audit: cf.audit,
      clock: cf.clock,
      logger,
      readiness: () => runReadinessChecks(probes),
      metrics,
      ...(redis ? { rateLimitRedis: redis, rateLimitNameSpace: `${options.redis?.prefix ?? DEFAULT_QUEUE_PREFIX}:rate-limit:` } : {}),
      ...(options.limits ? { limits: options.limits } : {}),
      ...(options.trustProxy !== undefined ? { trustProxy: options.trustProxy } : {}),
      ...(options.version ? { version: options.version } : {}),
    });
    if (redis) server.addHook('onClose', () => closeRedis(redis));
    await registerWebApp(server, { ...webDepsOf(cf), ...(options.limits?.signInMax !== undefined ? { signInMax: options.limits.signInMax } : {}), ...(options.limits?.windowMs !== undefined ? { signInWindowMs: options.limits.windowMs } : {}) });
    return server;
  } catch (error) {
    if (redis) await closeRedis(redis);
    throw error;
  }
}

/** What the web pages are built from, on an opened caseflow. */
export function webDepsOf(cf: ComposedCaseflow): WebDeps {
  return {
    engine: cf.engine,
    supervision: cf.supervision,
    sessions: cf.sessions,
    receipts: cf.receipts,
    clock: cf.clock,
    calendar: cf.calendar,
    subscribe: (listener) => cf.bus.subscribe(listener),
  };
}

/** Starts the deadline workers (wake-ups, dispatcher, reconciler, notifier) on an opened caseflow. */
export async function composeWorker(
  cf: ComposedCaseflow,
  settings: WorkerSettings,
  options: { logger: Logger; sender?: NotificationSender; consume?: boolean; metrics?: CaseflowMetrics },
): Promise<Workers> {
  // BullMQ and ioredis are loaded when workers start, so that the other commands start fast
  const { startWorkers } = require('../workers/runner') as typeof import('../workers/runner');
  const { WebhookSender } = require('../workers/notifier') as typeof import('../workers/notifier');
  const webhook = settings.webhookUrl ? { url: settings.webhookUrl } : cf.policy.notifications.webhook;
  const sender = options.sender ?? (webhook ? new WebhookSender(webhook) : undefined);
  if (!options.sender && webhook) options.logger.info('notifications go to a webhook', { origin: new URL(webhook.url).origin });
  return startWorkers(settings, {
    ...(options.metrics ? { metrics: options.metrics } : {}),
    store: cf.store,
    deadlines: cf.engine.deadlines,
    audit: cf.audit,
    clock: cf.clock,
    bus: cf.bus,
    logger: options.logger,
    ...(sender ? { sender } : {}),
    ...(options.consume !== undefined ? { consume: options.consume } : {}),
  });
}
