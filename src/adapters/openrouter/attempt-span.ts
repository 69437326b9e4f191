import {
  context,
  ROOT_CONTEXT,
  SpanKind,
  trace,
  type Context,
  SpanStatusCode,
  type Attributes,
  type Tracer,
} from '@opentelemetry/api';
import { formatTraceparent, type TraceParent } from '../../domain';
import { isUpstreamFailure } from './failure';

type Headers = Readonly<Record<string, string>>;

/** A completion's model and generation id, as a CLIENT span's GenAI attributes. */
export const completionAttributes = (c: {
  readonly model: string;
  readonly upstreamId: string | null;
}): Attributes => ({
  'gen_ai.response.model': c.model,
  'gen_ai.response.id': c.upstreamId ?? undefined,
});

/** The context an attempt's span starts in: the call's span when given, else the active one. */
const parentContext = (parent: TraceParent | undefined): Context =>
  parent
    ? trace.setSpanContext(ROOT_CONTEXT, {
        traceId: parent.traceId,
        spanId: parent.spanId,
        traceFlags: parent.flags,
      })
    : context.active();

/**
 * Runs one upstream attempt in a CLIENT span, the child of the call's span (`parent`, or the
 * active context when the caller gave none), and sends OpenRouter a `traceparent` naming it.
 * Without a tracer (tracing off) the attempt runs as it is. The span holds no header, prompt or
 * answer.
 */
export const inAttemptSpan = async <T>(
  tracer: Tracer | undefined,
  parent: TraceParent | undefined,
  model: string,
  attempt: number,
  headers: Headers,
  run: (headers: Headers) => Promise<T>,
  /** What the span says of a successful attempt (the model that answered, its generation id). */
  describe?: (out: T) => Attributes,
): Promise<T> => {
  if (!tracer) return run(headers);
  const span = tracer.startSpan(
    `chat ${model}`,
    {
      kind: SpanKind.CLIENT,
      attributes: {
        'gen_ai.operation.name': 'chat',
        'gen_ai.provider.name': 'openrouter',
        'gen_ai.request.model': model,
        'headspace.attempt': attempt,
      },
    },
    parentContext(parent),
  );
  const { traceId, spanId, traceFlags } = span.spanContext();
  const traceparent = formatTraceparent({ traceId, spanId, flags: traceFlags });
  try {
    const out = await run({ ...headers, traceparent });
    if (describe) span.setAttributes(describe(out));
    span.end();
    return out;
  } catch (e) {
    const kind = isUpstreamFailure(e) ? e.kind : 'error';
    span.setAttribute('error.type', kind);
    if (isUpstreamFailure(e) && e.status !== undefined) {
      span.setAttribute('http.response.status_code', e.status);
    }
    span.setStatus({ code: SpanStatusCode.ERROR, message: kind });
    span.end();
    throw e;
  }
};
