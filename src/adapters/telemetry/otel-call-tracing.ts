import { context, ROOT_CONTEXT, trace, type Context } from '@opentelemetry/api';
import { ResultAsync, type Result } from 'neverthrow';
import type { InferenceStream } from '../../application';
import { parseTraceparent, type InferenceError } from '../../domain';
import type { CallObserver } from '../../ports';
import { TracedCall } from './call-span';
import type { TraceExport } from './otel-export';

/** The parent of a call: its caller's `traceparent` over HTTP, else the active context. */
const parentOf = (inner: CallObserver | undefined): Context => {
  if (!inner?.incoming) return context.active();
  const p = parseTraceparent(inner.incoming.traceparent);
  if (!p) return ROOT_CONTEXT;
  return trace.setSpanContext(ROOT_CONTEXT, {
    traceId: p.traceId,
    spanId: p.spanId,
    traceFlags: p.flags,
    isRemote: true,
  });
};

const errorOf = (r: Result<unknown, InferenceError>): InferenceError | undefined =>
  r.isErr() ? r.error : undefined;

/**
 * Runs calls in spans: each call gets its span (SERVER when it came over HTTP, INTERNAL in
 * process) and ends it once the call is answered. The span reaches the gateway as the
 * observer's `traceParent` (its attempt spans are its children and carry its trace upstream);
 * the call also runs with it active, for a host application whose own context manager follows
 * the call's awaits.
 */
export class OtelCallTracing {
  constructor(readonly exporting: TraceExport) {}

  private begin(inner: CallObserver | undefined): TracedCall {
    const server = inner?.incoming !== undefined;
    return TracedCall.start(this.exporting.tracer, parentOf(inner), server, inner);
  }

  /** One call answered whole. */
  infer<T>(
    inner: CallObserver | undefined,
    run: (o: CallObserver) => ResultAsync<T, InferenceError>,
  ): ResultAsync<T, InferenceError> {
    const t = this.begin(inner);
    const r = context.with(t.ctx, () => run(t));
    return new ResultAsync(
      Promise.resolve(r).then((settled) => {
        t.end(errorOf(settled));
        return settled;
      }),
    );
  }

  /** One streamed call: its span ends when the stream's result settles. */
  stream(
    inner: CallObserver | undefined,
    run: (o: CallObserver) => InferenceStream,
  ): InferenceStream {
    const t = this.begin(inner);
    const s = context.with(t.ctx, () => run(t));
    s.result.then(
      (settled) => t.end(errorOf(settled)),
      () => t.end(undefined),
    );
    return s;
  }
}
