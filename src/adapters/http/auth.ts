import { createHash, timingSafeEqual } from 'node:crypto';

const digest = (s: string): Buffer => createHash('sha256').update(s, 'utf8').digest();

/**
 * Compares two secrets in constant time: both are hashed first, so the comparison runs over
 * equal-length digests and neither the token's content nor its length leaks through timing.
 */
export const secretsEqual = (given: string, expected: string): boolean =>
  timingSafeEqual(digest(given), digest(expected));

/** Paths that need the bearer token when one is configured (CONTRACT §1). */
export const isProtectedPath = (path: string): boolean =>
  path === '/api' || path.startsWith('/api/') || path === '/v1' || path.startsWith('/v1/');

/** The token of an `Authorization: Bearer <token>` header, or undefined. */
export const bearerToken = (header: string | undefined): string | undefined => {
  const m = /^Bearer +(\S+) *$/i.exec(header ?? '');
  return m?.[1];
};

/** Why a request is refused, or null when it may pass. `expected` empty: auth is off. */
export const authFailure = (
  path: string,
  header: string | undefined,
  expected: string,
): string | null => {
  if (expected === '' || !isProtectedPath(path)) return null;
  const given = bearerToken(header);
  if (given === undefined) return 'authorization: a bearer token is required';
  return secretsEqual(given, expected) ? null : 'authorization: the bearer token is not valid';
};
