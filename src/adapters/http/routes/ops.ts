import type { Router } from '@koa/router';
import { sendProblem, type HttpApi, type HttpState } from '../context';
import type { HttpMetrics } from '../metrics';
import { safeError } from '../log-safe';
import { problem } from '../problem';

/** Liveness, readiness, the OpenAPI document and Prometheus metrics. */
export const opsRoutes = (
  router: Router<HttpState>,
  api: HttpApi,
  metrics: HttpMetrics,
  openApi: unknown,
): void => {
  router.get('/healthz', (ctx) => {
    ctx.body = { status: 'ok' };
  });

  router.get('/readyz', async (ctx) => {
    const r = await api.ready().catch((e: unknown): { ready: false; detail: string } => {
      ctx.state.log.warn({ err: safeError(e) }, 'readiness check failed');
      return { ready: false, detail: 'database: the readiness check failed' };
    });
    if (r.ready) ctx.body = { status: 'ready' };
    else sendProblem(ctx, problem('unavailable', r.detail ?? 'database: not ready'));
  });

  router.get('/api/openapi.json', (ctx) => {
    ctx.body = openApi;
  });

  router.get('/metrics', async (ctx) => {
    ctx.body = await metrics.render(await api.status(), api.droppedSpans?.());
    ctx.type = metrics.contentType;
  });
};
