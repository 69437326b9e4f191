import type { Tracer } from '@opentelemetry/api';
import type { ResultAsync } from 'neverthrow';
import type * as Telemetry from '../adapters/telemetry';
import type { ExportSettings } from '../adapters/telemetry';
import type { InferenceStream } from '../application';
import type { InferenceError } from '../domain';
import type { CallObserver } from '../ports';
import type { Logger } from './logger';

type Env = Readonly<Record<string, string | undefined>>;

/** How calls are traced: in spans exported over OTLP, or not at all. */
export interface Tracing {
  /** For the gateway's attempt spans; undefined when tracing is off. */
  readonly tracer: Tracer | undefined;
  infer<T>(
    o: CallObserver | undefined,
    run: (o: CallObserver | undefined) => ResultAsync<T, InferenceError>,
  ): ResultAsync<T, InferenceError>;
  stream(
    o: CallObserver | undefined,
    run: (o: CallObserver | undefined) => InferenceStream,
  ): InferenceStream;
  /** Spans dropped since start: queue full or export failed. */
  dropped(): number;
  /** Flushes queued spans (bounded) and stops exporting. */
  shutdown(): Promise<void>;
}

/** Tracing off: calls run as they are, at the cost of one function call. */
export const NO_TRACING: Tracing = {
  tracer: undefined,
  infer: (o, run) => run(o),
  stream: (o, run) => run(o),
  dropped: () => 0,
  shutdown: () => Promise.resolve(),
};

/**
 * The export the standard `OTEL_*` variables ask for, or undefined when no endpoint is set.
 * `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT` is used as given; `OTEL_EXPORTER_OTLP_ENDPOINT` gets
 * `/v1/traces` appended, as the specification says. gRPC is not offered: http/protobuf then.
 */
export const exportSettingsOf = (env: Env): ExportSettings | undefined => {
  const traces = env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?.trim();
  const base = env.OTEL_EXPORTER_OTLP_ENDPOINT?.trim();
  const url = traces ? traces : base ? `${base.replace(/\/+$/, '')}/v1/traces` : undefined;
  if (url === undefined) return undefined;
  const asked = (env.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL ?? env.OTEL_EXPORTER_OTLP_PROTOCOL)?.trim();
  return {
    url,
    protocol: asked === 'http/json' ? 'http/json' : 'http/protobuf',
    serviceName: env.OTEL_SERVICE_NAME?.trim() || 'headspace-inference',
  };
};

/** How long shutdown waits for queued spans to leave. */
const FLUSH_MS = 2000;

/**
 * Tracing as the environment asks. Off (no endpoint), the OpenTelemetry SDK is never loaded:
 * the telemetry adapter is required only here, only when on.
 */
export const tracingFrom = (env: Env, logger: Logger): Tracing => {
  const settings = exportSettingsOf(env);
  if (!settings) return NO_TRACING;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const t = require('../adapters/telemetry') as typeof Telemetry;
  const exporting = t.startTraceExport(settings, env);
  const calls = new t.OtelCallTracing(exporting);
  logger.info(
    { host: new URL(settings.url).host, protocol: settings.protocol },
    'exporting traces',
  );
  return {
    tracer: exporting.tracer,
    infer: (o, run) => calls.infer(o, run),
    stream: (o, run) => calls.stream(o, run),
    dropped: () => exporting.dropped(),
    shutdown: () => exporting.shutdown(FLUSH_MS),
  };
};
