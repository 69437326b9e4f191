import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  bindingRefusal,
  callLogFields,
  createHttpApp,
  modelCatalog,
  onClientError,
} from '../adapters/http';
import { EVENT_TYPES, type InferenceEvent } from '../domain';
import { loadConfig, type Config } from './config';
import { scrubbingLogger, type Logger } from './logger';
import type { ServiceOptions } from './options';
import { createInferenceService, type InferenceService } from './service';
import { databaseMode, type StartupSummary } from './startup-summary';
import { packageVersion } from './version';

/** How to start the server: the service's options plus a logger for access and call lines. */
export interface ServerOptions extends ServiceOptions {
  readonly logger: Logger;
  /** Silence on an open event stream before a keep-alive comment (default 15 s; for tests). */
  readonly streamKeepAliveMs?: number;
}

/** What a shutdown did. */
export interface ShutdownReport {
  /** Requests in flight when shutdown began. */
  readonly inFlight: number;
  /** True when the timeout passed: calls still upstream were aborted (recorded `cancelled`). */
  readonly forced: boolean;
  /** Calls aborted upstream at the timeout. */
  readonly aborted: number;
}

/** A listening server. */
export interface RunningServer {
  readonly url: string;
  readonly service: InferenceService;
  readonly summary: StartupSummary;
  /** Stops accepting, lets in-flight calls finish (bounded), flushes the call log. Idempotent. */
  shutdown(): Promise<ShutdownReport>;
}

/**
 * Starts the service and serves it over HTTP: loads config, refuses an unsafe binding before
 * anything else starts, opens the store (migrations run as it opens), listens.
 */
export const startServer = async (o: ServerOptions): Promise<RunningServer> => {
  const loaded = loadConfig({ path: o.configPath, values: o.config, env: o.env });
  if (loaded.isErr()) throw new Error(loaded.error.message);
  const refusal = bindingRefusal(loaded.value.server.host, loaded.value.server.authToken);
  if (refusal !== null) throw new Error(refusal);

  const { authToken } = loaded.value.server;
  const logger = scrubbingLogger(o.logger, [authToken, loaded.value.openrouter.apiKey]);
  const svc = await createInferenceService({ ...o, logger });
  const { server: s, openrouter } = svc.config;
  let draining = false;
  const http = createHttpApp({
    api: svc,
    settings: {
      authToken: s.authToken,
      maxBodyBytes: s.maxBodyBytes,
      maxInputChars: openrouter.maxInputChars,
      version: packageVersion(),
      models: modelCatalog(openrouter.models, openrouter.fallbacks, openrouter.allowedModels),
      metricsPublic: s.metricsPublic,
      ...(o.streamKeepAliveMs === undefined ? {} : { streamKeepAliveMs: o.streamKeepAliveMs }),
    },
    logger,
    secrets: [openrouter.apiKey],
    draining: () => draining,
    keys: svc.keyring,
  });
  for (const type of EVENT_TYPES) {
    svc.events.on(type, (e: InferenceEvent) => {
      http.metrics.observeEvent(e);
      // A call made over HTTP is logged in its request's access line; others (settled after a
      // crash, a stream that outlived its request line) get a line of their own.
      if (!http.loggedWithRequest(e)) logger.info(callLogFields(e), 'call recorded');
    });
  }
  const server = createServer(serverTimeouts(s), http.app.callback());
  server.keepAliveTimeout = s.keepAliveTimeoutMs;
  server.on('clientError', onClientError(logger));
  let inFlight = 0;
  server.on('request', (_req, res) => {
    inFlight++;
    res.once('close', () => inFlight--);
  });
  try {
    server.listen(s.port, s.host);
    await once(server, 'listening');
  } catch (e) {
    await svc.close();
    throw e;
  }
  const url = urlOf(server, s.host);
  const status = await svc.status();
  let stopping: Promise<ShutdownReport> | undefined;
  return {
    url,
    service: svc,
    summary: {
      url,
      database:
        databaseMode(svc.config, o.memory === true) +
        (status.logging.database === 'absent'
          ? ' (not reachable yet: calls are kept in the journal until it answers)'
          : ''),
      models: status.models,
      auth: s.authToken !== '' || svc.keyring.anyIssued(),
      degradedReason: status.degradedReason,
    },
    shutdown: () =>
      (stopping ??= (async () => {
        draining = true;
        const atStart = inFlight;
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeIdleConnections();
        // Limiter waiters are refused and slow calls aborted: each is answered 503 and recorded.
        const calls = await svc.drain();
        await closedWithin(closed, RESPONSE_GRACE_MS, () => server.closeAllConnections());
        await svc.close();
        return { inFlight: atStart, forced: calls.aborted > 0, aborted: calls.aborted };
      })()),
  };
};

/**
 * Node's own limits on slow or idle clients: all headers within `headersTimeoutMs`, the whole
 * request within `requestTimeoutMs` (a body trickled a byte at a time is cut off and answered
 * 408), an idle keep-alive connection closed after `keepAliveTimeoutMs`. Node checks the first
 * two on an interval; it must be shorter than the timeouts or they would fire late.
 */
const serverTimeouts = (s: Config['server']) => ({
  headersTimeout: Math.min(s.headersTimeoutMs, s.requestTimeoutMs),
  requestTimeout: s.requestTimeoutMs,
  keepAliveTimeout: s.keepAliveTimeoutMs,
  connectionsCheckingInterval: Math.max(
    10,
    Math.min(1000, Math.floor(Math.min(s.headersTimeoutMs, s.requestTimeoutMs) / 4)),
  ),
});

/** How long answered requests get to finish writing once every call has ended. */
const RESPONSE_GRACE_MS = 2_000;

/** Waits for the server to close, cutting what is left after `ms` (idle keep-alives, slow readers). */
const closedWithin = async (closed: Promise<void>, ms: number, cut: () => void): Promise<void> => {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<true>((resolve) => (timer = setTimeout(() => resolve(true), ms)));
  if (await Promise.race([closed.then(() => false as const), late])) {
    cut();
    await closed;
  }
  clearTimeout(timer);
};

const urlOf = (server: Server, host: string): string => {
  const { port } = server.address() as AddressInfo;
  const h = host.includes(':') ? `[${host}]` : host;
  return `http://${h === '0.0.0.0' || h === '[::]' ? '127.0.0.1' : h}:${port}`;
};
