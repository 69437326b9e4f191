import { createInferenceService } from './composition/service';
import { createLogger } from './composition/logger';

/**
 * The server process. The HTTP routes arrive with the HTTP adapter; until then this starts the
 * service, prints its status and waits for a signal.
 */
const main = async (): Promise<void> => {
  const argv = process.argv.slice(2);
  const at = argv.indexOf('--config');
  const logger = createLogger();
  const svc = await createInferenceService({
    configPath: at >= 0 ? argv[at + 1] : undefined,
    memory: argv.includes('--memory'),
    logger,
  });
  const status = await svc.status();
  logger.info({ models: status.models, degradedReason: status.degradedReason }, 'service started');
  const stop = async (): Promise<void> => {
    await svc.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
  setInterval(() => undefined, 1 << 30);
};

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
