import {
  usdFromNanos,
  type CallFacts,
  type InferenceEvent,
  type InferenceRequest,
  type InferenceResult,
} from '../../domain';
import type { CallStream } from './call-stream';

/** One call in progress: the validated request, its facts and when it began. */
export interface Call {
  readonly req: InferenceRequest;
  readonly facts: CallFacts;
  readonly startedAt: number;
  /** The cache key, or null when caching is disabled in config. */
  readonly key: string | null;
  /** Set when the caller asked for a stream. */
  readonly stream?: CallStream | undefined;
}

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
    // TypeScript cannot correlate `type` with `data` across a generic union; the signature does.
    return {
      type,
      eventId: newId(),
      occurredAt: new Date(at).toISOString(),
      data: {
        ...call.facts,
        ...(call.stream ? { streamed: true, ttftMs: call.stream.ttftMs } : {}),
        latencyMs: at - call.startedAt,
        ...data,
      },
    } as unknown as Extract<InferenceEvent, { type: T }>;
  };

/** The caller's view of an outcome event that carries text. */
export const resultOf = (e: InferenceEvent): InferenceResult => {
  const d = e.data;
  const answered = e.type === 'InferenceSucceeded' || e.type === 'InferenceServedFromCache';
  return {
    callId: d.callId,
    level: d.level,
    model: d.model,
    text: answered ? e.data.text : '',
    inputTokens: answered ? e.data.inputTokens : 0,
    outputTokens: answered ? e.data.outputTokens : 0,
    latencyMs: d.latencyMs,
    costUsd: e.type === 'InferenceSucceeded' ? usdFromNanos(e.data.costNanos) : 0,
    cached: e.type === 'InferenceServedFromCache',
  };
};
