import pino from 'pino';
import { startServer, type RunningServer } from '../../src/composition/server';
import type { ServiceOptions } from '../../src/composition/options';

/** A config tree as in config.yaml (partial; the defaults fill the rest). */
export type ConfigValues = Record<string, unknown>;

const merge = (a: ConfigValues, b: ConfigValues): ConfigValues => {
  const out: ConfigValues = { ...a };
  for (const [k, v] of Object.entries(b)) {
    const prev = out[k];
    out[k] =
      typeof v === 'object' && v !== null && !Array.isArray(v) && typeof prev === 'object'
        ? merge(prev as ConfigValues, v as ConfigValues)
        : v;
  }
  return out;
};

/** Loopback, a free port, fast retries and generous limits unless a test says otherwise. */
export const BASE_CONFIG: ConfigValues = {
  server: { host: '127.0.0.1', port: 0, shutdown_timeout_ms: 5000 },
  openrouter: {
    health_check_interval_ms: 0,
    rate_limits: { calls_per_minute: 100_000, tokens_per_minute: 100_000_000, max_wait_ms: 0 },
    retry: { max_attempts: 2, base_delay_ms: 1, max_delay_ms: 5 },
  },
};

/** A started server, its base URL and a fetch helper. */
export interface TestServer extends RunningServer {
  /** fetch relative to the server's URL. */
  fetch(path: string, init?: RequestInit): Promise<Response>;
  /** POST a JSON body to /api/inference. */
  infer(body: unknown, headers?: Record<string, string>): Promise<Response>;
}

/** Starts the real server in this process on a free loopback port; the environment is ignored. */
export const startTestServer = async (
  config: ConfigValues,
  options: Omit<ServiceOptions, 'config' | 'env'> = {},
): Promise<TestServer> => {
  const running = await startServer({
    memory: true,
    background: false,
    ...options,
    config: merge(BASE_CONFIG, config),
    env: {},
    logger: pino({ level: process.env.E2E_LOG_LEVEL ?? 'silent' }),
  });
  const fetchAt = (path: string, init?: RequestInit) => fetch(`${running.url}${path}`, init);
  return Object.assign(running, {
    fetch: fetchAt,
    infer: (body: unknown, headers: Record<string, string> = {}) =>
      fetchAt('/api/inference', {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: typeof body === 'string' ? body : JSON.stringify(body),
      }),
  });
};

/** A valid request. */
export const request = (input = 'hello world', extra: ConfigValues = {}) => ({
  level: 'turn',
  purpose: 'e2e test',
  input,
  ...extra,
});

/** Waits, without timers, until `done()` holds; fails after `turns` event-loop turns. */
export const until = async (done: () => boolean, turns = 100_000): Promise<void> => {
  for (let i = 0; i < turns; i++) {
    if (done()) return;
    await new Promise((r) => setImmediate(r));
  }
  throw new Error('condition never held');
};
