import { z } from 'zod';
import { DEFAULT_PAGE, MAX_PAGE } from '../../application';
import { CALL_STATUSES, LEVELS, toolCallSchema } from '../../domain';

/**
 * Response and query schemas of the HTTP API, for the OpenAPI document and for tests that check
 * real responses against it. Requests are validated by the domain's `inferenceRequestSchema`.
 */
const level = z.enum(LEVELS);
const nullableString = z.string().nullable();

/** 200 of POST /api/inference. */
export const inferenceResultSchema = z.object({
  callId: z.string(),
  level,
  model: z.string().describe('the model that answered (a fallback, if one did)'),
  text: z.string(),
  json: z.unknown().optional().describe('the parsed answer, with responseFormat'),
  toolCalls: z.array(toolCallSchema).optional().describe('calls the model asked for, with tools'),
  finishReason: z.string().nullable(),
  inputTokens: z.number().int().min(0),
  outputTokens: z.number().int().min(0).describe('reasoning tokens included'),
  reasoningTokens: z.number().int().min(0),
  cachedInputTokens: z.number().int().min(0),
  latencyMs: z.number().min(0),
  costUsd: z.number().min(0),
  cached: z.boolean(),
});

/** Every error body: RFC 9457 problem details with a `code`. */
export const problemSchema = z.object({
  type: z.string(),
  title: z.string(),
  status: z.number().int(),
  code: z.string(),
  detail: z.string(),
  retryAfterMs: z.number().int().min(1).optional(),
  limit: z.enum(['calls_per_minute', 'tokens_per_minute']).optional(),
  /** The budget that refused the call (`budget_exceeded`). */
  budget: z.string().optional(),
});

/** One budget in its current period (status and usage). */
export const budgetReportSchema = z.object({
  name: z.string(),
  period: z.enum(['day', 'week', 'month']),
  level: level.nullable(),
  projectId: nullableString,
  keyId: nullableString.describe(
    'the consumer key whose own budget this is; null for a configured one',
  ),
  limitUsd: z.number().min(0),
  spentUsd: z.number().min(0),
  reservedUsd: z.number().min(0),
  remainingUsd: z.number().min(0),
  resetsAt: z.string().describe('When the period ends, ISO-8601 UTC'),
});

/** GET /api/inference/status. */
export const statusSchema = z.object({
  enabled: z.boolean(),
  degradedReason: nullableString,
  openrouter: z.object({
    baseUrl: z.string(),
    apiKeyConfigured: z.boolean(),
    reachable: z.boolean().nullable(),
    authenticated: z.boolean().nullable(),
    checkedAt: nullableString,
    latencyMs: z.number().nullable(),
    error: nullableString,
  }),
  circuitBreaker: z.enum(['closed', 'open', 'half-open']),
  models: z.object(Object.fromEntries(LEVELS.map((l) => [l, z.string()]))),
  fallbacks: z.object(Object.fromEntries(LEVELS.map((l) => [l, z.array(z.string())]))),
  rateLimits: z.object({
    callsPerMinute: z.number().int(),
    tokensPerMinute: z.number().int(),
    maxWaitMs: z.number().int(),
    callsInWindow: z.number().int(),
    tokensInWindow: z.number().int(),
    waiting: z.number().int(),
  }),
  cache: z.object({
    enabled: z.boolean(),
    ttlSeconds: z.number().int(),
    maxEntries: z.number().int(),
    entries: z.number().int(),
    hits: z.number().int(),
    misses: z.number().int(),
  }),
  retry: z.object({
    maxAttempts: z.number().int(),
    baseDelayMs: z.number().int(),
    maxDelayMs: z.number().int(),
  }),
  budgets: z.array(budgetReportSchema),
  logging: z.object({
    backlog: z.number().int(),
    lastError: nullableString,
    database: z.enum(['connected', 'unreachable', 'absent', 'migrating', 'memory']),
    journalError: nullableString,
  }),
  projections: z.object({
    usage: z
      .object({
        lagMs: z
          .number()
          .nullable()
          .describe('how far the usage aggregates trail the log, as last measured; null: unknown'),
        asOf: nullableString.describe('the aggregates are complete up to this time'),
      })
      .describe('the asynchronous usage projection'),
  }),
  storage: z
    .object({
      oldestCallAt: nullableString.describe('the oldest call record kept'),
      calls: z
        .number()
        .int()
        .describe('call records kept: exact below 1,000,000, an estimate within 1% above'),
      bytes: z.number().int().describe('bytes on disk of the records and events, indexes included'),
      lastRetentionAt: nullableString.describe('when the last retention pass ended'),
    })
    .nullable()
    .describe('what the call log keeps on disk, as last measured; null in memory'),
  redis: z.object({
    configured: z.boolean(),
    connected: z.boolean().nullable(),
    warning: nullableString,
  }),
  pricing: z.object({ fetchedModels: z.number().int(), unpricedModels: z.array(z.string()) }),
});

const breakdown = z.object({
  calls: z.number().int(),
  failedCalls: z.number().int(),
  cachedCalls: z.number().int(),
  inputTokens: z.number().int(),
  outputTokens: z.number().int(),
  costUsd: z.number(),
});

/** Calls by outcome and tokens, as usage reports them and every point of a series does. */
export const usageCountsShape = {
  succeededCalls: z.number().int(),
  failedCalls: z.number().int(),
  cachedCalls: z.number().int(),
  rateLimitedCalls: z.number().int(),
  cancelledCalls: z.number().int(),
  interruptedCalls: z.number().int(),
  inputTokens: z.number().int(),
  outputTokens: z.number().int(),
  reasoningTokens: z.number().int(),
};

/**
 * A usage read counts every call answered before it began, waiting for the asynchronous usage
 * projection up to 1 s; only past that does it answer, with these, how current it is.
 */
export const usageLagShape = {
  asOf: z
    .string()
    .optional()
    .describe(
      'only when the aggregates lagged past the 1 s wait: they are complete up to this time',
    ),
  lagMs: z.number().optional().describe('with asOf: how far behind the aggregates were, ms'),
};

/** GET /api/inference/usage. */
export const usageSchema = z.object({
  window: z.object({ since: nullableString, until: nullableString }),
  totalCalls: z.number().int(),
  ...usageCountsShape,
  costUsd: z.number(),
  reportedCostUsd: z.number(),
  savedByCacheUsd: z.number(),
  byLevel: z.record(z.string(), breakdown),
  byModel: z.record(z.string(), breakdown),
  byKey: z
    .record(z.string(), breakdown)
    .optional()
    .describe("with groupBy=key: per consumer key id ('' for calls made without a key)"),
  /** Spend against each configured budget in its current period (whatever the window). */
  budgets: z.array(budgetReportSchema).optional(),
  ...usageLagShape,
});

/** One call record as the listing shows it (money in USD). */
export const callViewSchema = z.object({
  id: z.string(),
  createdAt: z.string(),
  level,
  purpose: z.string(),
  model: z.string(),
  status: z.enum(CALL_STATUSES),
  inputTokens: z.number().int(),
  outputTokens: z.number().int(),
  reasoningTokens: z.number().int(),
  cachedInputTokens: z.number().int(),
  inputHash: z.string(),
  resultText: nullableString,
  toolCalls: z.array(toolCallSchema).nullable(),
  finishReason: nullableString,
  latencyMs: z.number(),
  costUsd: z.number(),
  reportedCostUsd: z.number().nullable(),
  costEstimated: z.boolean(),
  errorCode: nullableString,
  errorMessage: nullableString,
  attempts: z.number().int(),
  projectId: nullableString,
  agentId: nullableString,
  commandId: nullableString,
  turnId: nullableString,
  upstreamId: nullableString,
  streamed: z.boolean(),
  ttftMs: z.number().int().nullable(),
  traceId: nullableString.describe('W3C trace id of the call (32 lowercase hex)'),
  keyId: nullableString.describe('the consumer key the call was made with; null: none'),
});

/** GET /api/inference/calls. */
export const callsPageSchema = z.object({
  calls: z.array(callViewSchema),
  nextCursor: nullableString,
});

/** Query of GET /api/inference/usage. */
export const usageQuerySchema = z.object({
  since: z.string().optional().describe('ISO-8601 date or time; rounded down to the minute'),
  until: z.string().optional().describe('ISO-8601 date or time, exclusive; rounded up'),
  projectId: z.string().optional(),
  level: level.optional(),
  keyId: z.string().optional().describe('only calls made with this consumer key'),
  groupBy: z.enum(['key']).optional().describe('`key`: adds `byKey`, spend per consumer key'),
});

/** Query of GET /api/inference/calls. */
export const callsQuerySchema = z.object({
  limit: z
    .number()
    .int()
    .min(1)
    .max(MAX_PAGE)
    .optional()
    .describe(`page size, default ${DEFAULT_PAGE}`),
  before: z.string().optional().describe('the nextCursor of the previous page'),
  level: level.optional(),
  projectId: z.string().optional(),
  status: z.enum(CALL_STATUSES).optional(),
  keyId: z.string().optional().describe('only calls made with this consumer key'),
});
