import { randomUUID } from 'node:crypto';

const SAFE_ID = /^[\w.:@/+=-]{1,128}$/;

/**
 * The request id to use: the caller's `X-Request-Id` when it is a sane token (so ids can be
 * followed across services), else a fresh UUID. Anything odd is replaced rather than echoed
 * into logs and headers.
 */
export const requestIdOf = (header: string | string[] | undefined): string =>
  typeof header === 'string' && SAFE_ID.test(header) ? header : randomUUID();
