import { context, SpanKind, SpanStatusCode, type Tracer } from '@opentelemetry/api';
import { formatTraceparent } from '../../domain';
import { isUpstreamFailure } from './failure';

type Headers = Readonly<Record<string, string>>;

/**
 * Runs one upstream attempt in a CLIENT span, the child of the call's span (active in the
 * context the call runs in), and sends OpenRouter a `traceparent` naming it. Without a tracer
 * (tracing off) the attempt runs as it is. The span holds no header, prompt or answer.
 */
export const inAttemptSpan = async <T>(
  tracer: Tracer | undefined,
  model: string,
  attempt: number,
  headers: Headers,
  run: (headers: Headers) => Promise<T>,
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
    context.active(),
  );
  const { traceId, spanId, traceFlags } = span.spanContext();
  const traceparent = formatTraceparent({ traceId, spanId, flags: traceFlags });
  try {
    const out = await run({ ...headers, traceparent });
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
