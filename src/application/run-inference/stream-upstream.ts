import { errAsync, okAsync, type ResultAsync } from 'neverthrow';
import {
  inferenceError,
  nanosFromUsd,
  promptChars,
  type InferenceEvent,
  type NanoUsd,
  tokensOfChars,
} from '../../domain';
import type {
  CachedAnswer,
  Completion,
  CompletionDelta,
  LlmGateway,
  PartialStream,
} from '../../ports';
import type { Call, eventFactory } from './call';
import type { CallStream } from './call-stream';
import {
  NOTHING_SPENT,
  problemOf,
  type Checked,
  type Spent,
  type Unchecked,
} from './checked-completion';
import { StreamCutter, type CutBy } from './stream-cut';

/** A stream cut short on purpose: its caller went away, or the service shut down. */
export interface StreamCut {
  readonly partial: PartialStream;
  readonly costEstimated: boolean;
  readonly by: CutBy;
}

/** A stream that ended without an answer; `cancelled` when it was cut on purpose. */
export interface StreamStopped extends Unchecked {
  readonly cancelled?: StreamCut;
}

/** What a streamed completion needs. */
export interface StreamedDeps {
  readonly gateway: LlmGateway;
  /** The cost of tokens at the price of the model that gave them; undefined if unpriced. */
  readonly costOf: (
    c: Pick<
      Completion,
      'model' | 'inputTokens' | 'outputTokens' | 'cachedInputTokens' | 'cacheWriteTokens'
    >,
  ) => NanoUsd | undefined;
}

const spentOf = (c: Completion, cost: NanoUsd | undefined): Spent => ({
  inputTokens: c.inputTokens,
  outputTokens: c.outputTokens,
  reasoningTokens: c.reasoningTokens,
  cachedInputTokens: c.cachedInputTokens,
  costNanos: cost ?? 0,
  reportedCostNanos: c.reportedCostUsd === null ? null : nanosFromUsd(c.reportedCostUsd),
  attempts: c.attempts,
  unpriced: cost === undefined,
});

/** What a stream that stopped short used: its usage chunk if it came, else an estimate from its text. */
const spentSoFar = (d: StreamedDeps, call: Call, p: PartialStream): Spent => {
  const u = p.usage;
  const sent = p.attempts > 0;
  const tokens = {
    model: p.model,
    inputTokens: u?.inputTokens ?? (sent ? tokensOfChars(promptChars(call.req)) : 0),
    outputTokens: u?.outputTokens ?? tokensOfChars(p.text.length),
    cachedInputTokens: u?.cachedInputTokens ?? 0,
    cacheWriteTokens: u?.cacheWriteTokens ?? 0,
  };
  const cost = d.costOf(tokens);
  return {
    ...tokens,
    reasoningTokens: u?.reasoningTokens ?? 0,
    costNanos: cost ?? 0,
    reportedCostNanos: u?.costUsd == null ? null : nanosFromUsd(u.costUsd),
    attempts: p.attempts,
    unpriced: cost === undefined,
  };
};

/**
 * One completion streamed to the caller as it arrives. Retries happen in the gateway, before the
 * first delta; structured output is checked once at the end (text already sent cannot be
 * repaired). The stream is cut when its caller cancels or when `stop` (the shutdown) aborts; a
 * cut stream carries what it used, and one cut before it was sent never reaches upstream.
 */
export const streamedCompletion = (
  d: StreamedDeps,
  call: Call & { readonly stream: CallStream },
  stop: AbortSignal,
): ResultAsync<Checked, StreamStopped> => {
  const { upstream: req, check, stream: s } = call;
  const cutter = new StreamCutter(s.signal, stop);
  if (cutter.signal.aborted) {
    const partial = {
      text: '',
      usage: null,
      model: req.model,
      upstreamId: null,
      attempts: 0,
      delivered: false,
    };
    const { by, error } = cutter.outcome(0);
    return errAsync({
      error,
      spent: NOTHING_SPENT,
      cancelled: { partial, costEstimated: false, by },
    });
  }
  return d.gateway
    .stream(req, { onDelta: s.deliver, signal: cutter.signal })
    .mapErr((f): StreamStopped => {
      cutter.release();
      const spent = spentSoFar(d, call, f.partial);
      if (f.cancelled) {
        const costEstimated = f.partial.usage === null && f.partial.attempts > 0;
        const { by, error } = cutter.outcome(f.partial.attempts);
        return {
          error,
          spent,
          model: f.partial.model,
          cancelled: { partial: f.partial, costEstimated, by },
        };
      }
      return {
        error: f.error,
        spent: f.partial.delivered ? spent : { ...NOTHING_SPENT, attempts: f.partial.attempts },
        model: f.partial.model,
      };
    })
    .andThen((c) => {
      cutter.release();
      const spent = spentOf(c, d.costOf(c));
      return problemOf(check, c).andThen((problem): ResultAsync<Checked, StreamStopped> => {
        if (problem === undefined) return okAsync({ completion: c, spent });
        const error = inferenceError(
          'invalid_output',
          `${problem} (a streamed answer is not repaired)`,
          { attempts: c.attempts },
        );
        return errAsync({ error, spent, model: c.model });
      });
    });
};

/**
 * The outcome event of a stream cut short (its caller cancelled, or the shutdown aborted it):
 * the tokens and cost known (usage if it arrived, else estimated from the text received,
 * `costEstimated`), and the generation id, so the cost can be reconciled later.
 */
export const cancelledEvent = (
  event: ReturnType<typeof eventFactory>,
  call: Call,
  stop: StreamStopped & { readonly cancelled: NonNullable<StreamStopped['cancelled']> },
): InferenceEvent => {
  const { partial, costEstimated, by } = stop.cancelled;
  const chars = `after ${partial.text.length} characters`;
  const answered =
    partial.model === call.facts.model
      ? call
      : { ...call, facts: { ...call.facts, model: partial.model } };
  return event(answered, 'InferenceCancelled', {
    reason: by,
    // A shutdown answers its caller (`event: error`); a caller who left hears nothing.
    errorCode: by === 'shutdown' ? stop.error.code : null,
    errorMessage:
      by === 'shutdown'
        ? `${stop.error.detail}, ${chars}`
        : `the caller cancelled the stream ${chars}`,
    inputTokens: stop.spent.inputTokens,
    outputTokens: stop.spent.outputTokens,
    costNanos: stop.spent.costNanos,
    costEstimated,
    reportedCostNanos: stop.spent.reportedCostNanos,
    attempts: partial.attempts,
    upstreamId: partial.upstreamId,
  });
};

/** A cached answer as the one delta a streamed cache hit sends. */
export const deltaOfAnswer = (hit: CachedAnswer): CompletionDelta => ({
  text: hit.text,
  ...(hit.toolCalls
    ? {
        toolCalls: hit.toolCalls.map((t, index) => ({
          index,
          id: t.id,
          type: t.type,
          function: t.function,
        })),
      }
    : {}),
});
