import type { ResultAsync } from 'neverthrow';
import type {
  ChatMessage,
  FinishReason,
  InferenceError,
  PriceTable,
  Reasoning,
  ResponseFormat,
  ToolCall,
  ToolChoice,
  ToolDefinition,
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
  /** Aborts the request (every attempt) when it fires, e.g. at shutdown. */
  readonly signal?: AbortSignal | undefined;
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
  /** A lightweight connectivity and authentication check. */
  probe(): Promise<HealthReport>;
  /** Per-model prices the provider publishes (USD per million tokens); empty when unknown. */
  prices(): Promise<PriceTable>;
  /** The circuit breaker's state now. */
  circuitState(): CircuitState;
}
