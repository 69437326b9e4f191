import { randomUUID } from 'node:crypto';
import { scrubConsumerKeys, scrubSecrets } from '../../domain';

const SAFE_ID = /^[\w.:@/+=-]{1,128}$/;

/**
 * The request id to use: the caller's `X-Request-Id` when it is a sane token (so ids can be
 * followed across services), else a fresh UUID. Anything odd, or carrying one of `secrets`
 * (a client that sent its token there) or a consumer key, is replaced rather than echoed into
 * logs and headers.
 */
export const requestIdOf = (
  header: string | string[] | undefined,
  secrets: readonly string[] = [],
): string =>
  typeof header === 'string' &&
  SAFE_ID.test(header) &&
  scrubSecrets(header, secrets) === header &&
  scrubConsumerKeys(header) === header
    ? header
    : randomUUID();
