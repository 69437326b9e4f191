import type { ResultAsync } from 'neverthrow';
import type { InferenceError, PriceTable } from '../domain';

/** What goes upstream for one call. */
export interface CompletionRequest {
  readonly model: string;
  readonly system?: string | undefined;
  readonly input: string;
  readonly maxOutputTokens?: number | undefined;
  readonly temperature?: number | undefined;
  /** Aborts the request (every attempt) when it fires, e.g. at shutdown. */
  readonly signal?: AbortSignal | undefined;
}

/** What came back (FR3). */
export interface Completion {
  readonly text: string;
  readonly inputTokens: number;
  readonly outputTokens: number;
  /** The model upstream says it used. */
  readonly model: string;
  /** OpenRouter's generation id. */
  readonly upstreamId: string | null;
  /** OpenRouter's `usage.cost` in USD, when it reported one. */
  readonly reportedCostUsd: number | null;
  /** Upstream attempts made, the first included. */
  readonly attempts: number;
}

/** Circuit breaker state (CONTRACT §4). */
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
  /** One completion; failures carry `attempts` and the error code of CONTRACT §1. */
  complete(req: CompletionRequest): ResultAsync<Completion, InferenceError>;
  /** A lightweight connectivity and authentication check. */
  probe(): Promise<HealthReport>;
  /** Per-model prices the provider publishes (USD per million tokens); empty when unknown. */
  prices(): Promise<PriceTable>;
  /** The circuit breaker's state now. */
  circuitState(): CircuitState;
}
