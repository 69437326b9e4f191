import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FAKE_API_KEY } from '../../test/support/fake-openrouter';
import { startChild, type Child } from './children';
import type { Target } from './load';

/** The fake OpenRouter's fixed reply latency. */
export const UPSTREAM_LATENCY_MS = 20;
const MODEL = 'anthropic/claude-haiku-4.5';

/** A realistic turn summary request, made unique by `n`. */
const inputOf = (n: number | string): string =>
  `Summarise this turn in one line (#${n}). The agent edited src/adapters/http/app.ts and ` +
  `src/composition/server.ts, ran the unit tests twice (the second run passed), and asked ` +
  `whether the OpenAPI document should list the metrics route.`;

const chatBody = (n: number): string =>
  JSON.stringify({ model: MODEL, messages: [{ role: 'user', content: inputOf(n) }] });

/** The fake OpenRouter in a process of its own, answering after UPSTREAM_LATENCY_MS. */
export const startFake = async (
  root: string,
  tmp: string,
): Promise<Child & { baseUrl: string }> => {
  const child = await startChild({
    name: 'fake OpenRouter',
    args: ['--import', 'tsx', join(root, 'test/support/fake-openrouter-cli.ts')].concat([
      '--port',
      '0',
      '--latency-ms',
      String(UPSTREAM_LATENCY_MS),
    ]),
    logFile: join(tmp, 'fake-openrouter.log'),
    ready: /listening on (http:\/\/\S+)/,
  });
  return { ...child, baseUrl: child.ready[1]! };
};

/** The OTLP sink (`--tracing`) in a process of its own. */
export const startOtlpSink = async (
  root: string,
  tmp: string,
): Promise<Child & { tracesEndpoint: string; countUrl: string }> => {
  const child = await startChild({
    name: 'OTLP sink',
    args: ['--import', 'tsx', join(root, 'bench/lib/otlp-sink.ts')],
    logFile: join(tmp, 'otlp-sink.log'),
    ready: /listening on (http:\/\/\S+)/,
  });
  const url = child.ready[1]!;
  return { ...child, tracesEndpoint: `${url}/v1/traces`, countUrl: `${url}/count` };
};

/** The bare proxy (bench/lib/bare-proxy.ts, transpiled) in a process of its own. */
export const startBareProxy = async (
  script: string,
  tmp: string,
  upstream: string,
): Promise<Child & { url: string }> => {
  const child = await startChild({
    name: 'bare proxy',
    args: [script, upstream],
    logFile: join(tmp, 'bare-proxy.log'),
    ready: /listening on (http:\/\/\S+)/,
  });
  return { ...child, url: child.ready[1]! };
};

/** Every variable that would override the config file, emptied. */
const NO_OVERRIDES = Object.fromEntries(
  [
    'OPENROUTER_API_KEY',
    'OPENROUTER_BASE_URL',
    'DATABASE_URL',
    'REDIS_URL',
    'HOST',
    'PORT',
    'INFERENCE_API_TOKEN',
    'CONFIG_PATH',
  ].map((k) => [k, '']),
);

/** The Node flags `npm start` runs the service with (package.json; docs/http-api.md). */
export const SERVICE_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=32'];

/**
 * The service as its own process (`node <SERVICE_NODE_FLAGS> main.js --config …`, as `npm start`
 * runs it), logging every call to PostgreSQL
 * and its log lines (at LOG_LEVEL, default info) to a file. Rate limits are set far above any
 * load here so they never refuse or queue.
 */
export const startService = async (o: {
  name: string;
  main: string;
  tmp: string;
  /** null: `--memory`, the call log in process (what the database costs, by difference). */
  databaseUrl: string | null;
  upstream: string;
  cache: boolean;
  /** Extra node flags, e.g. `--cpu-prof`. */
  nodeArgs?: readonly string[];
  /** Further `database` settings. */
  database?: Record<string, unknown>;
  /** Where to export traces (OTLP/HTTP, the default protobuf); tracing is off without it. */
  tracesEndpoint?: string;
  /** `server.auth_token`: set, every request needs it or a consumer key. */
  authToken?: string;
}): Promise<Child & { url: string }> => {
  const config = join(o.tmp, `${o.name}.config.yaml`);
  writeFileSync(
    config,
    JSON.stringify({
      server: { host: '127.0.0.1', port: 0, ...(o.authToken ? { auth_token: o.authToken } : {}) },
      ...(o.databaseUrl === null ? {} : { database: { ...o.database, url: o.databaseUrl } }),
      data_dir: join(o.tmp, o.name),
      openrouter: {
        base_url: o.upstream,
        api_key: FAKE_API_KEY,
        rate_limits: {
          calls_per_minute: 100_000_000,
          tokens_per_minute: 1_000_000_000_000,
          max_queue: 100_000,
        },
        cache: { enabled: o.cache },
      },
    }),
  );
  const child = await startChild({
    name: o.name,
    args: [
      ...SERVICE_NODE_FLAGS,
      ...(o.nodeArgs ?? []),
      ...[o.main, '--config', config],
      ...(o.databaseUrl === null ? ['--memory'] : []),
    ],
    env: {
      ...NO_OVERRIDES,
      LOG_LEVEL: process.env.LOG_LEVEL ?? 'info',
      ...(o.tracesEndpoint ? { OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: o.tracesEndpoint } : {}),
    },
    logFile: join(o.tmp, `${o.name}.log`),
    ready: /listening on (http:\/\/\S+)/,
  });
  return { ...child, url: child.ready[1]! };
};

/** Straight to the fake: the floor every gateway adds to. */
export const directTarget = (upstream: string): Target => ({
  url: `${upstream}/chat/completions`,
  headers: { authorization: `Bearer ${FAKE_API_KEY}` },
  body: chatBody,
});

/** Through the bare proxy: the same request as direct, one Node.js hop more. */
export const bareTarget = (url: string): Target => ({
  url: `${url}/v1/chat/completions`,
  headers: { authorization: `Bearer ${FAKE_API_KEY}` },
  body: chatBody,
});

/** A consumer key (scopes infer and read) issued by the service at `url` with its token. */
export const issueKey = async (url: string, token: string): Promise<string> => {
  const res = await fetch(`${url}/api/keys`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'bench', scopes: ['infer', 'read'] }),
  });
  if (res.status !== 201) throw new Error(`issuing a key: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { key: string }).key;
};

/** The header a request carries: a consumer key, or nothing (the service open on loopback). */
const auth = (key: string | undefined): Record<string, string> =>
  key ? { authorization: `Bearer ${key}` } : {};

/** Through the service, one fresh input per request (`cached` pins one input for cache hits). */
export const serviceTarget = (url: string, cached = false, key?: string): Target => ({
  url: `${url}/api/inference`,
  headers: auth(key),
  body: (n) =>
    JSON.stringify({ level: 'turn', purpose: 'benchmark', input: inputOf(cached ? 'same' : n) }),
});

/** Through the service's OpenAI-compatible route: the same call as `serviceTarget`, as a peer gets it. */
export const serviceV1Target = (url: string, key?: string): Target => ({
  url: `${url}/v1/chat/completions`,
  headers: auth(key),
  body: (n) => JSON.stringify({ model: 'turn', messages: [{ role: 'user', content: inputOf(n) }] }),
});

/** Through Portkey's gateway, routed to the fake as an OpenAI-compatible custom host. */
export const peerTarget = (port: number, upstream: string): Target => ({
  url: `http://127.0.0.1:${port}/v1/chat/completions`,
  headers: {
    authorization: `Bearer ${FAKE_API_KEY}`,
    'x-portkey-provider': 'openai',
    'x-portkey-custom-host': upstream,
  },
  body: chatBody,
});
