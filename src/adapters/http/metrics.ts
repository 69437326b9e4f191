import { collectDefaultMetrics, Registry } from 'prom-client';
import type { StatusReport } from '../../application';
import type { InferenceEvent } from '../../domain';
import type { StageTime } from './call-observer';
import { defineMetrics, type MetricSet } from './metric-set';

const CIRCUIT_STATES = ['closed', 'half-open', 'open'] as const;

const OUTCOME: Readonly<Record<InferenceEvent['type'], string>> = {
  InferenceSucceeded: 'succeeded',
  InferenceFailed: 'failed',
  InferenceServedFromCache: 'cached',
  InferenceRateLimited: 'rate_limited',
  InferenceCancelled: 'cancelled',
  InferenceInterrupted: 'interrupted',
};

/**
 * Prometheus metrics on a registry of their own (never prom-client's global one, so two
 * services in one process do not collide). Inference figures come from the domain events;
 * figures that are state rather than events (circuit, backlog, cache counts) are read from
 * the status document at scrape time.
 */
export class HttpMetrics {
  readonly registry = new Registry();
  private readonly m: MetricSet;

  constructor(options: { processMetrics?: boolean } = {}) {
    this.m = defineMetrics(this.registry);
    if (options.processMetrics !== false) collectDefaultMetrics({ register: this.registry });
  }

  /** Counts one HTTP request once its response status is known. */
  observeRequest(method: string, route: string, status: number, seconds: number): void {
    this.m.requests.inc({ method, route, status: String(status) });
    this.m.duration.observe({ method, route }, seconds);
  }

  /** Observes where one call's time went, and its overhead (all but its time upstream). */
  observeStages(route: string, stages: readonly StageTime[]): void {
    let total = 0;
    let upstream = 0;
    for (const s of stages) {
      total += s.ms;
      if (s.stage === 'upstream') upstream += s.ms;
      if (s.waitMs === undefined) this.stagePart(s.stage, 'work').observe(s.ms / 1000);
      else {
        this.stagePart(s.stage, 'wait').observe(s.waitMs / 1000);
        this.stagePart(s.stage, 'work').observe((s.ms - s.waitMs) / 1000);
      }
    }
    this.m.overhead.observe({ route }, (total - upstream) / 1000);
  }

  private readonly parts = new Map<string, { observe(v: number): void }>();

  /** The histogram child of one stage and part, looked up once. */
  private stagePart(stage: string, part: 'wait' | 'work') {
    const k = `${stage} ${part}`;
    let h = this.parts.get(k);
    if (!h) this.parts.set(k, (h = this.m.stage.labels({ stage, part })));
    return h;
  }

  /** Counts one recorded call outcome (subscribe to every domain event type). */
  observeEvent(e: InferenceEvent): void {
    const { level, model } = e.data;
    const outcome = OUTCOME[e.type];
    this.m.calls.inc({ level, model, outcome });
    this.m.latency.observe({ level, model, outcome }, e.data.latencyMs / 1000);
    if (e.data.streamed === true) {
      this.m.streamed.inc({ level, model, outcome });
      const ttft = e.data.ttftMs;
      if (ttft !== undefined && ttft !== null) this.m.ttft.observe({ level, model }, ttft / 1000);
    }
    switch (e.type) {
      case 'InferenceSucceeded':
        this.m.attempts.inc({ level, model }, e.data.attempts);
        this.m.tokens.inc({ level, model, direction: 'input' }, e.data.inputTokens);
        this.m.tokens.inc({ level, model, direction: 'output' }, e.data.outputTokens);
        this.m.cost.inc({ level, model }, e.data.costNanos / 1e9);
        break;
      case 'InferenceFailed':
        if (e.data.attempts > 0) this.m.attempts.inc({ level, model }, e.data.attempts);
        break;
      case 'InferenceServedFromCache':
        if (e.data.coalesced) this.m.coalesced.inc({ level, model });
        break;
      case 'InferenceRateLimited':
        this.m.rateLimited.inc({ level, limit: e.data.limit });
        break;
    }
  }

  /** The exposition text, with state gauges refreshed from `status` (and the spans dropped). */
  async render(status: StatusReport, droppedSpans = 0): Promise<string> {
    this.m.spansDropped.reset();
    this.m.spansDropped.inc(droppedSpans);
    for (const s of CIRCUIT_STATES)
      this.m.circuit.set({ state: s }, s === status.circuitBreaker ? 1 : 0);
    this.m.backlog.set(status.logging.backlog);
    const lag = status.projections.usage.lagMs;
    if (lag !== null) this.m.projectionLag.set(lag / 1000);
    const st = status.storage;
    if (st !== null) {
      this.m.storedCalls.set(st.calls);
      this.m.storedBytes.set(st.bytes);
      if (st.oldestCallAt !== null) this.m.oldestCall.set(Date.parse(st.oldestCallAt) / 1000);
      if (st.lastRetentionAt !== null)
        this.m.lastRetention.set(Date.parse(st.lastRetentionAt) / 1000);
    }
    this.m.enabled.set(status.enabled ? 1 : 0);
    this.m.waiting.set(status.rateLimits.waiting);
    // The cache keeps its own running counts; mirror them rather than count twice.
    this.m.cacheHits.reset();
    this.m.cacheHits.inc(status.cache.hits);
    this.m.cacheMisses.reset();
    this.m.cacheMisses.inc(status.cache.misses);
    return this.registry.metrics();
  }

  /** The exposition content type. */
  get contentType(): string {
    return this.registry.contentType;
  }
}
