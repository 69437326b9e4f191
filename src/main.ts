import pino from 'pino';
import { createLogger } from './composition/logger';
import { startServer } from './composition/server';
import { formatSummary } from './composition/startup-summary';
import { logFormatFor, terminalDestination } from './composition/terminal-log';

const USAGE = `usage: node dist/src/main.js [--config path/to/config.yaml] [--memory]

  --config PATH   configuration file (default: CONFIG_PATH, else ./config.yaml)
  --memory        keep the call log in memory instead of PostgreSQL (nothing persists)
`;

/** Command-line options. */
const parseArgs = (argv: readonly string[]): { configPath?: string; memory: boolean } => {
  let configPath: string | undefined;
  let memory = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--memory') memory = true;
    else if (a === '--config' && argv[i + 1] !== undefined) configPath = argv[++i];
    else if (a.startsWith('--config=')) configPath = a.slice('--config='.length);
    else if (a === '--help' || a === '-h') {
      process.stdout.write(USAGE);
      process.exit(0);
    } else throw new Error(`unknown argument ${a}\n${USAGE}`);
  }
  return { ...(configPath === undefined ? {} : { configPath }), memory };
};

/**
 * A signal this soon after the first is the same one delivered twice, not an operator insisting:
 * Ctrl-C in a terminal reaches every process of the group, so `npm start` forwards to node the
 * SIGINT node has just received itself.
 */
const SAME_SIGNAL_MS = 1000;

/**
 * The server process: start, print the summary, and on SIGTERM/SIGINT stop accepting, let
 * in-flight calls finish (bounded by server.shutdown_timeout_ms), flush the call log, exit 0.
 * A second signal (a second or more after the first) exits at once.
 */
const main = async (): Promise<void> => {
  const args = parseArgs(process.argv.slice(2));
  const text = logFormatFor(process.stdout, process.env.LOG_FORMAT) === 'text';
  const logger = createLogger(
    undefined,
    text ? terminalDestination(process.stdout) : pino.destination(1),
  );
  const running = await startServer({ ...args, logger });
  process.stdout.write(formatSummary(running.summary));
  logger.info({ url: running.url, database: running.summary.database }, 'listening');
  let first: number | undefined;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (first !== undefined && performance.now() - first < SAME_SIGNAL_MS) return;
    if (first !== undefined) {
      logger.warn({ signal }, 'second signal: exiting without waiting');
      process.exit(1);
    }
    first = performance.now();
    logger.info({ signal }, 'shutting down: finishing in-flight calls');
    running.shutdown().then(
      (r) => {
        logger.info(r, 'shut down: call log flushed');
        process.exit(0);
      },
      (e: unknown) => {
        logger.error({ err: e }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
};

main().catch((e: unknown) => {
  process.stderr.write(`headspace-inference: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
