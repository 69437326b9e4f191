import pino, { type DestinationStream, type Logger } from 'pino';
import { safeError } from '../adapters/http';
import { scrubConsumerKeys, scrubSecrets } from '../domain';

export type { Logger } from 'pino';

/**
 * Paths redacted from every log line: the API key, bearer tokens, whole header sets and raw
 * request bytes never reach a log, whoever logs them.
 */
export const REDACT_PATHS = [
  'apiKey',
  'api_key',
  '*.apiKey',
  '*.api_key',
  'authToken',
  '*.authToken',
  'auth_token',
  '*.auth_token',
  'authorization',
  '*.authorization',
  'headers',
  '*.headers',
  'rawPacket',
  '*.rawPacket',
  'req.headers',
];

/**
 * A JSON logger (pino) with secrets redacted and errors reduced to name, message, code and
 * stack (see safeError); `silent` for tests and the library default. Writes to stdout unless
 * given a destination.
 */
export const createLogger = (
  level: string = process.env.LOG_LEVEL ?? 'info',
  destination?: DestinationStream,
): Logger =>
  pino(
    {
      level,
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      serializers: { err: safeError, error: safeError },
    },
    destination ?? pino.destination(1),
  );

const scrubbed = new WeakSet<Logger>();

/**
 * `logger` writing every line with `secrets` (the auth token, the API key) and the secret of
 * any consumer key (`hsk_…`) scrubbed out,
 * wherever they appear: a path, a request id, a field name, an error message. One place, the
 * line as written, so no call site has to remember; children inherit it. Empty secrets are
 * ignored, and a logger already scrubbing is returned as it is.
 */
export const scrubbingLogger = (logger: Logger, secrets: readonly string[]): Logger => {
  const live = secrets.filter((s) => s !== '');
  if (scrubbed.has(logger)) return logger;
  const child = logger.child({});
  const { streamSym } = pino.symbols;
  const target = (logger as unknown as Record<symbol, DestinationStream>)[streamSym]!;
  const stream: DestinationStream & { flush?: () => void } = {
    write: (line: string) => target.write(scrubConsumerKeys(scrubSecrets(line, live))),
    flush: () => (target as { flush?: () => void }).flush?.(),
  };
  (child as unknown as Record<symbol, DestinationStream>)[streamSym] = stream;
  scrubbed.add(child);
  return child;
};
