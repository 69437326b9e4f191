import { context, ROOT_CONTEXT, SpanKind, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { okAsync, ResultAsync } from 'neverthrow';
import type { InferenceEvent } from '../../domain';
import type { CallObserver } from '../../ports';
import { OtelCallTracing } from './otel-call-tracing';

const succeeded = (traceId: string): InferenceEvent => ({
  type: 'InferenceSucceeded',
  eventId: 'e1',
  occurredAt: '2026-03-01T10:15:42.123Z',
  data: {
    callId: 'c1',
    level: 'task',
    purpose: 'p',
    model: 'vendor/model',
    inputHash: 'h',
    projectId: null,
    agentId: null,
    commandId: null,
    turnId: null,
    latencyMs: 12,
    traceId,
    text: 'the secret answer',
    inputTokens: 10,
    outputTokens: 5,
    costNanos: 123_000,
    reportedCostNanos: null,
    unpriced: false,
    attempts: 1,
    upstreamId: 'gen-1',
    finishReason: 'stop',
  },
});

describe('OtelCallTracing', () => {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({
    spanProcessors: [new SimpleSpanProcessor(exporter)],
  });
  const tracer = provider.getTracer('test');
  const tracing = new OtelCallTracing({
    tracer,
    dropped: () => 0,
    shutdown: () => Promise.resolve(),
  });
  beforeAll(() => {
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  });
  afterAll(() => context.disable());
  beforeEach(() => exporter.reset());

  it('in process: an INTERNAL span under the active context (the host application keeps a context manager), its stages and attempts as children', async () => {
    const outer = tracer.startSpan('caller');
    let seen: CallObserver | undefined;
    const result = await context.with(trace.setSpan(ROOT_CONTEXT, outer), () =>
      tracing.infer(undefined, (o) => {
        seen = o;
        o?.enter('intent');
        o?.enter('upstream');
        // What the gateway does, after an await: a span under the call's, named by the
        // observer (the request's parentSpan), not found in the active context.
        const attempt = ResultAsync.fromSafePromise(Promise.resolve()).map(() => {
          const p = o.traceParent;
          const parent = p
            ? trace.setSpanContext(ROOT_CONTEXT, {
                traceId: p.traceId,
                spanId: p.spanId,
                traceFlags: p.flags,
              })
            : ROOT_CONTEXT;
          tracer.startSpan('attempt', { kind: SpanKind.CLIENT }, parent).end();
        });
        return attempt.andThen(() => {
          o?.enter('outcome');
          o?.recorded(succeeded(o.traceId ?? ''));
          o?.enter('respond');
          return okAsync('answered');
        });
      }),
    );
    outer.end();
    expect(result._unsafeUnwrap()).toBe('answered');
    const spans = exporter.getFinishedSpans();
    const call = spans.find((s) => s.name === 'chat vendor/model');
    expect(call?.kind).toBe(SpanKind.INTERNAL);
    expect(call?.parentSpanContext?.spanId).toBe(outer.spanContext().spanId);
    expect(seen?.traceId).toBe(outer.spanContext().traceId);
    const children = spans.filter(
      (s) => s.parentSpanContext?.spanId === call?.spanContext().spanId,
    );
    expect(children.map((s) => s.name).sort()).toEqual([
      'append intent',
      'append outcome',
      'attempt',
    ]);
    expect(call?.attributes).toMatchObject({
      'gen_ai.usage.input_tokens': 10,
      'gen_ai.usage.output_tokens': 5,
      'gen_ai.response.id': 'gen-1',
      'gen_ai.response.finish_reasons': ['stop'],
      'headspace.cost_usd': 0.000123,
      'headspace.status': 'succeeded',
      'headspace.cache_hit': false,
    });
    expect(JSON.stringify(call?.attributes)).not.toContain('secret answer');
  });

  it("over HTTP: a SERVER span under the caller's traceparent, a new trace without a valid one", async () => {
    const incoming = (traceparent: string | undefined): CallObserver => ({
      incoming: { traceparent },
      enter: () => undefined,
      waitFrom: () => undefined,
      waitTo: () => undefined,
      appended: () => undefined,
      recorded: () => undefined,
    });
    const parent = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
    await tracing.infer(incoming(parent), () => okAsync(1));
    await tracing.infer(incoming('00-nonsense'), () => okAsync(2));
    const [child, root] = exporter.getFinishedSpans();
    expect(child?.kind).toBe(SpanKind.SERVER);
    expect(child?.spanContext().traceId).toBe('0af7651916cd43dd8448eb211c80319c');
    expect(child?.parentSpanContext?.spanId).toBe('b7ad6b7169203331');
    expect(root?.parentSpanContext).toBeUndefined();
  });
});
