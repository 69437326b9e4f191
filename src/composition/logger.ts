import pino, { type Logger } from 'pino';

export type { Logger } from 'pino';

/** Paths redacted from every log line: the API key and bearer tokens never reach a log. */
export const REDACT_PATHS = [
  'apiKey',
  'api_key',
  '*.apiKey',
  '*.api_key',
  'authToken',
  '*.authToken',
  'authorization',
  '*.authorization',
  'headers.authorization',
  'req.headers.authorization',
];

/** A JSON logger (pino) with secrets redacted; `silent` for tests and the library default. */
export const createLogger = (level: string = process.env.LOG_LEVEL ?? 'info'): Logger =>
  pino({ level, redact: { paths: REDACT_PATHS, censor: '[redacted]' } });
