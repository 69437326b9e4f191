import type { Router } from '@koa/router';
import { isJsonType, parseJson, readBody } from '../body';
import { sendProblem, type HttpApi, type HttpState } from '../context';
import { problem, problemOf } from '../problem';
import { sendStream, wantsStream } from '../sse';

/** POST /api/inference: JSON in, bounded; the use case validates, runs and records. */
export const inferenceRoutes = (
  router: Router<HttpState>,
  api: HttpApi,
  maxBodyBytes: number,
  keepAliveMs?: number,
): void => {
  router.post('/api/inference', async (ctx) => {
    const type = ctx.get('Content-Type');
    if (type !== '' && !isJsonType(type)) {
      return sendProblem(ctx, problem('invalid_request', 'content-type: must be application/json'));
    }
    const encoding = ctx.get('Content-Encoding').toLowerCase();
    if (encoding !== '' && encoding !== 'identity') {
      return sendProblem(
        ctx,
        problem('invalid_request', 'content-encoding: send the body uncompressed'),
      );
    }
    const bytes = await readBody(ctx.req, maxBodyBytes);
    if (bytes.isErr()) {
      // The rest of an oversized body is discarded, not read: end the connection after this.
      if (bytes.error.status === 413) ctx.set('Connection', 'close');
      return sendProblem(ctx, bytes.error);
    }
    const body = parseJson(bytes.value);
    if (body.isErr()) return sendProblem(ctx, body.error);
    if (wantsStream(body.value)) {
      return sendStream(ctx, api.stream(body.value, ctx.state.observer), keepAliveMs);
    }
    // The call's own log line ("call recorded", with this request's id) comes from its event.
    const result = await api.infer(body.value, ctx.state.observer);
    if (result.isOk()) ctx.body = result.value;
    else sendProblem(ctx, problemOf(result.error));
  });
};
