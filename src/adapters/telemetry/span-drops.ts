import type { Context } from '@opentelemetry/api';
import type {
  ReadableSpan,
  Span,
  SpanExporter,
  SpanProcessor,
} from '@opentelemetry/sdk-trace-base';

type ExportResult = Parameters<Parameters<SpanExporter['export']>[1]>[0];
/** `ExportResultCode.SUCCESS` (of `@opentelemetry/core`, which we do not depend on directly). */
const SUCCESS = 0;

/** Spans lost on the way to the collector: a full queue or a failed export. */
export class SpanDrops {
  private n = 0;
  /** Spans waiting in the queue or in an export under way. */
  pending = 0;
  add(count: number): void {
    this.n += count;
  }
  /** How many spans were dropped since start. */
  count(): number {
    return this.n;
  }
}

/** Wraps the OTLP exporter: spans of a failed export count as dropped. */
export class CountingExporter implements SpanExporter {
  constructor(
    private readonly inner: SpanExporter,
    private readonly drops: SpanDrops,
  ) {}

  export(spans: ReadableSpan[], done: (r: ExportResult) => void): void {
    this.inner.export(spans, (r) => {
      this.drops.pending = Math.max(0, this.drops.pending - spans.length);
      if (r.code !== SUCCESS) this.drops.add(spans.length);
      done(r);
    });
  }

  shutdown(): Promise<void> {
    return this.inner.shutdown();
  }

  forceFlush(): Promise<void> {
    return this.inner.forceFlush?.() ?? Promise.resolve();
  }
}

/**
 * In front of the batch processor: a sampled span that would find its queue full (spans
 * queued or being exported ≥ `maxQueueSize`) is dropped here and counted, never waited for.
 */
export class BoundedProcessor implements SpanProcessor {
  constructor(
    private readonly inner: SpanProcessor,
    private readonly maxQueueSize: number,
    private readonly drops: SpanDrops,
  ) {}

  onStart(span: Span, parent: Context): void {
    this.inner.onStart(span, parent);
  }

  onEnd(span: ReadableSpan): void {
    if ((span.spanContext().traceFlags & 1) === 0) return;
    if (this.drops.pending >= this.maxQueueSize) return this.drops.add(1);
    this.drops.pending++;
    this.inner.onEnd(span);
  }

  forceFlush(): Promise<void> {
    return this.inner.forceFlush();
  }

  shutdown(): Promise<void> {
    return this.inner.shutdown();
  }
}
