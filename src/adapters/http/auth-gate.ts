import type { Router } from '@koa/router';
import type { Middleware } from 'koa';
import { authFailure, isOpenRoute } from './auth';
import { sendProblem, type HttpState } from './context';
import { problem } from './problem';

/** What the gate needs: the router whose routes it judges, the token and the open list. */
export interface AuthGateDeps {
  readonly router: Router<HttpState>;
  /** Empty: auth is off. */
  readonly authToken: string;
  /** Route patterns open without the token (OPEN_ROUTES plus `/metrics` when public). */
  readonly openRoutes: readonly string[];
}

/**
 * Deny-by-default bearer auth, decided on the route the router will match for this path (under
 * the router's own case-sensitive, strict rules): open only when a matched route's pattern is on
 * the open list. A path no route matches, in any spelling, needs the token too, so a 404 tells
 * nothing to a caller without one.
 */
export const authGate =
  (d: AuthGateDeps): Middleware<HttpState> =>
  async (ctx, next) => {
    if (d.authToken === '') return next();
    const matched = d.router.match(ctx.path, ctx.method).path;
    const open = matched.some(
      (l) =>
        l.methods.length > 0 && typeof l.path === 'string' && isOpenRoute(l.path, d.openRoutes),
    );
    const refused = authFailure(open, ctx.get('Authorization') || undefined, d.authToken);
    if (refused === null) return next();
    ctx.set('WWW-Authenticate', 'Bearer');
    sendProblem(ctx, problem('unauthorized', refused));
  };
