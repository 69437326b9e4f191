import type { Middleware } from 'koa';
import type { Logger } from 'pino';
import { mapStringsDeep, scrubConsumerKeys, scrubSecrets } from '../../domain';
import { sendProblem, type HttpContext, type HttpState } from './context';
import { HttpCallObserver } from './call-observer';
import { safeError } from './log-safe';
import type { HttpMetrics } from './metrics';
import { problem } from './problem';
import { requestIdOf } from './request-id';

/** Routes whose access lines are debug, not info: probes and scrapes would drown the log. */
const QUIET = new Set(['/healthz', '/readyz', '/metrics']);

/** What the outermost middleware needs. */
export interface FrameDeps {
  readonly logger: Logger;
  readonly metrics: HttpMetrics;
  /** Outcomes logged in their request's access line (so not again on their own). */
  readonly loggedCalls: WeakSet<object>;
  /** True once shutdown began: answers then close their connection. */
  readonly draining: () => boolean;
  /** The auth token and API key: scrubbed from every error body and echoed header. */
  readonly secrets: readonly string[];
}

/**
 * An error body with the secrets scrubbed from every string in it: a client that puts the
 * token in a path, a field name or a header must not read it back in a detail. Answers that
 * are not errors carry nothing of the request's and are left alone.
 */
const scrubErrorBody = (ctx: HttpContext, secrets: readonly string[]): void => {
  if (ctx.status < 400) return;
  const body: unknown = ctx.body;
  if (typeof body !== 'object' || body === null || Buffer.isBuffer(body) || 'pipe' in body) return;
  ctx.body = mapStringsDeep(body, (s) => scrubConsumerKeys(scrubSecrets(s, secrets)));
};

const routeOf = (ctx: HttpContext): string => {
  const r = (ctx as { _matchedRoute?: unknown })._matchedRoute;
  return typeof r === 'string' ? r : 'unmatched';
};

/** Turns the router's empty 404/405/501 into problems, so every error is problem+json. */
const routingProblem = (ctx: HttpContext): void => {
  if (ctx.body !== undefined && ctx.body !== null) return;
  if (ctx.status === 404) sendProblem(ctx, problem('not_found', `path: no route ${ctx.path}`));
  else if (ctx.status === 405 || ctx.status === 501) {
    sendProblem(ctx, problem('method_not_allowed', `method: ${ctx.method} not allowed here`));
  }
};

/**
 * The outermost middleware: request id in and out, the access log (one line per request, with
 * the call it made), request and stage metrics, and the last-resort guard that turns a bug into
 * a logged 500 problem instead of a dropped connection.
 */
export const frame =
  (d: FrameDeps): Middleware<HttpState> =>
  async (ctx, next) => {
    const started = process.hrtime.bigint();
    const requestId = requestIdOf(ctx.get('X-Request-Id') || undefined, d.secrets);
    ctx.state.requestId = requestId;
    ctx.state.log = d.logger.child({ requestId });
    const observer = (ctx.state.observer = new HttpCallObserver(
      d.loggedCalls,
      ctx.get('traceparent') || undefined,
    ));
    ctx.set('X-Request-Id', requestId);
    try {
      await next();
      routingProblem(ctx);
      scrubErrorBody(ctx, d.secrets);
    } catch (e) {
      ctx.state.log.error({ err: safeError(e) }, 'unhandled error');
      sendProblem(ctx, problem('internal_error', `unexpected error; request id ${requestId}`));
    }
    if (d.draining()) ctx.set('Connection', 'close');
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const route = routeOf(ctx);
    d.metrics.observeRequest(ctx.method, route, ctx.status, seconds);
    // A call's last stage ends when its answer has been handed to the socket.
    if (observer.used)
      ctx.res.once('finish', () => d.metrics.observeStages(route, observer.finish()));
    const call = observer.lineFields();
    const line = {
      method: ctx.method,
      path: ctx.path,
      status: ctx.status,
      ms: seconds * 1000,
      ...call,
    };
    if (QUIET.has(ctx.path)) ctx.state.log.debug(line, 'request');
    else ctx.state.log.info(line, 'request');
  };
