import { z } from 'zod';
import { DEFAULT_STATEMENT_TIMEOUT_MS } from '../../adapters/persistence/defaults';
import { budgetsSchema, fallbacksSchema } from './lists';
import {
  bool,
  defaulted,
  httpUrl,
  int,
  ms,
  nonEmpty,
  number,
  optionalUrl,
  str,
  stringList,
  type DeepReadonly,
} from './fields';

const HAIKU = 'anthropic/claude-haiku-4.5';
const SONNET = 'anthropic/claude-sonnet-4.5';
const DEFAULT_PRICING = {
  [HAIKU]: { input: 1.0, output: 5.0 },
  [SONNET]: { input: 3.0, output: 15.0 },
};

/** USD per million tokens; cache prices fall back to the input price when absent. */
const price = defaulted({
  input: number(0).default(0),
  output: number(0).default(0),
  cache_read: number(0).nullish(),
  cache_write: number(0).nullish(),
});

/** Prices per model, added to (and overriding) the built-in ones. */
const pricing = z.preprocess(
  (v) => (v === null ? undefined : v),
  z
    .record(
      z.string(),
      z.preprocess((v) => (v === null ? undefined : v), price),
      {
        error: 'a mapping',
      },
    )
    .prefault({})
    .transform((given): Record<string, z.output<typeof price>> => ({
      ...DEFAULT_PRICING,
      ...given,
    })),
);

const retry = defaulted({
  max_attempts: int(1, 20).default(3),
  base_delay_ms: ms(0).default(500),
  max_delay_ms: ms(0).default(10_000),
}).superRefine((r, ctx) => {
  if (r.baseDelayMs > r.maxDelayMs) {
    ctx.addIssue({
      code: 'custom',
      params: { sentence: true },
      message: `openrouter.retry.base_delay_ms (${r.baseDelayMs}) must not exceed openrouter.retry.max_delay_ms (${r.maxDelayMs})`,
    });
  }
});

/** Reconciling estimated costs from OpenRouter's `/generation`. */
const reconcile = defaulted({
  /** The wait after the first 404; doubles after each one. */
  first_delay_ms: ms(1).default(1000),
  /** The longest wait between two asks about one call. */
  max_delay_ms: ms(1).default(60_000),
  /** From the call's start: past it the call stays at its estimate. */
  give_up_after_ms: ms(1).default(600_000),
  /** How often the records are searched for calls to reconcile. */
  scan_interval_ms: ms(1).default(5000),
  /** A call still upstream this long after its generation id is known has the id recorded. */
  identify_after_ms: ms(0).default(200),
}).superRefine((r, ctx) => {
  if (r.firstDelayMs > r.maxDelayMs) {
    ctx.addIssue({
      code: 'custom',
      params: { sentence: true },
      message: `openrouter.reconcile.first_delay_ms (${r.firstDelayMs}) must not exceed openrouter.reconcile.max_delay_ms (${r.maxDelayMs})`,
    });
  }
});

/** Every configuration key with its default; defaults < file < environment (see load.ts). */
export const configSchema = defaulted({
  server: defaulted({
    host: nonEmpty().default('127.0.0.1'),
    port: int(0, 65535).default(8080),
    auth_token: str().default(''),
    max_body_bytes: int(1).default(1_048_576),
    shutdown_timeout_ms: ms(0).default(10_000),
    /** `/metrics` answers without the token. */
    metrics_public: bool().default(false),
    headers_timeout_ms: ms(1).default(10_000),
    /** The whole request, body included. */
    request_timeout_ms: ms(1).default(30_000),
    keep_alive_timeout_ms: ms(1).default(5_000),
  }),
  database: defaulted({
    url: optionalUrl('postgres:', 'postgresql:').default(''),
    /** Connect and statement timeout: past it the call log turns to the journal. */
    statement_timeout_ms: ms(100).default(DEFAULT_STATEMENT_TIMEOUT_MS),
    /** Events not yet in the database at which new calls are refused with 503. */
    max_backlog: int(1).default(10_000),
    /** Most events one group commit writes. */
    batch_max: int(1, 10_000).default(1000),
    /** Group-commit batches in flight at once, each on its own connection. */
    commit_lanes: int(1, 8).default(1),
  }),
  data_dir: nonEmpty().default('.data'),
  openrouter: defaulted({
    base_url: httpUrl().default('https://openrouter.ai/api/v1'),
    api_key: str().default(''),
    timeout_ms: ms(1).default(30_000),
    http_referer: str().default('https://github.com/claude-headspace'),
    app_title: str().default('Claude Headspace'),
    max_input_chars: int(1).default(200_000),
    health_check_interval_ms: ms(0).default(60_000),
    models: defaulted({
      turn: nonEmpty().default(HAIKU),
      task: nonEmpty().default(HAIKU),
      project: nonEmpty().default(SONNET),
      objective: nonEmpty().default(SONNET),
    }),
    pricing,
    /** Models tried after the level's own, sent as OpenRouter's `models` list. */
    fallbacks: fallbacksSchema,
    /** Further models a request may name in `model`. */
    allowed_models: stringList().default([]),
    structured_output: defaulted({
      repair_attempts: int(0, 10).default(1),
      /** Each compile and validation of a JSON Schema must end within this (worker threads). */
      validate_timeout_ms: ms(10).default(1000),
    }),
    rate_limits: defaulted({
      calls_per_minute: int(1).default(60),
      tokens_per_minute: int(1).default(200_000),
      max_wait_ms: ms(0).default(10_000),
      max_queue: int(0).default(1000),
    }),
    cache: defaulted({
      enabled: bool().default(true),
      ttl_seconds: int(1).default(3600),
      max_entries: int(0).default(10_000),
    }),
    retry,
    circuit_breaker: defaulted({
      consecutive_failures: int(1).default(5),
      half_open_after_ms: ms(1).default(30_000),
    }),
    reconcile,
  }),
  budgets: budgetsSchema,
  redis: defaulted({
    url: optionalUrl('redis:', 'rediss:').default(''),
    key_prefix: nonEmpty().default('headspace-inference:'),
  }),
  retention: defaulted({
    /** Days of call records and events kept, in whole days; 0 keeps them for ever. */
    calls_days: int(0, 36_500).default(0),
    /** Days answer text and tool calls are kept; 0 keeps them as long as the call. */
    text_days: int(0, 36_500).default(0),
    /** Where dropped days are archived (gzip JSON lines); '' archives nothing. */
    archive_dir: str().default(''),
    /** How often the service runs a pass (one instance at a time). */
    run_every_minutes: int(1, 10_080).default(60),
  }).superRefine((r, ctx) => {
    if (r.textDays > 0 && r.callsDays > 0 && r.textDays > r.callsDays) {
      ctx.addIssue({
        code: 'custom',
        params: { sentence: true },
        message: `retention.text_days (${r.textDays}) must not exceed retention.calls_days (${r.callsDays}): text goes with its call`,
      });
    }
  }),
});

/** The validated configuration, camel-cased for code. */
export type Config = DeepReadonly<z.output<typeof configSchema>>;

/** Environment variables, the key each overrides, and whether its text is a number. */
export const ENV_KEYS: Readonly<Record<string, { key: string; numeric?: true }>> = {
  OPENROUTER_API_KEY: { key: 'openrouter.api_key' },
  OPENROUTER_BASE_URL: { key: 'openrouter.base_url' },
  DATABASE_URL: { key: 'database.url' },
  REDIS_URL: { key: 'redis.url' },
  HOST: { key: 'server.host' },
  PORT: { key: 'server.port', numeric: true },
  INFERENCE_API_TOKEN: { key: 'server.auth_token' },
};
