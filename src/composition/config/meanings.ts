/**
 * What each configuration key does, for the README's table (`npm run docs:config`). Keyed by
 * the dotted path `configReference` walks out of the schema; a key without a line here (or a
 * line without a key) fails the table's generation and its test, so the two cannot drift.
 */
export const KEY_MEANINGS: Readonly<Record<string, string>> = {
  'server.host': 'listen address; a non-loopback host requires `server.auth_token`',
  'server.port': 'listen port',
  'server.auth_token':
    'bearer token for every route but `/healthz`, `/readyz` and `/dashboard` when set',
  'server.max_body_bytes': 'larger bodies get `413`',
  'server.shutdown_timeout_ms': 'how long in-flight calls may finish on SIGTERM or SIGINT',
  'server.metrics_public': '`/metrics` answers without the token',
  'server.headers_timeout_ms': 'a client slower to send its headers is cut off (`408`)',
  'server.request_timeout_ms': 'a client slower to send its whole request is cut off (`408`)',
  'server.keep_alive_timeout_ms': 'an idle keep-alive connection is closed',
  'database.url': 'PostgreSQL URL; empty: embedded PostgreSQL under `data_dir`',
  'database.statement_timeout_ms':
    'connect and statement timeout (at least 100): past it calls are kept in the journal',
  'database.max_backlog': 'events waiting for an unreachable database before new calls get `503`',
  'database.batch_max': 'most events one group commit writes',
  'database.commit_lanes':
    'group-commit batches in flight at once, each on its own connection (see docs/benchmarks.md for what 2 does)',
  'retention.calls_days':
    'days of call records and events kept (whole days, dropped a day at a time); 0: for ever. Usage totals are kept regardless',
  'retention.text_days':
    'days answer text and tool calls are kept in records; 0: as long as the call (at most `calls_days`)',
  'retention.archive_dir':
    'when set, each dropped day is first written here as gzip JSON lines with a line in `manifest.jsonl`',
  'retention.run_every_minutes':
    'how often the service runs a retention pass (one instance at a time)',
  data_dir: 'where the embedded PostgreSQL keeps its data (relative to the working directory)',
  'openrouter.base_url': 'upstream',
  'openrouter.api_key': 'the variable wins; an empty variable counts as unset',
  'openrouter.timeout_ms': 'per attempt',
  'openrouter.http_referer': 'OpenRouter identification header `HTTP-Referer`',
  'openrouter.app_title': 'OpenRouter identification header `X-Title`',
  'openrouter.max_input_chars': 'longer input gets `400`',
  'openrouter.health_check_interval_ms':
    'background connectivity and price refresh (0: only at start)',
  'openrouter.models.turn': 'model for `turn` calls',
  'openrouter.models.task': 'model for `task` calls',
  'openrouter.models.project': 'model for `project` calls',
  'openrouter.models.objective': 'model for `objective` calls',
  'openrouter.pricing.<model>.input':
    "USD per million input tokens; else OpenRouter's published price; else 0 and flagged",
  'openrouter.pricing.<model>.output': 'USD per million output tokens; same fallbacks',
  'openrouter.pricing.<model>.cache_read':
    "prompt-cache read price; else OpenRouter's published one; else the input price",
  'openrouter.pricing.<model>.cache_write':
    "prompt-cache write price; else OpenRouter's published one; else the input price",
  'openrouter.fallbacks.turn': 'models OpenRouter may fall back to for `turn`, in order',
  'openrouter.fallbacks.task': 'the same for `task`',
  'openrouter.fallbacks.project': 'the same for `project`',
  'openrouter.fallbacks.objective': 'the same for `objective`',
  'openrouter.allowed_models':
    'further models a request may name in `model` (level models and fallbacks always may)',
  'openrouter.structured_output.repair_attempts':
    'times an invalid structured answer is sent back before `502 invalid_output`',
  'openrouter.structured_output.validate_timeout_ms':
    "bound on each compile of a request's JSON Schema (else `400`) and each validation of an answer (else it counts as invalid); run in worker threads, so no schema stalls other calls",
  'openrouter.rate_limits.calls_per_minute': 'upstream calls per sliding minute',
  'openrouter.rate_limits.tokens_per_minute': 'estimated tokens per sliding minute',
  'openrouter.rate_limits.max_wait_ms': 'longest a call waits for capacity before `429`',
  'openrouter.rate_limits.max_queue': 'calls waiting for capacity before `429`',
  'openrouter.cache.enabled': 'identical requests answered from the cache',
  'openrouter.cache.ttl_seconds': 'how long an answer stays cached',
  'openrouter.cache.max_entries': 'least recently used answers go beyond this',
  'openrouter.retry.max_attempts': 'attempts per call, the first included',
  'openrouter.retry.base_delay_ms': 'first backoff, doubling',
  'openrouter.retry.max_delay_ms': 'longest backoff (and longest `Retry-After` honoured)',
  'openrouter.circuit_breaker.consecutive_failures':
    'retryable upstream failures in a row that open the circuit',
  'openrouter.circuit_breaker.half_open_after_ms': 'how long it stays open before a trial call',
  'openrouter.reconcile.first_delay_ms':
    'estimated costs are corrected from `/generation`: the wait after its first 404, doubling',
  'openrouter.reconcile.max_delay_ms': 'longest wait between two asks about one call',
  'openrouter.reconcile.give_up_after_ms': "from the call's start; past it the estimate stays",
  'openrouter.reconcile.scan_interval_ms': 'how often records are searched for calls to reconcile',
  'openrouter.reconcile.identify_after_ms':
    'a call still upstream this long after its generation id is known has the id recorded',
  'budgets[].name': "a spend cap's name, unique; `budgets` is a list of caps, none by default",
  'budgets[].period': '`day`, `week` (from Monday) or `month`, calendar-aligned in UTC',
  'budgets[].limit_usd': 'most USD reserved and spent in one period',
  'budgets[].level': 'only calls at this level count (default: every level)',
  'budgets[].project_id': 'only calls for this project count (default: every project)',
  'redis.url': 'set: limits, budgets and cache shared by every instance',
  'redis.key_prefix': "namespace of this service's Redis keys",
};
