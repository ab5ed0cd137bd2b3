/**
 * The CLI's composition root: the services `caseflow` commands run on, built from real adapters.
 */
import { createApiLogger } from '../src/api/logging';
import type { CliServices } from '../src/cli/context';
import { main } from '../src/cli/main';
import { clockFromEnv } from '../src/clock';
import { jsonLogger } from '../src/logger';
import { DEFAULT_QUEUE_PREFIX, workerSettingsFromEnv } from '../workers/runner';
import { composeApi, composeCaseflow, composeWorker, openStore, type ComposedCaseflow } from './compose';
import { caseDefinitions } from '../machines';
import { runDemo } from './demo';
import { loadOfficePolicy, resolvePolicyFile } from './policyFile';
import { processMetrics } from './observability';
import { connectRedisEventBus } from './redisEventBus';
import { startWorkerHttpFromEnv } from './workerHttp';

/** The key prefix shared by the queue, the signal channel and the rate limits. */
const redisPrefix = (env: NodeJS.ProcessEnv = process.env): string => env.CASEFLOW_QUEUE_PREFIX ?? DEFAULT_QUEUE_PREFIX;

/**
 * Opens caseflow on the database the options name. On PostgreSQL with REDIS_URL set, processes
 * share one event bus over Redis (a commit in the API nudges the workers at once); otherwise the
 * bus stays in this process and the workers' polls pick the work up.
 */
async function openForCli(options: { db?: string; databaseUrl?: string; policy?: string }): Promise<ComposedCaseflow> {
  const clock = clockFromEnv();
  // read before the store opens: a bad policy file is refused at start, naming the field
  const policy = loadOfficePolicy(resolvePolicyFile(options.policy), caseDefinitions);
  const store = await openStore({ ...(options.db ? { dbFile: options.db } : {}), ...(options.databaseUrl ? { databaseUrl: options.databaseUrl } : {}) });
  const redisUrl = process.env.REDIS_URL;
  if (!redisUrl || store.dialect !== 'postgres') return withImportedYears(composeCaseflow({ store, clock, policy }));
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
      const logger = createApiLogger();
      const redisUrl = process.env.REDIS_URL;
      const server = await composeApi(cf, { logger, trustProxy: options.trustProxy, ...(redisUrl ? { redis: { url: redisUrl, prefix: redisPrefix() } } : {}) });
      const address = await server.listen({ port: options.port, host: options.host });
      return { address, close: () => server.close(), log: (message, fields = {}) => logger.info(fields, message) };
    },
    demo: (options) => runDemo(options),
  };
}

/** Runs `caseflow` with `argv`. */
export function run(argv: readonly string[]): Promise<void> {
  return main(argv, composeCli());
}

if (require.main === module) {
  void run(process.argv);
}
