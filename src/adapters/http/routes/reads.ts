import type { Router } from '@koa/router';
import { usdFromNanos, type CallRecord } from '../../../domain';
import {
  queryParam,
  sendProblem,
  type HttpApi,
  type HttpContext,
  type HttpState,
} from '../context';
import { problem, problemOf } from '../problem';

/** A call record as the listing shows it: money in USD like every other response. */
export const callView = (r: CallRecord) => {
  const { costNanos, reportedCostNanos, ...rest } = r;
  return {
    ...rest,
    costUsd: usdFromNanos(costNanos),
    reportedCostUsd: reportedCostNanos === null ? null : usdFromNanos(reportedCostNanos),
  };
};

/** The named query parameters as strings, or a problem naming a repeated one. */
const params = <K extends string>(
  ctx: HttpContext,
  names: readonly K[],
): Partial<Record<K, string>> | undefined => {
  const out: Partial<Record<K, string>> = {};
  for (const n of names) {
    const p = queryParam(ctx, n);
    if (!p.ok) {
      sendProblem(ctx, problem('invalid_request', `${n}: must be given at most once`));
      return undefined;
    }
    if (p.value !== undefined) out[n] = p.value;
  }
  return out;
};

/** GET status, usage and the calls listing. */
export const readRoutes = (router: Router<HttpState>, api: HttpApi): void => {
  router.get('/api/inference/status', async (ctx) => {
    ctx.body = await api.status();
  });

  router.get('/api/inference/usage', async (ctx) => {
    const q = params(ctx, ['since', 'until', 'projectId', 'level', 'keyId', 'groupBy'] as const);
    if (!q) return;
    const r = await api.usage(q);
    if (r.isOk()) ctx.body = r.value;
    else sendProblem(ctx, problemOf(r.error));
  });

  router.get('/api/inference/calls', async (ctx) => {
    const q = params(ctx, ['limit', 'before', 'level', 'projectId', 'status', 'keyId'] as const);
    if (!q) return;
    const r = await api.calls(q);
    if (r.isOk()) ctx.body = { calls: r.value.calls.map(callView), nextCursor: r.value.nextCursor };
    else sendProblem(ctx, problemOf(r.error));
  });
};
