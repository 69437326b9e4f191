import { Router } from '@koa/router';
import Koa from 'koa';
import type { Logger } from 'pino';
import { OPEN_ROUTES } from './auth';
import { authGate, type KeyVerifier } from './auth-gate';
import type { HttpApi, HttpState } from './context';
import { frame } from './frame';
import { safeError } from './log-safe';
import { HttpMetrics } from './metrics';
import { openApiDocument } from './openapi';
import type { ModelCatalog } from './openai/catalog';
import { openAiErrors } from './openai/frame';
import { dashboardRoutes } from './routes/dashboard';
import { inferenceRoutes } from './routes/inference';
import { keyRoutes } from './routes/keys';
import { openAiRoutes } from './routes/openai';
import { opsRoutes } from './routes/ops';
import { readRoutes } from './routes/reads';
import { usageSeriesRoutes } from './routes/usage-series';

/** Settings the HTTP layer reads from config. */
export interface HttpSettings {
  /** Empty: no auth. */
  readonly authToken: string;
  readonly maxBodyBytes: number;
  readonly maxInputChars: number;
  readonly version: string;
  /** The models `/v1` resolves and lists; without it the OpenAI-compatible routes are not served. */
  readonly models?: ModelCatalog;
  /** Silence on an open event stream before a keep-alive comment (default 15 s). */
  readonly streamKeepAliveMs?: number;
  /** `/metrics` answers without the token (`server.metrics_public`). Default false. */
  readonly metricsPublic?: boolean;
  /** Route patterns open without the token; default OPEN_ROUTES. `/metrics` is added when public. */
  readonly openRoutes?: readonly string[];
}

/** Everything the app is built from: the use cases, not the container. */
export interface HttpAppDeps {
  readonly api: HttpApi;
  readonly settings: HttpSettings;
  readonly logger: Logger;
  /** Secrets besides the auth token (the API key) that no problem or echoed header may carry. */
  readonly secrets?: readonly string[];
  readonly metrics?: HttpMetrics;
  /** True once shutdown began. */
  readonly draining?: () => boolean;
  /** Consumer keys the gate accepts besides the token; none: the token alone. */
  readonly keys?: KeyVerifier;
}

/** The built app, its router (for the OpenAPI coverage test) and request-id lookup. */
export interface HttpApp {
  readonly app: Koa<HttpState>;
  readonly router: Router<HttpState>;
  readonly metrics: HttpMetrics;
  readonly openApi: Record<string, unknown>;
  /** Whether a recorded outcome was logged with the HTTP request that made it. */
  readonly loggedWithRequest: (e: object) => boolean;
}

/** Builds the Koa app of the HTTP API. */
export const createHttpApp = (d: HttpAppDeps): HttpApp => {
  const metrics = d.metrics ?? new HttpMetrics();
  const loggedCalls = new WeakSet<object>();
  const openApi = openApiDocument(d.settings);
  const app = new Koa<HttpState>({ proxy: false });
  // Errors are answered and logged by `frame`; Koa's own stderr printing would duplicate them.
  app.silent = true;
  // Node's parser errors reach here carrying the raw request bytes (`rawPacket`): log a safe copy.
  app.on('error', (e: unknown) => d.logger.error({ err: safeError(e) }, 'koa error'));
  // Case-sensitive and strict: one spelling per route, so `/API/…` is no route at all.
  const router = new Router<HttpState>({ sensitive: true, strict: true });
  inferenceRoutes(router, d.api, d.settings.maxBodyBytes, d.settings.streamKeepAliveMs);
  readRoutes(router, d.api);
  if (d.settings.models) {
    const { models, maxBodyBytes, streamKeepAliveMs } = d.settings;
    openAiRoutes(router, d.api, models, maxBodyBytes, streamKeepAliveMs);
  }
  usageSeriesRoutes(router, d.api);
  keyRoutes(router, d.api, d.settings.maxBodyBytes);
  dashboardRoutes(router);
  opsRoutes(router, d.api, metrics, openApi);
  const secrets = [d.settings.authToken, ...(d.secrets ?? [])].filter((s) => s !== '');
  const draining = d.draining ?? (() => false);
  app.use(frame({ logger: d.logger, metrics, loggedCalls, draining, secrets }));
  app.use(openAiErrors());
  const open = d.settings.openRoutes ?? OPEN_ROUTES;
  const openRoutes = d.settings.metricsPublic ? [...open, '/metrics'] : open;
  app.use(authGate({ router, authToken: d.settings.authToken, openRoutes, keys: d.keys }));
  app.use(router.routes());
  app.use(router.allowedMethods());
  return { app, router, metrics, openApi, loggedWithRequest: (e) => loggedCalls.has(e) };
};
