/**
 * The CLI's composition root: the services `caseflow` commands run on, built from real adapters.
 */
import { createApiLogger } from '../src/api/logging';
import type { CliServices } from '../src/cli/context';
import { main } from '../src/cli/main';
import { clockFromEnv } from '../src/clock';
import { jsonLogger } from '../src/logger';
import { workerSettingsFromEnv } from '../workers/runner';
import { composeApi, composeWorker, openCaseflow, type ComposedCaseflow } from './compose';
import { runDemo } from './demo';

/** The services of the `caseflow` CLI. */
export function composeCli(): CliServices<ComposedCaseflow> {
  return {
    open: (options) =>
      openCaseflow({ clock: clockFromEnv(), ...(options.db ? { dbFile: options.db } : {}), ...(options.databaseUrl ? { databaseUrl: options.databaseUrl } : {}) }),
    startWorkers: async (cf) => {
      const logger = jsonLogger(process.stderr, { service: 'caseflow-worker', pid: process.pid });
      const settings = workerSettingsFromEnv();
      const workers = await composeWorker(cf, settings, { logger });
      logger.info('workers started', { redis: settings.redisUrl.replace(/\/\/[^@]*@/, '//***@'), prefix: settings.prefix, db: cf.location });
      return {
        close: async () => {
          logger.info('stopping: in-flight jobs finish first');
          await workers.close();
          logger.info('workers stopped');
        },
      };
    },
    serve: async (cf, options) => {
      const logger = createApiLogger();
      const server = await composeApi(cf, { logger, trustProxy: options.trustProxy });
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
