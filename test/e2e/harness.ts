import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { InMemoryGateway } from '../../src/adapters/in-memory';
import type { ServiceOptions } from '../../src/composition/options';
import { startServer, type RunningServer, type ServerOptions } from '../../src/composition/server';
import { createTestDatabase } from '../support/test-database';

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

/**
 * Starts the real server in this process on a free loopback port, recording into a fresh
 * PostgreSQL database of its own (test/support/test-database.ts: TEST_DATABASE_URL, else
 * testcontainers, else embedded), or in memory with `memory: true`. The process environment is
 * ignored: `env` (default empty) stands for it.
 * `shutdown()` also drops the database.
 */
export const startTestServer = async (
  config: ConfigValues,
  options: Omit<ServerOptions, 'config' | 'logger'> & Pick<ServiceOptions, 'logger'> = {},
): Promise<TestServer> => {
  const db = options.memory ? undefined : await createTestDatabase();
  // A data_dir of its own: the call log's backlog journal lives there.
  const dataDir = mkdtempSync(join(tmpdir(), 'hs-e2e-'));
  const database = { data_dir: dataDir, ...(db ? { database: { url: db.url } } : {}) };
  const running = await startServer({
    background: false,
    ...options,
    memory: options.memory ?? false,
    config: merge(merge(BASE_CONFIG, database), config),
    env: options.env ?? {},
    logger: options.logger ?? pino({ level: process.env.E2E_LOG_LEVEL ?? 'silent' }),
  }).catch(async (e: unknown) => {
    await db?.drop();
    throw e;
  });
  const fetchAt = (path: string, init?: RequestInit) => fetch(`${running.url}${path}`, init);
  const shutdown = running.shutdown;
  return Object.assign(running, {
    fetch: fetchAt,
    infer: (body: unknown, headers: Record<string, string> = {}) =>
      fetchAt('/api/inference', {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: typeof body === 'string' ? body : JSON.stringify(body),
      }),
    shutdown: async () => {
      const report = await shutdown();
      await db?.drop();
      rmSync(dataDir, { recursive: true, force: true });
      return report;
    },
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

/**
 * A server over the in-memory gateway, seeded in `beforeAll` with six calls (three turn, two
 * project, one cached repeat, all on project p1) and shut down in `afterAll`; `json` GETs a path.
 */
export const useSeededServer = () => {
  const ref = {} as { server: TestServer };
  beforeAll(async () => {
    ref.server = await startTestServer(
      { openrouter: { api_key: 'sk-or-e2e-secret-key' } },
      { gateway: new InMemoryGateway() },
    );
    for (let i = 0; i < 5; i++) {
      const level = i < 3 ? 'turn' : 'project';
      const res = await ref.server.infer(request(`call ${i}`, { level, projectId: 'p1' }));
      expect(res.status).toBe(200);
    }
    expect((await ref.server.infer(request('call 0', { projectId: 'p1' }))).status).toBe(200);
  });
  afterAll(() => ref.server.shutdown());
  const json = async (path: string) => {
    const res = await ref.server.fetch(path);
    return { status: res.status, body: (await res.json()) as unknown, res };
  };
  return {
    get server() {
      return ref.server;
    },
    json,
  };
};
