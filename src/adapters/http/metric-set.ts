import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

/** Latency buckets in seconds: from a cache hit to a slow upstream call with retries. */
export const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

/** Stage buckets in seconds: from a fraction of a millisecond of work to a long wait. */
export const STAGE_BUCKETS = [
  0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
];

/** Every metric this service exposes, registered on `registry` (docs/http-api.md lists them). */
export const defineMetrics = (registry: Registry) => {
  const registers = [registry];
  return {
    requests: new Counter({
      name: 'http_requests_total',
      help: 'HTTP requests by method, route and status',
      labelNames: ['method', 'route', 'status'] as const,
      registers,
    }),
    duration: new Histogram({
      name: 'http_request_duration_seconds',
      help: 'HTTP request duration by method and route',
      labelNames: ['method', 'route'] as const,
      buckets: LATENCY_BUCKETS,
      registers,
    }),
    stage: new Histogram({
      name: 'headspace_call_stage_seconds',
      help: 'Time one call spends in each stage (admit, intent, upstream, outcome, respond), split into waiting (for a batch, for rate-limit capacity) and working',
      labelNames: ['stage', 'part'] as const,
      buckets: STAGE_BUCKETS,
      registers,
    }),
    overhead: new Histogram({
      name: 'headspace_overhead_seconds',
      help: 'What the gateway adds to a call: its time minus its time upstream, by route',
      labelNames: ['route'] as const,
      buckets: STAGE_BUCKETS,
      registers,
    }),
    spansDropped: new Counter({
      name: 'headspace_trace_spans_dropped_total',
      help: 'Trace spans lost on the way to the OTLP collector (queue full or export failed)',
      registers,
    }),
    projectionLag: new Gauge({
      name: 'headspace_usage_projection_lag_seconds',
      help: 'How far the usage aggregates trail the event log, as last measured',
      registers,
    }),
    storedCalls: new Gauge({
      name: 'headspace_storage_calls',
      help: 'Call records kept (exact below a million, else an estimate within 1%)',
      registers,
    }),
    storedBytes: new Gauge({
      name: 'headspace_storage_bytes',
      help: 'Bytes on disk of the call records and events, indexes included',
      registers,
    }),
    oldestCall: new Gauge({
      name: 'headspace_storage_oldest_call_timestamp_seconds',
      help: 'When the oldest call record kept was made (Unix seconds)',
      registers,
    }),
    lastRetention: new Gauge({
      name: 'headspace_retention_last_pass_timestamp_seconds',
      help: 'When the last retention pass ended (Unix seconds)',
      registers,
    }),
    calls: new Counter({
      name: 'inference_calls_total',
      help: 'Recorded inference calls by level, model and outcome',
      labelNames: ['level', 'model', 'outcome'] as const,
      registers,
    }),
    latency: new Histogram({
      name: 'inference_latency_seconds',
      help: 'Inference latency as recorded in the call record, by level, model and outcome',
      labelNames: ['level', 'model', 'outcome'] as const,
      buckets: LATENCY_BUCKETS,
      registers,
    }),
    attempts: new Counter({
      name: 'inference_upstream_attempts_total',
      help: 'Requests sent to OpenRouter, retries included, by level and model',
      labelNames: ['level', 'model'] as const,
      registers,
    }),
    rateLimited: new Counter({
      name: 'inference_rate_limited_total',
      help: 'Calls refused by a rate limit, by level and limit',
      labelNames: ['level', 'limit'] as const,
      registers,
    }),
    coalesced: new Counter({
      name: 'inference_coalesced_total',
      help: 'Calls answered by joining an identical call already in flight',
      labelNames: ['level', 'model'] as const,
      registers,
    }),
    tokens: new Counter({
      name: 'inference_tokens_total',
      help: 'Billed tokens by level, model and direction (input or output)',
      labelNames: ['level', 'model', 'direction'] as const,
      registers,
    }),
    cost: new Counter({
      name: 'inference_cost_usd_total',
      help: 'Computed cost in USD by level and model',
      labelNames: ['level', 'model'] as const,
      registers,
    }),
    cacheHits: new Counter({
      name: 'inference_cache_hits_total',
      help: 'Cache lookups that found an answer (as the cache counts them)',
      registers,
    }),
    cacheMisses: new Counter({
      name: 'inference_cache_misses_total',
      help: 'Cache lookups that found nothing (as the cache counts them)',
      registers,
    }),
    circuit: new Gauge({
      name: 'inference_circuit_state',
      help: 'Circuit breaker state: 1 for the current state, 0 for the others',
      labelNames: ['state'] as const,
      registers,
    }),
    backlog: new Gauge({
      name: 'inference_log_backlog',
      help: 'Call-log events accepted but not yet durable',
      registers,
    }),
    enabled: new Gauge({
      name: 'inference_enabled',
      help: '1 when the service can serve calls, 0 when degraded',
      registers,
    }),
    streamed: new Counter({
      name: 'inference_streamed_calls_total',
      help: 'Recorded calls the caller asked to stream, by level, model and outcome',
      labelNames: ['level', 'model', 'outcome'] as const,
      registers,
    }),
    ttft: new Histogram({
      name: 'inference_time_to_first_token_seconds',
      help: 'Time from a streamed call’s start to its first delta, by level and model',
      labelNames: ['level', 'model'] as const,
      buckets: LATENCY_BUCKETS,
      registers,
    }),
    waiting: new Gauge({
      name: 'inference_rate_limit_waiting',
      help: 'Calls waiting for rate-limit capacity',
      registers,
    }),
  };
};

/** The metric set `defineMetrics` returns. */
export type MetricSet = ReturnType<typeof defineMetrics>;
