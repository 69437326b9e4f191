import {
  parseJsonOrUndefined,
  usdFromNanos,
  wellFormedDeep,
  type CallFacts,
  type Consumer,
  type InferenceEvent,
  type InferenceRequest,
  type InferenceResult,
} from '../../domain';
import type { CompletionRequest, CallObserver } from '../../ports';
import type { OutputCheck } from './checked-completion';
import type { CallStream } from './call-stream';

/** One call in progress: the validated request, its facts and when it began. */
export interface Call {
  readonly req: InferenceRequest;
  /** What is sent upstream. */
  readonly upstream: CompletionRequest;
  /** The structured-output check of each answer, with `responseFormat`. */
  readonly check: OutputCheck | undefined;
  readonly facts: CallFacts;
  readonly startedAt: number;
  /** The cache key, or null when caching is disabled in config. */
  readonly key: string | null;
  /** Set when the caller asked for a stream. */
  readonly stream?: CallStream | undefined;
  /** The consumer key the call was made with: its limits, budgets and lists bind it. */
  readonly consumer?: Consumer | undefined;
  /** Where the call's time goes, marked as it moves on (a no-op unless its receiver times it). */
  readonly observer: CallObserver;
}

/** The stage timer of a call nobody times. */
export const UNOBSERVED: CallObserver = {
  enter: () => undefined,
  waitFrom: () => undefined,
  waitTo: () => undefined,
  appended: () => undefined,
  recorded: () => undefined,
};

type DataOf<T extends InferenceEvent['type']> = Omit<
  Extract<InferenceEvent, { type: T }>['data'],
  keyof CallFacts
>;

/** Builds outcome events stamped with the time they happen. */
export const eventFactory =
  (now: () => number, newId: () => string) =>
  <T extends InferenceEvent['type']>(
    call: Call,
    type: T,
    data: DataOf<T>,
  ): Extract<InferenceEvent, { type: T }> => {
    const at = now();
    // Upstream text (answers, error messages, ids) may hold lone surrogates, which PostgreSQL
    // refuses: repair them here, so every event can be stored, and stored as it was answered.
    // TypeScript cannot correlate `type` with `data` across a generic union; the signature does.
    return {
      type,
      eventId: newId(),
      occurredAt: new Date(at).toISOString(),
      data: wellFormedDeep({
        ...call.facts,
        ...(call.stream ? { streamed: true, ttftMs: call.stream.ttftMs } : {}),
        latencyMs: at - call.startedAt,
        ...data,
      }),
    } as unknown as Extract<InferenceEvent, { type: T }>;
  };

/**
 * The caller's view of an outcome event that carries text. With `structured`, the text was
 * validated as JSON before it was recorded, so `json` is its parsed value. Its tool calls are
 * the caller's own copy: the event is also the record (in memory) and what subscribers get.
 */
export const resultOf = (e: InferenceEvent, structured = false): InferenceResult => {
  const d = e.data;
  const answered = e.type === 'InferenceSucceeded' || e.type === 'InferenceServedFromCache';
  const text = answered ? e.data.text : '';
  const toolCalls = answered ? e.data.toolCalls : undefined;
  return {
    callId: d.callId,
    level: d.level,
    model: d.model,
    text,
    ...(structured && answered && !toolCalls ? { json: parseJsonOrUndefined(text) } : {}),
    ...(toolCalls ? { toolCalls: structuredClone(toolCalls) } : {}),
    finishReason: answered ? (e.data.finishReason ?? null) : null,
    inputTokens: answered ? e.data.inputTokens : 0,
    outputTokens: answered ? e.data.outputTokens : 0,
    reasoningTokens: answered ? (e.data.reasoningTokens ?? 0) : 0,
    cachedInputTokens: answered ? (e.data.cachedInputTokens ?? 0) : 0,
    latencyMs: d.latencyMs,
    costUsd: e.type === 'InferenceSucceeded' ? usdFromNanos(e.data.costNanos) : 0,
    cached: e.type === 'InferenceServedFromCache',
  };
};
