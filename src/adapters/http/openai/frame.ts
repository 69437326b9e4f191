import type { Middleware } from 'koa';
import type { HttpContext, HttpState } from '../context';
import { problem, type Problem } from '../problem';
import { openAiErrorOf, type OpenAiErrorResponse } from './errors';

/** True for the OpenAI-compatible routes, `/v1` and below. */
export const isOpenAiPath = (path: string): boolean => path === '/v1' || path.startsWith('/v1/');

/** Sends an error in OpenAI's shape with its status and headers. */
export const sendOpenAiError = (ctx: HttpContext, e: OpenAiErrorResponse): void => {
  ctx.status = e.status;
  for (const [k, v] of Object.entries(e.headers)) ctx.set(k, v);
  ctx.body = e.body;
  ctx.type = 'application/json';
};

const isProblem = (body: unknown): body is Problem =>
  typeof body === 'object' &&
  body !== null &&
  typeof (body as Problem).code === 'string' &&
  typeof (body as Problem).detail === 'string';

/**
 * Every error under `/v1` in OpenAI's shape, whoever produced it: the auth check, routing
 * (404/405) or a bug (500) answer problem+json elsewhere, and OpenAI clients read `error` only.
 */
export const openAiErrors = (): Middleware<HttpState> => async (ctx, next) => {
  if (!isOpenAiPath(ctx.path)) return next();
  try {
    await next();
  } catch (e) {
    ctx.state.log.error({ err: e }, 'unhandled error');
    const detail = `unexpected error; request id ${ctx.state.requestId}`;
    return sendOpenAiError(ctx, openAiErrorOf(problem('internal_error', detail).body));
  }
  if (ctx.type === 'application/problem+json' && isProblem(ctx.body)) {
    ctx.remove('Retry-After');
    return sendOpenAiError(ctx, openAiErrorOf(ctx.body));
  }
  if (ctx.body !== undefined && ctx.body !== null) return;
  if (ctx.status === 404) {
    sendOpenAiError(ctx, openAiErrorOf(problem('not_found', `path: no route ${ctx.path}`).body));
  } else if (ctx.status === 405 || ctx.status === 501) {
    const detail = `method: ${ctx.method} not allowed here`;
    sendOpenAiError(ctx, openAiErrorOf(problem('method_not_allowed', detail).body));
  }
};
