import { createHash, timingSafeEqual } from 'node:crypto';

const digest = (s: string): Buffer => createHash('sha256').update(s, 'utf8').digest();

/**
 * Compares two secrets in constant time: both are hashed first, so the comparison runs over
 * equal-length digests and neither the token's content nor its length leaks through timing.
 */
export const secretsEqual = (given: string, expected: string): boolean =>
  timingSafeEqual(digest(given), digest(expected));

/**
 * Route patterns that answer without the token: probes and the dashboard's static files. Any
 * other route, and any path no route matches, needs it. A pattern ending in `/*` opens every
 * route pattern under that prefix (`/dashboard/*` opens `/dashboard/{*path}`). Extend it by
 * passing `openRoutes` to the app, never by testing request paths.
 */
export const OPEN_ROUTES: readonly string[] = ['/healthz', '/readyz', '/dashboard', '/dashboard/*'];

/** True when the route `pattern` (as registered, not a request path) is on the `open` list. */
export const isOpenRoute = (pattern: string, open: readonly string[] = OPEN_ROUTES): boolean =>
  open.some((o) =>
    o.endsWith('/*')
      ? pattern.startsWith(o.slice(0, -1)) && pattern.length > o.length - 1
      : pattern === o,
  );

/** The token of an `Authorization: Bearer <token>` header, or undefined. */
export const bearerToken = (header: string | undefined): string | undefined => {
  const m = /^Bearer +(\S+) *$/i.exec(header ?? '');
  return m?.[1];
};

/**
 * Why a request is refused, or null when it may pass. `expected` empty: auth is off. `open`
 * says whether the route the request matched is on the open list; decide it on the matched
 * route, never on the raw path.
 */
export const authFailure = (
  open: boolean,
  header: string | undefined,
  expected: string,
): string | null => {
  if (expected === '' || open) return null;
  const given = bearerToken(header);
  if (given === undefined) return 'authorization: a bearer token is required';
  return secretsEqual(given, expected) ? null : 'authorization: the bearer token is not valid';
};
