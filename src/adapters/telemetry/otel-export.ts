import type { Tracer } from '@opentelemetry/api';
import { OTLPTraceExporter as JsonExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as ProtoExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { BoundedProcessor, CountingExporter, SpanDrops } from './span-drops';

type Env = Readonly<Record<string, string | undefined>>;

/** Where and how spans go, from the standard `OTEL_*` variables. */
export interface ExportSettings {
  /** The full URL of the traces endpoint. */
  readonly url: string;
  readonly protocol: 'http/protobuf' | 'http/json';
  readonly serviceName: string;
}

/** A running span export: the tracer of our spans and what was lost on the way. */
export interface TraceExport {
  readonly tracer: Tracer;
  /** Spans dropped since start (queue full or export failed). */
  dropped(): number;
  /** Flushes what is queued, waiting at most `ms`, and stops. */
  shutdown(ms: number): Promise<void>;
}

const DEFAULT_QUEUE = 2048;

/**
 * Starts exporting spans over OTLP/HTTP through a bounded batch processor, so a slow or dead
 * collector never holds a call: spans beyond the queue are dropped and counted. Our provider
 * is not registered globally (a host application keeps its own), and neither is a context
 * manager: a call hands its span to the gateway explicitly (`CompletionRequest.parentSpan`),
 * because an async-hooks context manager put a cost on every promise of the process (it
 * raised CPU per call by half in the bench). A host's own context manager is still read for
 * the parent of an in-process call.
 */
export const startTraceExport = (s: ExportSettings, env: Env): TraceExport => {
  const drops = new SpanDrops();
  const n = (name: string): number | undefined => {
    const v = Number(env[name]);
    return Number.isFinite(v) && v > 0 ? v : undefined;
  };
  const config = {
    url: s.url,
    timeoutMillis: n('OTEL_EXPORTER_OTLP_TRACES_TIMEOUT') ?? n('OTEL_EXPORTER_OTLP_TIMEOUT'),
  };
  const otlp = s.protocol === 'http/json' ? new JsonExporter(config) : new ProtoExporter(config);
  const maxQueueSize = n('OTEL_BSP_MAX_QUEUE_SIZE') ?? DEFAULT_QUEUE;
  const batch = new BatchSpanProcessor(new CountingExporter(otlp, drops), {
    maxQueueSize,
    maxExportBatchSize: n('OTEL_BSP_MAX_EXPORT_BATCH_SIZE'),
    scheduledDelayMillis: n('OTEL_BSP_SCHEDULE_DELAY'),
    exportTimeoutMillis: n('OTEL_BSP_EXPORT_TIMEOUT'),
  });
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': s.serviceName }),
    spanProcessors: [new BoundedProcessor(batch, maxQueueSize, drops)],
  });
  return {
    tracer: provider.getTracer('headspace-inference'),
    dropped: () => drops.count(),
    shutdown: async (ms) => {
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<void>((r) => (timer = setTimeout(r, ms).unref()));
      await Promise.race([provider.shutdown().catch(() => undefined), late]);
      clearTimeout(timer);
    },
  };
};
