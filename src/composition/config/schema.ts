import { LEVELS, type ModelMap, type PriceTable } from '../../domain';
import type { BudgetConfig, FallbackMap } from './lists';
import { budgetList, fallbackMap } from './lists';
import {
  bool,
  httpUrl,
  int,
  nonEmpty,
  number,
  optionalNumber,
  optionalUrl,
  str,
  stringList,
  type Rule,
} from './rules';

/** A key with a rule and a built-in default. */
export interface Leaf {
  readonly kind: 'leaf';
  readonly rule: Rule<unknown>;
  readonly default: unknown;
}

/** A map whose keys are free (model names) and whose values follow `value`. */
export interface FreeMap {
  readonly kind: 'map';
  readonly value: Spec;
  readonly default: Record<string, unknown>;
}

/** A section: fixed keys, each a leaf, a map or a nested section. */
export interface Spec {
  readonly [key: string]: Leaf | FreeMap | Spec;
}

const leaf = <T>(rule: Rule<T>, dflt: T): Leaf => ({ kind: 'leaf', rule, default: dflt });

const HAIKU = 'anthropic/claude-haiku-4.5';
const SONNET = 'anthropic/claude-sonnet-4.5';
const DEFAULT_MODELS: ModelMap = { turn: HAIKU, task: HAIKU, project: SONNET, objective: SONNET };

/** Every configuration key (CONTRACT §3), its rule and its default. */
export const SPEC: Spec = {
  server: {
    host: leaf(nonEmpty, '127.0.0.1'),
    port: leaf(int(0, 65535), 8080),
    auth_token: leaf(str, ''),
    max_body_bytes: leaf(int(1), 1_048_576),
    shutdown_timeout_ms: leaf(int(0), 10_000),
    metrics_public: leaf(bool, false),
    headers_timeout_ms: leaf(int(1), 10_000),
    request_timeout_ms: leaf(int(1), 30_000),
    keep_alive_timeout_ms: leaf(int(1), 5_000),
  },
  database: {
    url: leaf(optionalUrl('postgres:', 'postgresql:'), ''),
    statement_timeout_ms: leaf(int(1), 2_000),
    max_backlog: leaf(int(1), 10_000),
    batch_max: leaf(int(1, 10_000), 1000),
  },
  data_dir: leaf(nonEmpty, '.data'),
  openrouter: {
    base_url: leaf(httpUrl, 'https://openrouter.ai/api/v1'),
    api_key: leaf(str, ''),
    timeout_ms: leaf(int(1), 30_000),
    http_referer: leaf(str, 'https://github.com/claude-headspace'),
    app_title: leaf(str, 'Claude Headspace'),
    max_input_chars: leaf(int(1), 200_000),
    health_check_interval_ms: leaf(int(0), 60_000),
    models: Object.fromEntries(LEVELS.map((l) => [l, leaf(nonEmpty, DEFAULT_MODELS[l])])),
    pricing: {
      kind: 'map',
      value: {
        input: leaf(number(0), 0),
        output: leaf(number(0), 0),
        cache_read: leaf(optionalNumber, null),
        cache_write: leaf(optionalNumber, null),
      },
      default: {
        [HAIKU]: { input: 1.0, output: 5.0 },
        [SONNET]: { input: 3.0, output: 15.0 },
      },
    },
    fallbacks: leaf(fallbackMap, {}),
    allowed_models: leaf(stringList, []),
    structured_output: { repair_attempts: leaf(int(0, 10), 1) },
    rate_limits: {
      calls_per_minute: leaf(int(1), 60),
      tokens_per_minute: leaf(int(1), 200_000),
      max_wait_ms: leaf(int(0), 10_000),
      max_queue: leaf(int(0), 1000),
    },
    cache: {
      enabled: leaf(bool, true),
      ttl_seconds: leaf(int(1), 3600),
      max_entries: leaf(int(0), 10_000),
    },
    retry: {
      max_attempts: leaf(int(1, 20), 3),
      base_delay_ms: leaf(int(0), 500),
      max_delay_ms: leaf(int(0), 10_000),
    },
    circuit_breaker: {
      consecutive_failures: leaf(int(1), 5),
      half_open_after_ms: leaf(int(1), 30_000),
    },
  },
  budgets: leaf(budgetList, []),
  redis: {
    url: leaf(optionalUrl('redis:', 'rediss:'), ''),
    key_prefix: leaf(nonEmpty, 'headspace-inference:'),
  },
};

/** Environment variables and the key each overrides (CONTRACT §3). */
export const ENV_KEYS: Readonly<Record<string, string>> = {
  OPENROUTER_API_KEY: 'openrouter.api_key',
  OPENROUTER_BASE_URL: 'openrouter.base_url',
  DATABASE_URL: 'database.url',
  REDIS_URL: 'redis.url',
  HOST: 'server.host',
  PORT: 'server.port',
  INFERENCE_API_TOKEN: 'server.auth_token',
};

/** The validated configuration, camel-cased for code. */
export interface Config {
  readonly server: {
    readonly host: string;
    readonly port: number;
    readonly authToken: string;
    readonly maxBodyBytes: number;
    readonly shutdownTimeoutMs: number;
    /** `/metrics` answers without the token. */
    readonly metricsPublic: boolean;
    readonly headersTimeoutMs: number;
    /** The whole request, body included. */
    readonly requestTimeoutMs: number;
    readonly keepAliveTimeoutMs: number;
  };
  readonly database: {
    readonly url: string;
    /** Connect and statement timeout: past it the call log turns to the journal. */
    readonly statementTimeoutMs: number;
    /** Events not yet in the database at which new calls are refused with 503. */
    readonly maxBacklog: number;
    /** Most events one group commit writes. */
    readonly batchMax: number;
  };
  readonly dataDir: string;
  readonly openrouter: {
    readonly baseUrl: string;
    readonly apiKey: string;
    readonly timeoutMs: number;
    readonly httpReferer: string;
    readonly appTitle: string;
    readonly maxInputChars: number;
    readonly healthCheckIntervalMs: number;
    readonly models: ModelMap;
    readonly pricing: PriceTable;
    /** Models tried after the level's own, sent as OpenRouter's `models` list. */
    readonly fallbacks: FallbackMap;
    /** Further models a request may name in `model`. */
    readonly allowedModels: readonly string[];
    readonly structuredOutput: { readonly repairAttempts: number };
    readonly rateLimits: {
      readonly callsPerMinute: number;
      readonly tokensPerMinute: number;
      readonly maxWaitMs: number;
      readonly maxQueue: number;
    };
    readonly cache: {
      readonly enabled: boolean;
      readonly ttlSeconds: number;
      readonly maxEntries: number;
    };
    readonly retry: {
      readonly maxAttempts: number;
      readonly baseDelayMs: number;
      readonly maxDelayMs: number;
    };
    readonly circuitBreaker: {
      readonly consecutiveFailures: number;
      readonly halfOpenAfterMs: number;
    };
  };
  readonly budgets: readonly BudgetConfig[];
  readonly redis: { readonly url: string; readonly keyPrefix: string };
}
