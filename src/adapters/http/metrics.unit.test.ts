import type { StatusReport } from '../../application';
import type { CallFacts, InferenceEvent } from '../../domain';
import { HttpMetrics } from './metrics';

const facts: CallFacts = {
  callId: 'c1',
  level: 'turn',
  purpose: 'p',
  model: 'm/haiku',
  inputHash: 'h',
  projectId: null,
  agentId: null,
  commandId: null,
  turnId: null,
  latencyMs: 120,
};
const at = { eventId: 'e', occurredAt: '2026-01-01T00:00:00.000Z' };

const events: InferenceEvent[] = [
  {
    ...at,
    type: 'InferenceSucceeded',
    data: {
      ...facts,
      text: 't',
      inputTokens: 10,
      outputTokens: 5,
      costNanos: 35_000,
      reportedCostNanos: null,
      unpriced: false,
      attempts: 3,
      upstreamId: null,
    },
  },
  {
    ...at,
    type: 'InferenceServedFromCache',
    data: {
      ...facts,
      text: 't',
      inputTokens: 10,
      outputTokens: 5,
      savedNanos: 35_000,
      sourceCallId: 'c0',
      coalesced: true,
    },
  },
  {
    ...at,
    type: 'InferenceRateLimited',
    data: { ...facts, limit: 'tokens_per_minute', retryAfterMs: 100 },
  },
  {
    ...at,
    type: 'InferenceFailed',
    data: {
      ...facts,
      errorCode: 'upstream_error',
      errorMessage: 'x',
      attempts: 2,
      upstreamStatus: 500,
    },
  },
];

const status = {
  enabled: false,
  circuitBreaker: 'open',
  logging: { backlog: 7, lastError: null, database: 'connected', journalError: null },
  projections: { usage: { lagMs: 1500, asOf: '2026-12-07T00:00:00.000Z' } },
  storage: {
    oldestCallAt: '2026-11-01T00:00:00.000Z',
    calls: 1234,
    bytes: 5_000_000,
    lastRetentionAt: '2026-12-07T01:00:00.000Z',
  },
  rateLimits: { waiting: 2 },
  cache: { hits: 4, misses: 9 },
} as unknown as StatusReport;

describe('HttpMetrics', () => {
  it('counts calls, attempts, tokens, cost and refusals from domain events', async () => {
    const m = new HttpMetrics({ processMetrics: false });
    for (const e of events) m.observeEvent(e);
    m.observeRequest('POST', '/api/inference', 200, 0.12);
    const text = await m.render(status);
    const has = (line: string) => expect(text.split('\n')).toContain(line);
    has('inference_calls_total{level="turn",model="m/haiku",outcome="succeeded"} 1');
    has('inference_calls_total{level="turn",model="m/haiku",outcome="rate_limited"} 1');
    has('inference_upstream_attempts_total{level="turn",model="m/haiku"} 5');
    has('inference_tokens_total{level="turn",model="m/haiku",direction="input"} 10');
    has('inference_tokens_total{level="turn",model="m/haiku",direction="output"} 5');
    has('inference_cost_usd_total{level="turn",model="m/haiku"} 0.000035');
    has('inference_rate_limited_total{level="turn",limit="tokens_per_minute"} 1');
    has('inference_coalesced_total{level="turn",model="m/haiku"} 1');
    has('inference_latency_seconds_count{level="turn",model="m/haiku",outcome="failed"} 1');
    has('http_requests_total{method="POST",route="/api/inference",status="200"} 1');
  });

  it('counts streamed calls by outcome and observes their time to first token', async () => {
    const m = new HttpMetrics({ processMetrics: false });
    for (const e of events) m.observeEvent(e);
    const [ok, , , failed] = events;
    m.observeEvent({ ...ok!, data: { ...ok!.data, streamed: true, ttftMs: 40 } } as InferenceEvent);
    m.observeEvent({
      ...failed!,
      data: { ...failed!.data, streamed: true, ttftMs: null },
    } as InferenceEvent);
    const lines = (await m.render(status)).split('\n');
    const streamed = 'inference_streamed_calls_total{level="turn",model="m/haiku",outcome=';
    expect(lines).toContain(`${streamed}"succeeded"} 1`);
    expect(lines).toContain(`${streamed}"failed"} 1`);
    expect(lines.filter((l) => l.startsWith(streamed))).toHaveLength(2);
    const ttft = 'inference_time_to_first_token_seconds';
    expect(lines).toContain(`${ttft}_count{level="turn",model="m/haiku"} 1`);
    expect(lines).toContain(`${ttft}_bucket{le="0.05",level="turn",model="m/haiku"} 1`);
    expect(lines).toContain(`${ttft}_bucket{le="0.025",level="turn",model="m/haiku"} 0`);
  });

  it('mirrors state from status at each scrape: circuit, backlog, cache counts', async () => {
    const m = new HttpMetrics({ processMetrics: false });
    const text = await m.render(status);
    const again = await m.render(status);
    for (const t of [text, again]) {
      const lines = t.split('\n');
      expect(lines).toContain('inference_circuit_state{state="open"} 1');
      expect(lines).toContain('inference_circuit_state{state="closed"} 0');
      expect(lines).toContain('inference_log_backlog 7');
      expect(lines).toContain('headspace_usage_projection_lag_seconds 1.5');
      expect(lines).toContain('inference_enabled 0');
      expect(lines).toContain('inference_cache_hits_total 4');
      expect(lines).toContain('inference_cache_misses_total 9');
      expect(lines).toContain('headspace_storage_calls 1234');
      expect(lines).toContain('headspace_storage_bytes 5000000');
      expect(lines).toContain(
        `headspace_storage_oldest_call_timestamp_seconds ${Date.UTC(2026, 10, 1) / 1000}`,
      );
      expect(lines).toContain(
        `headspace_retention_last_pass_timestamp_seconds ${Date.UTC(2026, 11, 7, 1) / 1000}`,
      );
    }
    // In memory nothing is stored on disk: no storage figures, and no failure.
    const memory = await new HttpMetrics({ processMetrics: false }).render({
      ...status,
      storage: null,
    });
    expect(memory).toContain('headspace_storage_calls 0');
  });

  it("observes a call's stages, split into wait and work, and its overhead by route", async () => {
    const m = new HttpMetrics({ processMetrics: false });
    m.observeStages('/api/inference', [
      { stage: 'admit', ms: 0.4, waitMs: 0.1 },
      { stage: 'intent', ms: 1.5, waitMs: 1 },
      { stage: 'upstream', ms: 20 },
      { stage: 'outcome', ms: 2, waitMs: 0.5 },
      { stage: 'respond', ms: 0.1 },
    ]);
    const lines = (await m.render(status)).split('\n');
    const sum = (labels: string) =>
      Number(
        lines
          .find((l) => l.startsWith(`headspace_call_stage_seconds_sum{${labels}}`))
          ?.split(' ')[1],
      );
    expect(sum('stage="intent",part="wait"')).toBeCloseTo(0.001, 9);
    expect(sum('stage="intent",part="work"')).toBeCloseTo(0.0005, 9);
    expect(sum('stage="admit",part="wait"')).toBeCloseTo(0.0001, 9);
    expect(sum('stage="upstream",part="work"')).toBeCloseTo(0.02, 9);
    expect(
      lines.some((l) =>
        l.startsWith('headspace_call_stage_seconds_sum{stage="upstream",part="wait"}'),
      ),
    ).toBe(false);
    const overhead = lines.find((l) =>
      l.startsWith('headspace_overhead_seconds_sum{route="/api/inference"}'),
    );
    // 0.4 + 1.5 + 2 + 0.1 ms: everything but the 20 ms upstream.
    expect(Number(overhead?.split(' ')[1])).toBeCloseTo(0.004, 9);
  });

  it('keeps two instances apart (own registry, not the global one)', async () => {
    const a = new HttpMetrics({ processMetrics: false });
    const b = new HttpMetrics({ processMetrics: false });
    a.observeRequest('GET', '/healthz', 200, 0.001);
    expect(await b.render(status)).not.toContain('route="/healthz"');
  });
});
