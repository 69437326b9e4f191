import pino, { type DestinationStream, type Logger } from 'pino';
import { safeError } from '../adapters/http';

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
