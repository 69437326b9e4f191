import type { InferenceError } from '../domain';

/** One fragment of a tool call as it streams, in OpenAI's chunk shape (merged by `index`). */
export interface ToolCallDelta {
  readonly index: number;
  readonly id?: string;
  readonly type?: 'function';
  readonly function?: { readonly name?: string; readonly arguments?: string };
}

/** One piece of a streamed answer, as it reaches the caller: text and/or tool-call fragments. */
export interface CompletionDelta {
  readonly text?: string;
  readonly toolCalls?: readonly ToolCallDelta[];
}

/** Token counts and cost from a stream's usage chunk. */
export interface StreamUsage {
  readonly inputTokens: number;
  readonly outputTokens: number;
  readonly cachedInputTokens: number;
  readonly cacheWriteTokens: number;
  readonly reasoningTokens: number;
  /** OpenRouter's `usage.cost` in USD, when it reported one. */
  readonly costUsd: number | null;
}

/** How a stream is consumed: a callback per delta, and a signal that cancels it. */
export interface StreamControl {
  /** Called for each non-empty delta, in order. After the first, nothing is retried. */
  readonly onDelta: (d: CompletionDelta) => void;
  /** Aborting it closes the upstream connection at once; the stream then ends cancelled. */
  readonly signal?: AbortSignal | undefined;
}

/** What a stream had delivered when it stopped short. */
export interface PartialStream {
  /** The text delivered so far (concatenated deltas). */
  readonly text: string;
  /** The usage chunk, when it arrived before the end. */
  readonly usage: StreamUsage | null;
  readonly model: string;
  readonly upstreamId: string | null;
  readonly attempts: number;
  /** True once a delta reached the caller (from then on, nothing was retried). */
  readonly delivered: boolean;
}

/** A stream that failed or was cancelled, with what it had delivered. */
export interface StreamFailure {
  readonly error: InferenceError;
  /** True when the caller's signal ended it, not an upstream failure. */
  readonly cancelled: boolean;
  readonly partial: PartialStream;
}
