import { errAsync, type ResultAsync } from 'neverthrow';
import { costNanos, inferenceError, type InferenceError, type InferenceEvent } from '../../domain';
import type { Completion, CompletionRequest, LlmGateway, PartialStream } from '../../ports';
import type { PriceBook } from '../pricing/price-book';
import type { Call, eventFactory } from './call';

/** Why the upstream step ended without a completion. */
export interface UpstreamStop {
  readonly error: InferenceError;
  /** Set when the caller cancelled a stream: what it had received by then. */
  readonly cancelled?: PartialStream;
}

/** The error a cancelled stream's caller gets (after it has gone, usually nobody). */
export const cancelledError = (attempts: number): InferenceError =>
  inferenceError('unavailable', 'the caller cancelled the stream', { attempts });

/**
 * Sends the call upstream: as a stream when the caller asked for one (its deltas go straight to
 * the caller), else in one piece. A stream cancelled before it was sent never reaches upstream.
 */
export const sendUpstream = (
  gateway: LlmGateway,
  call: Call,
  request: CompletionRequest,
): ResultAsync<Completion, UpstreamStop> => {
  const s = call.stream;
  if (!s) return gateway.complete(request).mapErr((error) => ({ error }));
  if (s.signal.aborted) {
    const nothing = { text: '', usage: null, upstreamId: null, attempts: 0, delivered: false };
    return errAsync({ error: cancelledError(0), cancelled: { ...nothing, model: request.model } });
  }
  return gateway
    .stream(request, { onDelta: s.deliver, signal: s.signal })
    .mapErr((f) => (f.cancelled ? { error: f.error, cancelled: f.partial } : { error: f.error }));
};

/** What a cancelled stream used: the usage chunk if it arrived, else an estimate from its text. */
export const usageOfCancelled = (call: Call, p: PartialStream, prices: PriceBook) => {
  const u = p.usage;
  const inputTokens =
    u?.inputTokens ??
    (p.attempts === 0
      ? 0
      : Math.ceil(((call.req.system?.length ?? 0) + call.req.input.length) / 4));
  const outputTokens = u?.outputTokens ?? Math.ceil(p.text.length / 4);
  const price = prices.priceOf(call.facts.model);
  return {
    inputTokens,
    outputTokens,
    costNanos: price ? costNanos(price, inputTokens, outputTokens) : 0,
    reportedCostUsd: u?.costUsd ?? null,
    estimated: u === null && p.attempts > 0,
  };
};

/**
 * The outcome event of a stream its caller cancelled. The one place that decides how such a
 * call is recorded: for now a failure naming the cancel and what was received.
 */
export const cancelledEvent = (
  event: ReturnType<typeof eventFactory>,
  call: Call,
  stop: UpstreamStop & { readonly cancelled: PartialStream },
  prices: PriceBook,
): InferenceEvent => {
  const used = usageOfCancelled(call, stop.cancelled, prices);
  return event(call, 'InferenceFailed', {
    errorCode: stop.error.code,
    errorMessage:
      `cancelled by the caller after ${stop.cancelled.text.length} characters ` +
      `(~${used.outputTokens} output tokens${used.estimated ? ', estimated' : ''})`,
    attempts: stop.cancelled.attempts,
    upstreamStatus: null,
  });
};
