import { rebuildProjections } from '../adapters/persistence';
import { loadConfig } from './config';
import { openDatabase } from './database';
import { Lifecycle } from './lifecycle';
import { createLogger } from './logger';
import { progressBar } from './progress-bar';

/**
 * `npm run projections:rebuild [-- --config path]`: truncates `inference_calls` and the usage
 * aggregates and replays the event log into them, with a progress bar. Uses `database.url`, or
 * the embedded PostgreSQL under `data_dir` (attaching to it when the service is running).
 */
const main = async (): Promise<void> => {
  const argv = process.argv.slice(2);
  const at = argv.indexOf('--config');
  const loaded = loadConfig({ path: at >= 0 ? argv[at + 1] : undefined });
  if (loaded.isErr()) throw new Error(loaded.error.message);
  const logger = createLogger(process.env.LOG_LEVEL ?? 'warn');
  const lifecycle = new Lifecycle();
  try {
    const { knex, displayUrl } = await openDatabase(loaded.value, logger, lifecycle);
    process.stderr.write(`rebuilding projections from the event log in ${displayUrl}\n`);
    const bar = progressBar(process.stderr);
    const events = await rebuildProjections(knex, { onProgress: bar.update });
    bar.finish(events);
  } finally {
    await lifecycle.close((name, e) => logger.error({ err: e }, `closing ${name} failed`));
  }
};

main().catch((e: unknown) => {
  process.stderr.write(`projections:rebuild failed: ${e instanceof Error ? e.message : e}\n`);
  process.exit(1);
});
