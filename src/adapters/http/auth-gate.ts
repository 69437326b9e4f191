import type { Router } from '@koa/router';
import type { Middleware } from 'koa';
import type { Consumer, KeyRefusal, Scope } from '../../domain';
import { bearerToken, isOpenRoute, secretsEqual } from './auth';
import { sendProblem, type HttpContext, type HttpState } from './context';
import { problem } from './problem';
import { ALL_SCOPES, scopeOf } from './route-scopes';

/** Verifies consumer keys (this instance's copy of them). */
export interface KeyVerifier {
  verify(token: string):
    | {
        readonly ok: true;
        readonly key: { readonly scopes: readonly Scope[] };
        readonly consumer: Consumer;
      }
    | { readonly ok: false; readonly reason: KeyRefusal };
  /** True once any key was ever issued: auth is then on even without a token. */
  anyIssued(): boolean;
}

/** What the gate needs: the router whose routes it judges, the token, the keys and the open list. */
export interface AuthGateDeps {
  readonly router: Router<HttpState>;
  /** Empty: no bootstrap token. */
  readonly authToken: string;
  /** Route patterns open without the token (OPEN_ROUTES plus `/metrics` when public). */
  readonly openRoutes: readonly string[];
  /** Consumer keys; none: only the token. */
  readonly keys?: KeyVerifier | undefined;
}

/** One detail for every key that does not open: unknown, revoked, expired or rotated out alike. */
export const INVALID_CREDENTIAL = 'authorization: the bearer token is not valid';

const refuse = (ctx: HttpContext, detail: string): void => {
  ctx.set('WWW-Authenticate', 'Bearer');
  sendProblem(ctx, problem('unauthorized', detail));
};

/**
 * Deny-by-default bearer auth, decided on the route the router will match for this path (under
 * the router's own case-sensitive, strict rules): open only when a matched route's pattern is on
 * the open list. Otherwise the bearer must be the configured token (every scope) or a consumer
 * key valid now, and hold the scope the route table gives the matched route (`admin` for a route
 * it does not list). A path no route matches needs a valid bearer too, so a 404 tells nothing
 * to a caller without one. With neither a token nor any key issued, auth is off (loopback only).
 */
export const authGate =
  (d: AuthGateDeps): Middleware<HttpState> =>
  async (ctx, next) => {
    const keysOn = d.keys?.anyIssued() ?? false;
    if (d.authToken === '' && !keysOn) return next();
    const matched = d.router.match(ctx.path, ctx.method);
    const open = matched.path.some(
      (l) =>
        l.methods.length > 0 && typeof l.path === 'string' && isOpenRoute(l.path, d.openRoutes),
    );
    if (open) return next();
    const given = bearerToken(ctx.get('Authorization') || undefined);
    if (given === undefined) return refuse(ctx, 'authorization: a bearer token is required');
    let scopes: readonly Scope[] = ALL_SCOPES;
    if (d.authToken === '' || !secretsEqual(given, d.authToken)) {
      const checked = d.keys?.verify(given);
      if (!checked?.ok) return refuse(ctx, INVALID_CREDENTIAL);
      scopes = checked.key.scopes;
      ctx.state.consumer = checked.consumer;
    }
    const route = matched.pathAndMethod.find(
      (l) => l.methods.length > 0 && typeof l.path === 'string',
    );
    if (route && typeof route.path === 'string') {
      const needed = scopeOf(ctx.method, route.path);
      if (!scopes.includes(needed)) {
        const held = scopes.length > 0 ? scopes.join(', ') : 'none';
        return sendProblem(
          ctx,
          problem(
            'forbidden',
            `scope: this route needs the "${needed}" scope; the key has ${held}`,
          ),
        );
      }
    }
    return next();
  };
