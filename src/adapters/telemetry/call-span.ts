import {
  SpanKind,
  SpanStatusCode,
  trace,
  type Attributes,
  type Context,
  type Span,
  type Tracer,
} from '@opentelemetry/api';
import {
  callRecordOf,
  usdFromNanos,
  type InferenceError,
  type InferenceEvent,
  type TraceParent,
} from '../../domain';
import type { AppendTiming, CallObserver, CallStage } from '../../ports';

/**
 * What the call's span says of its recorded outcome: the OpenTelemetry GenAI attributes and
 * ours. Figures only, never the prompt or the answer, never a secret.
 */
export const callSpanAttributes = (e: InferenceEvent): Attributes => {
  const r = callRecordOf(e);
  const answered = e.type === 'InferenceSucceeded' || e.type === 'InferenceServedFromCache';
  return {
    'gen_ai.request.model': e.data.model,
    'gen_ai.response.model': answered ? r.model : undefined,
    'gen_ai.usage.input_tokens': r.inputTokens,
    'gen_ai.usage.output_tokens': r.outputTokens,
    'gen_ai.response.finish_reasons': r.finishReason ? [r.finishReason] : undefined,
    'gen_ai.response.id': r.upstreamId ?? undefined,
    'headspace.level': r.level,
    'headspace.purpose': r.purpose,
    'headspace.call_id': r.id,
    'headspace.cost_usd': usdFromNanos(r.costNanos),
    'headspace.cache_hit': e.type === 'InferenceServedFromCache' && !e.data.coalesced,
    'headspace.coalesced': e.type === 'InferenceServedFromCache' && e.data.coalesced,
    'headspace.status': r.status,
    'headspace.attempts': r.attempts,
    'error.type': r.errorCode ?? undefined,
  };
};

/** The internal span each stage gets, if any: the durable appends. */
const STAGE_SPANS: Partial<Record<CallStage, string>> = {
  intent: 'append intent',
  outcome: 'append outcome',
};

/**
 * One call's span, fed by the use case's stage marks (the same `CallObserver` seam the HTTP
 * frame times with, which it forwards to): child spans for the intent and outcome appends and
 * for waiting on budgets and rate limits, the outcome's attributes once recorded.
 */
export class TracedCall implements CallObserver {
  readonly traceId: string;
  readonly traceParent: TraceParent;
  readonly incoming: CallObserver['incoming'];
  private stageSpan: Span | undefined;
  private waitSpan: Span | undefined;
  private recordedAny = false;

  constructor(
    private readonly tracer: Tracer,
    readonly span: Span,
    /** The context with `span` active: the call runs in it. */
    readonly ctx: Context,
    private readonly inner: CallObserver | undefined,
  ) {
    const { traceId, spanId, traceFlags } = span.spanContext();
    this.traceId = traceId;
    this.traceParent = { traceId, spanId, flags: traceFlags };
    this.incoming = inner?.incoming;
  }

  /** Starts the span of a call whose parent is in `parent`. */
  static start(
    tracer: Tracer,
    parent: Context,
    server: boolean,
    inner: CallObserver | undefined,
  ): TracedCall {
    const span = tracer.startSpan(
      // Named for its model once recorded: before, the model is only what the request claims.
      'chat',
      {
        kind: server ? SpanKind.SERVER : SpanKind.INTERNAL,
        attributes: {
          'gen_ai.operation.name': 'chat',
          'gen_ai.provider.name': 'openrouter',
        },
      },
      parent,
    );
    return new TracedCall(tracer, span, trace.setSpan(parent, span), inner);
  }

  enter(stage: CallStage): void {
    this.inner?.enter(stage);
    this.stageSpan?.end();
    const name = STAGE_SPANS[stage];
    this.stageSpan = name ? this.tracer.startSpan(name, {}, this.ctx) : undefined;
  }

  waitFrom(): void {
    this.inner?.waitFrom();
    this.waitSpan = this.tracer.startSpan('wait limits', {}, this.ctx);
  }

  waitTo(): void {
    this.inner?.waitTo();
    this.waitSpan?.end();
    this.waitSpan = undefined;
  }

  appended(t: AppendTiming | void): void {
    this.inner?.appended(t);
    if (t && this.stageSpan) {
      this.stageSpan.setAttributes({
        'headspace.append.wait_ms': t.waitMs,
        'headspace.append.work_ms': t.workMs,
      });
    }
  }

  recorded(e: InferenceEvent): void {
    this.inner?.recorded(e);
    this.recordedAny = true;
    if (!this.span.isRecording()) return;
    this.span.updateName(`chat ${e.data.model}`);
    this.span.setAttributes(callSpanAttributes(e));
    const failed = e.type === 'InferenceFailed' || e.type === 'InferenceRateLimited';
    if (failed || e.type === 'InferenceCancelled') {
      this.span.setStatus({ code: SpanStatusCode.ERROR, message: callRecordOf(e).errorCode ?? '' });
    }
  }

  /** The call is answered: its span ends, with the error code if it failed unrecorded. */
  end(error: InferenceError | undefined): void {
    this.stageSpan?.end();
    this.waitSpan?.end();
    if (error && !this.recordedAny) {
      this.span.setAttribute('error.type', error.code);
      this.span.setStatus({ code: SpanStatusCode.ERROR, message: error.code });
    }
    this.span.end();
  }
}
