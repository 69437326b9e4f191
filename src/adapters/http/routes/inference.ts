import type { Router } from '@koa/router';
import { sendProblem, type HttpApi, type HttpState } from '../context';
import { readJsonRequest } from '../json-request';
import { problemOf } from '../problem';
import { sendStream, wantsStream } from '../sse';

/** POST /api/inference: JSON in, bounded; the use case validates, runs and records. */
export const inferenceRoutes = (
  router: Router<HttpState>,
  api: HttpApi,
  maxBodyBytes: number,
  keepAliveMs?: number,
): void => {
  router.post('/api/inference', async (ctx) => {
    const body = await readJsonRequest(ctx, maxBodyBytes);
    if (body.isErr()) return sendProblem(ctx, body.error);
    if (wantsStream(body.value)) {
      const call = api.stream(body.value, ctx.state.observer, ctx.state.consumer);
      return sendStream(ctx, call, keepAliveMs);
    }
    // The call's own log line ("call recorded", with this request's id) comes from its event.
    const result = await api.infer(body.value, ctx.state.observer, ctx.state.consumer);
    if (result.isOk()) ctx.body = result.value;
    else sendProblem(ctx, problemOf(result.error));
  });
};
