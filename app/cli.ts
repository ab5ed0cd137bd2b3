/**
 * The CLI's composition root: the services `caseflow` commands run on, built from real adapters.
 */
import type { CliServices } from '../src/cli/context';
import { main } from '../src/cli/main';
import type { ComposedCaseflow } from './compose';

// Everything else is loaded by the command that needs it (the store and machines to open caseflow,
// the HTTP stack to serve, BullMQ to run workers), so that `caseflow --help` and `caseflow show`
// start without parsing the web app, BullMQ, pg or argon2.

/** The queue's default key prefix (workers/runner.ts), repeated so that reading it loads no BullMQ. */
const DEFAULT_QUEUE_PREFIX = '{caseflow}';

/** The key prefix shared by the queue, the signal channel and the rate limits. */
const redisPrefix = (env: NodeJS.ProcessEnv = process.env): string => env.CASEFLOW_QUEUE_PREFIX ?? DEFAULT_QUEUE_PREFIX;

/**
 * Opens caseflow on the database the options name. On PostgreSQL with REDIS_URL set, processes
 * share one event bus over Redis (a commit in the API nudges the workers at once); otherwise the
 * bus stays in this process and the workers' polls pick the work up.
 */
async function openForCli(options: { db?: string; databaseUrl?: string; policy?: string }): Promise<ComposedCaseflow> {
  const { clockFromEnv } = require('../src/clock') as typeof import('../src/clock');
  const { caseDefinitions } = require('../machines') as typeof import('../machines');
  const { loadOfficePolicy, resolvePolicyFile } = require('./policyFile') as typeof import('./policyFile');
  const { composeCaseflow, openStore } = require('./compose') as typeof import('./compose');
  const clock = clockFromEnv();
  // read before the store opens: a bad policy file is refused at start, naming the field
  const policy = loadOfficePolicy(resolvePolicyFile(options.policy), caseDefinitions);
  const store = await openStore({ ...(options.db ? { dbFile: options.db } : {}), ...(options.databaseUrl ? { databaseUrl: options.databaseUrl } : {}) });
  const redisUrl = process.env.REDIS_URL;
  if (!redisUrl || store.dialect !== 'postgres') return withImportedYears(composeCaseflow({ store, clock, policy }));
  const { connectRedisEventBus } = require('./redisEventBus') as typeof import('./redisEventBus');
  const { jsonLogger } = require('../src/logger') as typeof import('../src/logger');
  const bus = await connectRedisEventBus(redisUrl, { prefix: redisPrefix(), logger: jsonLogger(process.stderr, { service: 'caseflow' }) });
  const cf = await withImportedYears(composeCaseflow({ store, clock, bus, policy }));
  return { ...cf, close: () => bus.close().finally(() => cf.close()) };
}

/**
 * caseflow with the calendar years imported into its store (caseflow calendar import) laid over the
 * shipped calendar, and any identity an older caseflow stored in plain text sealed (given a key).
 */
async function withImportedYears(cf: ComposedCaseflow): Promise<ComposedCaseflow> {
  await cf.engine.calendars.load();
  await cf.engine.identities.sealPlain();
  return cf;
}

/** The services of the `caseflow` CLI. */
export function composeCli(): CliServices<ComposedCaseflow> {
  return {
    open: openForCli,
    startWorkers: async (cf) => {
      const { jsonLogger } = require('../src/logger') as typeof import('../src/logger');
      const { workerSettingsFromEnv } = require('../workers/runner') as typeof import('../workers/runner');
      const { processMetrics } = require('./observability') as typeof import('./observability');
      const { startWorkerHttpFromEnv } = require('./workerHttp') as typeof import('./workerHttp');
      const { composeWorker } = require('./compose') as typeof import('./compose');
      const logger = jsonLogger(process.stderr, { service: 'caseflow-worker', pid: process.pid });
      const settings = workerSettingsFromEnv();
      const metrics = processMetrics();
      const workers = await composeWorker(cf, settings, { logger, metrics });
      const http = await startWorkerHttpFromEnv({ cf, workers, metrics, logger, redisUrl: settings.redisUrl }).catch(async (error: unknown) => {
        await workers.close();
        throw error;
      });
      logger.info('workers started', { redis: settings.redisUrl.replace(/\/\/[^@]*@/, '//***@'), prefix: settings.prefix, db: cf.location });
      return {
        close: async () => {
          logger.info('stopping: in-flight jobs finish first');
          await http?.close();
          await workers.close();
          logger.info('workers stopped');
        },
      };
    },
    serve: async (cf, options) => {
      const { createApiLogger } = require('../src/api/logging') as typeof import('../src/api/logging');
      const { composeApi } = require('./compose') as typeof import('./compose');
      const logger = createApiLogger();
      const redisUrl = process.env.REDIS_URL;
      const server = await composeApi(cf, { logger, trustProxy: options.trustProxy, ...(redisUrl ? { redis: { url: redisUrl, prefix: redisPrefix() } } : {}) });
      const address = await server.listen({ port: options.port, host: options.host });
      return { address, close: () => server.close(), log: (message, fields = {}) => logger.info(fields, message) };
    },
    demo: (options) => (require('./demo') as typeof import('./demo')).runDemo(options),
  };
}

/** Runs `caseflow` with `argv`. */
export function run(argv: readonly string[]): Promise<void> {
  return main(argv, composeCli());
}

if (require.main === module) {
  void run(process.argv);
}
