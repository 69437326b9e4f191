import type { ResultAsync } from 'neverthrow';
import type {
  ChatMessage,
  FinishReason,
  InferenceError,
  NanoUsd,
  PriceTable,
  Reasoning,
  ResponseFormat,
  ToolCall,
  ToolChoice,
  ToolDefinition,
  TraceParent,
} from '../domain';
import type { StreamControl, StreamFailure } from './llm-stream';

/** What goes upstream for one call. */
export interface CompletionRequest {
  readonly model: string;
  /** Models OpenRouter may fall back to, in order, after `model`. */
  readonly fallbacks?: readonly string[] | undefined;
  /** The conversation, system prompt first when there is one. */
  readonly messages: readonly ChatMessage[];
  readonly maxOutputTokens?: number | undefined;
  readonly temperature?: number | undefined;
  readonly topP?: number | undefined;
  readonly stop?: readonly string[] | undefined;
  readonly seed?: number | undefined;
  readonly responseFormat?: ResponseFormat | undefined;
  readonly tools?: readonly ToolDefinition[] | undefined;
  readonly toolChoice?: ToolChoice | undefined;
  readonly reasoning?: Reasoning | undefined;
  /** The traced call's span: each upstream attempt's CLIENT span is its child. */
  readonly parentSpan?: TraceParent | undefined;
  /** Aborts the request (every attempt) when it fires, e.g. at shutdown. */
  readonly signal?: AbortSignal | undefined;
  /**
   * Told OpenRouter's generation id of each attempt as soon as it is known, before the answer
   * (response headers, or a stream's first chunk), so a call cut short can still be reconciled.
   */
  readonly onUpstreamId?: ((upstreamId: string) => void) | undefined;
}

/** What came back (FR3). */
export interface Completion {
  readonly text: string;
  /** Tool calls the model made, or null. */
  readonly toolCalls: readonly ToolCall[] | null;
  /** Why the model stopped, as upstream said; null when it did not say. */
  readonly finishReason: FinishReason | null;
  /** Prompt tokens, cached ones included. */
  readonly inputTokens: number;
  /** Completion tokens, reasoning included. */
  readonly outputTokens: number;
  /** Of the output tokens, those spent reasoning. */
  readonly reasoningTokens: number;
  /** Of the input tokens, those read from the provider's prompt cache. */
  readonly cachedInputTokens: number;
  /** Of the input tokens, those written to the provider's prompt cache. */
  readonly cacheWriteTokens: number;
  /** The model that answered (a fallback, if one did). */
  readonly model: string;
  /** OpenRouter's generation id. */
  readonly upstreamId: string | null;
  /** OpenRouter's `usage.cost` in USD, when it reported one. */
  readonly reportedCostUsd: number | null;
  /** Upstream attempts made, the first included. */
  readonly attempts: number;
}

/** What a generation used and cost, as OpenRouter's `/generation` tells it afterwards. */
export interface GenerationStats {
  /** Prompt tokens (the model's own count when given). */
  readonly inputTokens: number;
  /** Completion tokens, reasoning included. */
  readonly outputTokens: number;
  /** What OpenRouter charged (`total_cost`). */
  readonly costNanos: NanoUsd;
}

/** `/generation`'s answer: the figures, or `not_ready` while it has none for the id yet (404). */
export type GenerationLookup = GenerationStats | 'not_ready';

/** Circuit breaker state. */
export type CircuitState = 'closed' | 'open' | 'half-open';

/** The result of one connectivity check (FR23). */
export interface HealthReport {
  readonly reachable: boolean;
  /** null when it could not be told (unreachable, or no key to check). */
  readonly authenticated: boolean | null;
  readonly checkedAt: string;
  readonly latencyMs: number;
  /** What went wrong, never containing the key. */
  readonly error: string | null;
}

/** The upstream LLM provider, resilient (retries, timeouts, circuit breaking) behind this port. */
export interface LlmGateway {
  /** One completion; failures carry `attempts` and an error code. */
  complete(req: CompletionRequest): ResultAsync<Completion, InferenceError>;
  /**
   * The same completion streamed: deltas go to `control.onDelta` as they arrive. Retries and the
   * circuit breaker act only before the first delta; a failure or cancel carries what arrived.
   */
  stream(req: CompletionRequest, control: StreamControl): ResultAsync<Completion, StreamFailure>;
  /**
   * The real tokens and cost of a generation by its id, for calls recorded with an estimate.
   * `not_ready` until OpenRouter has them (and for an id it does not know); a failure to ask is
   * an error value. Not retried here: the caller polls with its own backoff.
   */
  generation(
    upstreamId: string,
    signal?: AbortSignal,
  ): ResultAsync<GenerationLookup, InferenceError>;
  /** A lightweight connectivity and authentication check. */
  probe(): Promise<HealthReport>;
  /** Per-model prices the provider publishes (USD per million tokens); empty when unknown. */
  prices(): Promise<PriceTable>;
  /** The circuit breaker's state now. */
  circuitState(): CircuitState;
}
