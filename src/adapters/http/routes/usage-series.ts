import type { Router } from '@koa/router';
import { queryParam, sendProblem, type HttpApi, type HttpState } from '../context';
import { problem, problemOf } from '../problem';

/** The query parameters GET /api/inference/usage/series takes; any other is refused by name. */
export const SERIES_PARAMS = [
  'since',
  'until',
  'grain',
  'groupBy',
  'level',
  'projectId',
  'keyId',
] as const;

/** GET /api/inference/usage/series: usage over time from the per-grain aggregates. */
export const usageSeriesRoutes = (router: Router<HttpState>, api: HttpApi): void => {
  router.get('/api/inference/usage/series', async (ctx) => {
    const unknown = Object.keys(ctx.query).find(
      (k) => !(SERIES_PARAMS as readonly string[]).includes(k),
    );
    if (unknown !== undefined) {
      const known = SERIES_PARAMS.join(', ');
      return sendProblem(
        ctx,
        problem('invalid_request', `${unknown}: unknown parameter (known: ${known})`),
      );
    }
    const q: Partial<Record<(typeof SERIES_PARAMS)[number], string>> = {};
    for (const n of SERIES_PARAMS) {
      const p = queryParam(ctx, n);
      if (!p.ok)
        return sendProblem(ctx, problem('invalid_request', `${n}: must be given at most once`));
      if (p.value !== undefined) q[n] = p.value;
    }
    const r = await api.usageSeries(q);
    if (r.isOk()) ctx.body = r.value;
    else sendProblem(ctx, problemOf(r.error));
  });
};
